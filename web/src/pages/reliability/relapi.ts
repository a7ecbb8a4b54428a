/* The reliability API (docs/openapi.yaml: reliability, drift, lab settings, calibration, lab figures):
 * types and calls, through api.ts's request(). */
import { request } from '../../api';

export type VarKind = 'item' | 'global' | 'total';
export type Labels = Partial<Record<'nb' | 'da' | 'en', string>>;

/* What every per-variable row carries: an item's facet, a global rating, or a facet's total. */
export interface VarRef {
	item: string | null;
	facet: string;
	kind: VarKind;
	label: Labels | null;
}

export interface IccValue {
	icc: number | null;
	ci_lower: number | null;
	ci_upper: number | null;
	f: number | null;
	df1: number | null;
	df2: number | null;
	p: number | null;
}

export type IccForm = 'ICC1' | 'ICC2' | 'ICC3' | 'ICC1k' | 'ICC2k' | 'ICC3k';

export interface ReliabilityVar extends VarRef {
	n_sessions: number;
	mean: number | null;
	icc: Record<IccForm, IccValue> | null;
	reason: 'too_few_sessions' | 'no_variation' | null;
}

export interface InstrumentRef {
	id: number;
	code: string;
	version: string;
	name: string;
	kind: string;
}

export interface EventAgreement {
	tolerance_ms: number;
	n_sessions: number;
	n_matched: number;
	unmatched_a: number;
	unmatched_b: number;
	kappa: number | null;
	ci_lower: number | null;
	ci_upper: number | null;
	se: number | null;
	p_observed: number | null;
	p_expected: number | null;
	codes: string[];
}

export interface Reliability {
	instrument: InstrumentRef;
	from: string | null;
	to: string | null;
	n_sessions: number;
	form: 'ICC1';
	explanation: string;
	items: ReliabilityVar[];
	totals: ReliabilityVar[];
	events: EventAgreement | null;
}

export type Period = 'month' | 'quarter';

export interface DriftCell {
	n: number;
	mean: number | null;
	sd: number | null;
	flagged: boolean;
}

export interface DriftItem extends VarRef, DriftCell {
	periods: (DriftCell & { period: string })[];
}

export interface DriftRater {
	rater_id: number;
	name: string;
	email: string;
	n_ratings: number;
	flagged: boolean;
	items: DriftItem[];
}

export interface Drift {
	instrument: InstrumentRef;
	period: Period;
	band: number;
	periods: string[];
	raters: DriftRater[];
}

export interface LabSettings {
	drift_band: number;
	drift_period: Period;
	calibration_icc: number;
	calibration_min_sessions: number;
	calibration_form: 'ICC2';
	min_therapists: number;
	updated_at: string | null;
	updated_by: number | null;
}

export type LabSettingsInput = Partial<Pick<LabSettings, 'drift_band' | 'drift_period' | 'calibration_icc' | 'calibration_min_sessions'>>;

export interface SessionTrainee {
	trainee_id: number;
	name: string;
	email: string;
	rating_id: number;
	rating_state: string;
	submitted_at: string | null;
	assigned_at: string;
	comparison?: ComparisonRow[] | null;
	agreement?: Agreement | null;
}

export interface CalibrationSession {
	id: number;
	submission_id: number;
	master_rating_id: number;
	master_state: string;
	master_based_on: number | null;
	created_at: string;
	retired_at: string | null;
	session_date: string | null;
	session_number: number | null;
	modality: string | null;
	submission_state: string;
	institution_name: string;
	instrument_id: number;
	instrument_name: string | null;
	trainees: SessionTrainee[];
}

export interface Candidate {
	submission_id: number;
	session_date: string | null;
	session_number: number | null;
	modality: string | null;
	institution_name: string;
	instrument_id: number | null;
	instrument_name: string | null;
}

export interface ComparisonRow extends VarRef {
	trainee: number | null;
	master: number | null;
	difference: number | null;
}

export interface Agreement {
	n_pairs: number;
	mean_abs_difference: number | null;
	exact: number | null;
	within_one: number | null;
}

