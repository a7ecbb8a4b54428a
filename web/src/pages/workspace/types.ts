/* What the rating API sends and takes (docs/openapi.yaml: ratings, assignments, comparison), and the
 * instrument definition as stored (docs/instruments.md). */
import type { SubmissionState } from '../../api';

export type RatingKind = 'rater' | 'consensus' | 'master';
export type RatingState = 'in_progress' | 'submitted' | 'approved' | 'ended';

/* One coded intervention; client_id is made by the browser and names it for every later change. */
export interface Intervention {
	client_id: string;
	start_ms: number;
	end_ms: number | null;
	code: string;
	within_manual: boolean | null;
	quality: number | null;
	note: string;
}

/* item id -> facet -> value; "global" holds the global ratings. */
export type Scores = Record<string, Record<string, number>>;

export interface Rating {
	id: number;
	submission_id: number;
	kind: RatingKind;
	rater_id: number | null;
	rater_email: string | null;
	rater_name: string | null;
	assignment_id: number | null;
	instrument_id: number;
	state: RatingState;
	version: number;
	scores: Scores;
	notes: string;
	based_on: number | null;
	interventions: Intervention[];
	created_at: string;
	updated_at: string;
	submitted_at: string | null;
	reopened_at: string | null;
	reopen_reason: string | null;
	supervisor_comment: string | null;
	/* Only on an answer to a change that had already been applied. */
	replayed?: boolean;
}

export type Op =
	| { op: 'score'; item: string; facet: string; value: number | null }
	| ({ op: 'intervention' } & Intervention)
	| { op: 'delete_intervention'; client_id: string }
	| { op: 'notes'; text: string };

/* A row of GET /api/me/assignments: the rater's own work, never another rater's progress. */
export interface MyAssignment {
	id: number;
	submission_id: number;
	due_date: string | null;
	assigned_at: string;
	rating_id: number;
	rating_kind: RatingKind;
	rating_state: RatingState;
	rating_updated_at: string | null;
	submission_state: SubmissionState;
	modality: string | null;
	treatment_phase: string | null;
	session_number: number | null;
	session_date: string | null;
	questions: string | null;
	institution_name: string;
	therapist_name: string | null;
	instrument_name: string | null;
	instrument_id: number | null;
	recording_id: number | null;
}

/* A row of GET /api/submissions/{id}/assignments. */
export interface AssignmentRow {
	id: number;
	rater_id: number;
	rater_email: string;
	rater_name: string;
	due_date: string | null;
	assigned_at: string;
	ended_at: string | null;
	rating_id: number | null;
	rating_state: string | null;
	submitted_at?: string | null;
}

/* A row of GET /api/submissions/{id}/ratings. */
export interface RatingSummary {
	id: number;
	kind: RatingKind;
	rater_id: number | null;
	rater_email?: string | null;
	rater_name?: string | null;
	state: RatingState;
	submitted_at: string | null;
	based_on?: number | null;
}

export interface ScoreComparison {
	item: string;
	facet: string;
	values: number[];
	difference: number;
	disagree: boolean;
}

export interface Comparison {
	ratings: Rating[];
	scores: ScoreComparison[];
	interventions?: {
		tolerance_s: number;
		matched: { a: Intervention; b: Intervention; codes_differ: boolean }[];
		unmatched_a: Intervention[];
		unmatched_b: Intervention[];
		kappa: number | null;
	};
}

/* The recording facts the workspace needs (GET /api/recordings/{id}). */
export interface RecordingInfo {
	id: number;
	state: string;
	duration: number | null;
	video_codec: string | null;
	playable: boolean;
}

export interface ViewingInfo {
	viewing: string;
	media_url: string;
	expires_at: string;
}

/* ---- The instrument definition, as the lab imported it ---- */

export interface Label {
	nb: string;
	da: string;
	en: string;
}
export type Text = Partial<Label>;

export interface RangeDef {
	min: number;
	max: number;
	step?: number;
	good_enough?: number;
	points?: { value: number; label: Label }[];
}

export interface AnchorDef {
	value: number;
	text: Text;
}

export interface ItemDef {
	id: string;
	label: Label;
	description?: Text;
	facets: string[];
	range: string | RangeDef;
	required?: boolean;
	flags?: string[];
	anchors?: Record<string, AnchorDef[]>;
}

export interface GlobalDef {
	id: string;
	label: Label;
	description?: Text;
	range: string | RangeDef;
	required?: boolean;
	flags?: string[];
	anchors?: AnchorDef[];
}

export interface CodeDef {
	code: string;
	class?: 'item' | 'outside_manual' | 'not_classifiable';
	item?: string;
	label?: Label;
}

export interface InstrumentDef {
	code: string;
	version: string;
	kind: string;
	name: Label;
	description?: Text;
	ranges?: Record<string, RangeDef>;
	items: ItemDef[];
	globals?: GlobalDef[];
	codes?: CodeDef[];
}

export interface InstrumentRow {
	id: number;
	code: string;
	version: string;
	name: string;
	kind: string;
	definition: InstrumentDef | null;
}
