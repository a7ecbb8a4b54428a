/* Client outcomes as the API gives them (docs/openapi.yaml, /api/outcomes and /api/q). */
import { ApiError, type AgeBand, type Gender, type Locale, request } from '../../api';

export const OUTCOME_STATUSES = ['not_on_track', 'new', 'on_track', 'deteriorated', 'dropped_out', 'unchanged', 'improved', 'recovered', 'no_follow_up', 'withdrawn'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];
export const CATEGORIES = ['recovered', 'improved', 'unchanged', 'deteriorated'] as const;
export type Category = (typeof CATEGORIES)[number];
export type Treatment = 'active' | 'ended' | 'dropped_out';

export interface Band {
	name: string;
	label: string;
	from: number | null;
}

export interface Scoring {
	use: 'outcome' | 'alliance';
	method: string;
	items: string[];
	max_missing: number;
	direction: 'lower_is_better' | 'higher_is_better';
	min: number;
	max: number;
	cutoff: number | null;
	reliable_change: number | null;
	bands: Band[];
	alerts: { item: string; from: number; label: string }[];
	unverified: string[];
	notes: string | null;
}

export interface QuestionnaireItem {
	id: string;
	text: string | null;
	required: boolean;
	range: { min: number; max: number; step: number };
	answers: { value: number; text: string | null }[];
}

export interface Questionnaire {
	code: string;
	version: string;
	language: Locale;
	name: string;
	instructions: string | null;
	items: QuestionnaireItem[];
}

export interface MeasureItem {
	id: string;
	label: string;
	text?: string;
	required: boolean;
	range: { min: number; max: number; step: number };
}

export interface Measure {
	id: number;
	code: string;
	version: string;
	name: string;
	description?: string;
	licence?: string;
	languages: Locale[];
	items: MeasureItem[];
	scoring: Scoring;
	questionnaire: Questionnaire | null;
}

export interface Rules {
	direction: 'lower_is_better' | 'higher_is_better';
	alliance: boolean;
	min: number;
	max: number;
	cutoff: number | null;
	reliable_change: number | null;
}

export interface Point {
	response_id: number;
	session_number: number;
	session_date: string;
	score: number;
	band: string | null;
	entered_by: 'therapist' | 'client';
	version: number;
	alerts: { item: string; answer: number; label: string }[];
}

export interface Trajectory {
	instrument_id: number;
	code: string;
	version: string;
	name: string;
	primary: boolean;
	rules: Rules;
	points: Point[];
	n: number;
	intake: { session_number: number; score: number } | null;
	latest: { session_number: number; score: number } | null;
	change: number | null;
	reliable: boolean;
	rc_band: { lower: number; upper: number } | null;
	category: Category | null;
	intake_clinical: boolean | null;
	latest_clinical: boolean | null;
	expected: {
		available: boolean;
		n_clients: number;
		min_clients: number;
		curve?: { session_number: number; expected: number; lower: number; upper: number }[];
	};
	off_track: boolean;
	not_on_track: boolean;
}

export interface ResponseRow {
	id: number;
	case_id: number;
	instrument_id: number;
	instrument_code: string;
	session_number: number;
	session_date: string;
	answers: Record<string, number | null> | null;
	score: number;
	missing: number;
	version: number;
	supersedes: number | null;
	reason: string | null;
	entered_by: 'therapist' | 'client';
	created_at: string;
	current: boolean;
	versions?: ResponseRow[];
}

export interface Link {
	id: number;
	instrument_id: number;
	instrument_code: string;
	instrument_name: string;
	language: Locale;
	session_number: number;
	created_at: string;
	expires_at: string;
	opened_at: string | null;
	used_at: string | null;
	revoked_at: string | null;
}

export interface OutcomeClient {
	id: number;
	code: string;
	institution_id: number;
	institution_name: string;
	age_band: AgeBand | null;
	gender: Gender | null;
	instrument_id: number;
	instrument_code: string;
	instrument_name: string;
	consent_date: string;
	withdrawn: boolean;
	withdrawn_date: string | null;
	treatment: Treatment;
	ended_date: string | null;
	created_at: string;
	status: OutcomeStatus;
	rank: number;
	alert: boolean;
	n_scores: number;
	intake: number | null;
	latest: number | null;
	latest_session: number | null;
	latest_date: string | null;
	change: number | null;
	category: Category | null;
	not_on_track: boolean;
}

export interface ClientDetail extends OutcomeClient {
	trajectories: Trajectory[];
	responses: ResponseRow[];
	links: Link[];
}

export interface Share {
	count: number;
	share: number | null;
	lower: number | null;
	upper: number | null;
}

