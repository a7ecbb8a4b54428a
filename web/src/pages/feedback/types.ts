/* What the feedback API sends and takes: the profile of an approved consensus, the written feedback
 * with its points and clips, feedback meetings with their mail, practice goals and the outbox. */
import type { SubmissionState } from '../../api';

export type FeedbackStatus = 'none' | 'draft' | 'published';
export type MeetingState = 'scheduled' | 'cancelled' | 'held';

/* A row of GET /api/feedback. */
export interface FeedbackListItem {
	submission_id: number;
	state: SubmissionState;
	session_date: string | null;
	session_number: number | null;
	therapist_id: number;
	therapist_name: string;
	institution_name: string;
	instrument_name: string | null;
	feedback_status: FeedbackStatus;
	published_at: string | null;
	meeting: { id: number; starts_at: string; state: MeetingState } | null;
}

/* ---- The profile (GET /api/submissions/{id}/profile) ---- */

export interface Reference {
	n: number;
	median: number;
	q1: number;
	q3: number;
}

export interface Scored {
	value: number | null;
	reference: Reference | null;
}

export type CodeClass = 'item' | 'outside_manual' | 'not_classifiable';

export interface CodeCount {
	code: string;
	label: string;
	item: string | null;
	class: CodeClass;
	count: number;
	share: number;
}

export interface ProfileItem {
	id: string;
	label: string;
	interventions: number;
	/* Absent when the item is not rated for adherence. */
	adherence?: Scored;
	quality?: Scored;
}

export interface ProfileGlobal {
	id: string;
	label: string;
	value: number | null;
	reference: Reference | null;
}

export interface Derived {
	id: string;
	label: string;
	description: string | null;
	value: number | null;
	band: string | null;
	band_label: string | null;
}

export type Verdict = 'support_heavy' | 'balanced' | 'challenge_heavy';

export interface Balance {
	support: number;
	challenge: number;
	difference: number;
	verdict: Verdict;
}

export interface Strength {
	item: string;
	label: string;
	facet: string;
	value: number;
	reason: 'above_good_enough';
}

export interface Improvement {
	item: string;
	label: string;
	facet: string;
	value: number | null;
	reason: 'below_good_enough' | 'not_used';
	gap: number | null;
}

export interface TrendPoint {
	submission_id: number;
	date: string;
	adherence: number | null;
	quality: number | null;
}

export interface TrendItem {
	item: string;
	label: string;
	points: TrendPoint[];
}

export interface Profile {
	instrument: { code: string; version: string; name: string };
	good_enough: number | null;
	counts: {
		total: number;
		per_minute: number | null;
		duration_s: number | null;
		within_manual: number;
		within_manual_share: number | null;
		outside_manual: number;
		not_classifiable: number;
		by_code: CodeCount[];
		most_used: string[];
		least_used: string[];
	};
	items: ProfileItem[];
	globals: ProfileGlobal[];
	derived: Derived[];
	balance: Balance | null;
	strengths: Strength[];
	improvements: Improvement[];
	reference: { available: boolean; n: number; min_n: number };
	trend: TrendItem[];
}

/* ---- The written feedback (GET /api/submissions/{id}/feedback) ---- */

export type PointKind = 'strength' | 'improvement';

export interface ClipInput {
	start_ms: number;
	end_ms: number;
	label: string;
}

export interface Clip extends ClipInput {
	id: number;
}

export interface Point {
	id: number;
	kind: PointKind;
	item_id: string | null;
	title: string;
	body: string;
	position: number;
	clips: Clip[];
}

export interface PointInput {
	kind: PointKind;
	item_id: string | null;
	title: string;
	body: string;
	clips: ClipInput[];
	position?: number;
}

export interface Person {
	id: number;
	name: string;
	role?: string;
}

export interface Feedback {
	submission_id: number;
	state: SubmissionState;
	version: number;
	summary: string;
	published_at: string | null;
	published_by_name: string | null;
	therapist: { id: number; name: string };
	institution_name: string;
	session_date: string | null;
	/* Null when the submission never had a recording; available is false once it is deleted. */
	recording: { id: number; duration: number | null; available: boolean } | null;
	/* Staff only: who can be invited to the meeting. */
	participants_available?: (Person & { role: string })[];
	/* Staff only: the therapist's notice that the feedback is published, and its delivery. */
	mail?: Mail[];
	points: Point[];
}

/* ---- Meetings, mail, goals ---- */

export type MailState = 'queued' | 'sending' | 'sent' | 'failed';

export interface Mail {
	id: number;
	to_addr: string;
	kind: string;
	state: MailState;
	attempts: number;
	last_error: string | null;
	sent_at: string | null;
}

export interface Meeting {
	id: number;
	submission_id: number;
	uid: string;
	sequence: number;
	state: MeetingState;
	starts_at: string;
	duration_min: number;
	link: string;
	organizer: Person;
	participants: (Person & { role: string })[];
	notes: string;
	agreed: string;
	held_at: string | null;
	cancelled_at: string | null;
	/* Staff only. */
	mail?: Mail[];
}

export interface MeetingInput {
	starts_at: string;
	duration_min: number;
	link: string;
	participant_ids?: number[];
}

export interface GoalInput {
	item_id: string;
	description: string;
	target: string;
	review_date: string;
}

export interface HeldInput {
	notes: string;
	agreed: string;
	goals: GoalInput[];
}

export type GoalState = 'active' | 'achieved' | 'dropped';

export interface Goal {
	id: number;
	therapist_id: number;
	submission_id: number | null;
	meeting_id: number | null;
	instrument_code: string;
	item_id: string;
	item_label: string;
	description: string;
	target: string;
	review_date: string;
	state: GoalState;
	created_at: string;
}

/* A row of GET /api/outbox. */
export interface OutboxRow extends Mail {
	meeting_id?: number | null;
	submission_id?: number | null;
}