export interface CalibrationSessionResult {
	session_id: number;
	submission_id: number;
	rating_id: number;
	rating_state: string;
	submitted_at: string | null;
	master_ready: boolean;
	instrument_id: number;
	instrument_name: string | null;
	session_date: string | null;
	session_number: number | null;
	modality: string | null;
	recording_id: number | null;
	retired: boolean;
	completed: boolean;
	comparison: ComparisonRow[] | null;
	agreement: Agreement | null;
}

export interface InstrumentCalibration {
	instrument_id: number;
	instrument: InstrumentRef;
	n_assigned: number;
	n_sessions: number;
	n_pairs: number;
	icc: IccValue | null;
	mean_difference: number | null;
	mean_abs_difference: number | null;
	exact: number | null;
	within_one: number | null;
	calibrated: boolean;
	items?: (VarRef & { n: number; mean_difference: number | null; mean_abs_difference: number | null })[];
}

export interface Calibration {
	trainee_id: number;
	name: string;
	email: string;
	rule: { form: 'ICC2'; icc_min: number; min_sessions: number };
	calibrated: boolean;
	n_assigned: number;
	instruments: InstrumentCalibration[];
	sessions?: CalibrationSessionResult[];
}

export interface FigureItem extends VarRef {
	n: number;
	q1: number | null;
	median: number | null;
	q3: number | null;
	mean: number | null;
}

export interface FigureGroup {
	group: 'lab' | 'institution';
	institution_id: number | null;
	n_ratings: number;
	n_therapists: number;
	suppressed: boolean;
	items: FigureItem[];
}

export interface ProgrammeRow {
	id: number;
	institution_id: number;
	institution_name: string;
	kind: string;
	name: string;
}

export interface LabFigures {
	instrument: InstrumentRef;
	year: number | null;
	programme: { id: number; name: string; kind: string; institution_id: number } | null;
	programme_kind: string | null;
	institution_id: number | null;
	min_therapists: number;
	groups: FigureGroup[];
	years: { year: string }[];
	programmes: ProgrammeRow[];
}

type Query = Record<string, string | number | undefined>;

export const relApi = {
	reliability: (q: Query) => request<Reliability>('GET', '/reliability', { query: q }),
	drift: (q: Query) => request<Drift>('GET', '/reliability/drift', { query: q }),
	settings: () => request<LabSettings>('GET', '/lab-settings'),
	saveSettings: (body: LabSettingsInput) => request<LabSettings>('PUT', '/lab-settings', { body }),
	figures: (q: Query) => request<LabFigures>('GET', '/lab-figures', { query: q }),
	sessions: () => request<{ items: CalibrationSession[] }>('GET', '/calibration/sessions'),
	session: (id: number) => request<CalibrationSession>('GET', `/calibration/sessions/${id}`),
	candidates: () => request<{ items: Candidate[] }>('GET', '/calibration/candidates'),
	markSession: (submission_id: number, master: 'consensus' | 'new') => request<CalibrationSession>('POST', '/calibration/sessions', { body: { submission_id, master } }),
	addTrainees: (id: number, trainee_ids: number[]) => request<CalibrationSession>('POST', `/calibration/sessions/${id}/trainees`, { body: { trainee_ids } }),
	retire: (id: number) => request<CalibrationSession>('POST', `/calibration/sessions/${id}/retire`, { body: {} }),
	trainees: () => request<{ items: Calibration[] }>('GET', '/calibration/trainees'),
	trainee: (id: number) => request<Calibration>('GET', `/calibration/trainees/${id}`),
	mine: () => request<Calibration>('GET', '/me/calibration'),
};

/* The workspace's context for a trainee's calibration rating (it has no assignment), or null. */
export async function calibrationContext(ratingId: number): Promise<{ session: CalibrationSessionResult } | null> {
	try {
		const mine = await relApi.mine();
		const session = mine.sessions?.find((s) => s.rating_id === ratingId);
		return session ? { session } : null;
	} catch {
		return null;
	}
}