export interface MeasureEffect {
	instrument_id: number;
	code: string;
	name: string;
	rules: Rules;
	n: number;
	n_dropped_out: number;
	n_no_follow_up: number;
	categories: Record<Category, Share>;
	effect_size: { d: number; lower: number; upper: number } | null;
	adjusted: { value: number; lower: number; upper: number } | null;
	reference: { n: number; d: number | null; min_reference: number; min_cases_adjusted: number };
	caveats: string[];
}

export interface Summary {
	from: string | null;
	to: string | null;
	caseload: { total: number; counts: Record<OutcomeStatus, number> };
	clients_started: number;
	scores_recorded: number;
	measures: MeasureEffect[];
}

export interface AggregateItem {
	instrument_id: number;
	code: string;
	name: string;
	n_therapists: number;
	min_therapists: number;
	suppressed: boolean;
	n?: number;
	n_dropped_out?: number;
	categories?: Record<Category, Share>;
	effect_size?: { d: number; lower: number; upper: number } | null;
	therapist_icc?: number | null;
}

export interface AnswerInput {
	item: string;
	value: number | null;
}

export interface ScoresInput {
	instrument_id: number;
	session_number?: number;
	session_date?: string;
	answers?: AnswerInput[];
	score?: number;
}

export interface NewLink {
	link: Link;
	token: string;
	path: string;
	url: string;
	qr_svg: string;
}

export const oapi = {
	measures: (lang: Locale) => request<{ items: Measure[] }>('GET', '/outcomes/measures', { query: { lang } }),
	clients: () => request<{ items: OutcomeClient[]; counts: Record<OutcomeStatus, number> }>('GET', '/outcomes/clients'),
	client: (id: number, lang: Locale) => request<ClientDetail>('GET', `/outcomes/clients/${id}`, { query: { lang } }),
	register: (body: { institution_id?: number; case_id?: number; consent_date: string; instrument_id: number; age_band?: AgeBand; gender?: Gender }) =>
		request<ClientDetail>('POST', '/outcomes/clients', { body }),
	end: (id: number, body: { status: 'ended' | 'dropped_out'; ended_date: string }) => request<ClientDetail>('POST', `/outcomes/clients/${id}/end`, { body }),
	withdraw: (id: number, withdrawn_date: string) => request<ClientDetail>('POST', `/outcomes/clients/${id}/consent/withdraw`, { body: { withdrawn_date } }),
	enter: (id: number, body: ScoresInput) => request<ResponseRow>('POST', `/outcomes/clients/${id}/responses`, { body }),
	response: (id: number) => request<ResponseRow>('GET', `/outcomes/responses/${id}`),
	correct: (id: number, body: Omit<ScoresInput, 'instrument_id'> & { reason: string }) => request<ResponseRow>('POST', `/outcomes/responses/${id}/corrections`, { body }),
	link: (id: number, body: { instrument_id: number; language: Locale; session_number?: number }) => request<NewLink>('POST', `/outcomes/clients/${id}/links`, { body }),
	revoke: (linkId: number) => request<Link>('POST', `/outcomes/links/${linkId}/revoke`, { body: {} }),
	summary: (q: { from?: string; to?: string; lang: Locale }) => request<Summary>('GET', '/outcomes/effectiveness', { query: q }),
	aggregate: (q: { from?: string; to?: string; lang: Locale }) => request<{ institution_id: number | null; items: AggregateItem[] }>('GET', '/outcomes/aggregate', { query: q }),
};

/* A refusal of a known link carries the link's language, so the page can answer in it. */
export class LinkError extends ApiError {
	readonly language: Locale | null;

	constructor(status: number, code: string, message: string, fields: Record<string, string>, language: Locale | null) {
		super(status, code, message, fields);
		this.language = language;
	}
}

/* The public answer page: no session, the link's token in a header, never in a URL. */
async function linkRequest<T>(method: 'GET' | 'POST', token: string, body?: unknown): Promise<T> {
	const headers: Record<string, string> = { Accept: 'application/json', 'X-Link-Token': token };
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	let res: Response;
	try {
		res = await fetch('/api/q', { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
	} catch (e) {
		throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
	}
	const text = await res.text();
	let json: unknown = null;
	try {
		json = text ? JSON.parse(text) : null;
	} catch {
		json = null;
	}
	if (!res.ok) {
		const e = (json as { error?: { code?: string; message?: string; fields?: Record<string, string>; language?: string } } | null)?.error;
		const lang = e?.language === 'nb' || e?.language === 'da' || e?.language === 'en' ? e.language : null;
		throw new LinkError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.fields ?? {}, lang);
	}
	return json as T;
}

export const linkApi = {
	open: (token: string) => linkRequest<{ questionnaire: Questionnaire; language: Locale; expires_at: string }>('GET', token),
	answer: (token: string, answers: AnswerInput[]) => linkRequest<{ received: boolean }>('POST', token, { answers }),
};
