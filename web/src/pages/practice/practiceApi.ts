/* The deliberate-practice part of the kvalab API: goals, the practice log, weekly totals,
 * "closing the loop", and the time spent watching one's own recording. */
import type { Summary } from '../outcomes/oapi';
import { request } from '../../api';

export const ACTIVITIES = ['recording_review', 'simulated_client', 'feedback', 'reading', 'other'] as const;
export type Activity = (typeof ACTIVITIES)[number];
/* The five domains of the Taxonomy of Deliberate Practice Activities. */
export const DOMAINS = ['structure', 'hope_expectancy', 'relationship', 'client_factors', 'therapist_factors'] as const;
export type Domain = (typeof DOMAINS)[number];
export const GOAL_STATES = ['active', 'achieved', 'dropped'] as const;
export type GoalState = (typeof GOAL_STATES)[number];

export interface Goal {
	id: number;
	therapist_id: number;
	submission_id: number | null;
	meeting_id: number | null;
	/* Agreed in a feedback meeting, or set by the therapist. */
	source: 'meeting' | 'own';
	instrument_id: number | null;
	instrument_code: string | null;
	item_id: string | null;
	item_label: string | null;
	description: string;
	target: string;
	review_date: string;
	state: GoalState;
	/* Active, and the review date (UTC) has come. */
	due_for_review: boolean;
	reminded_at: string | null;
	practice_minutes: number;
	/* The goal's session recording while it still exists. */
	recording_id: number | null;
	created_at: string;
}

export interface GoalInput {
	description: string;
	target: string;
	review_date: string;
	instrument_id?: number;
	item_id?: string;
}

export interface PracticeEntry {
	id: number;
	date: string;
	minutes: number;
	activity: Activity;
	/* null only on a review the player logged and nobody classified yet. */
	domain: Domain | null;
	goal_id: number | null;
	goal_description: string | null;
	reflection: string;
	source: 'manual' | 'recording_review';
	recording_id: number | null;
	submission_id: number | null;
	seconds: number | null;
	created_at: string;
	updated_at: string;
}

export interface EntryInput {
	date?: string;
	minutes?: number;
	activity?: Activity;
	domain?: Domain;
	/* 0 removes the goal. */
	goal_id?: number;
	reflection?: string;
}

export interface WeekTotal {
	start: string;
	week: string;
	minutes: number;
}

export interface GoalSeries {
	goal_id: number | null;
	description: string | null;
	item_label: string | null;
	state: GoalState | null;
	/* One number per week. */
	minutes: number[];
}

export interface PracticeWeeks {
	weeks: WeekTotal[];
	series: GoalSeries[];
	total_minutes: number;
	by_activity: Partial<Record<Activity, number>>;
	by_domain: Partial<Record<Domain, number>>;
}

export interface RatedSession {
	submission_id: number;
	date: string;
	instrument_id: number;
	instrument_code: string;
	scores: Record<string, Record<string, number>>;
	quality: number | null;
}

export interface ScaleItems {
	id: number;
	code: string;
	name: string;
	items: { id: string; label: string; facets: string[] }[];
}

export interface Development {
	from: string;
	to: string;
	sessions: RatedSession[];
	instruments: ScaleItems[];
	practice: PracticeWeeks;
	goals: { id: number; instrument_id: number | null; item_id: string | null; description: string; state: GoalState }[];
	/* Outcome figures over the period; null until the client outcome measures are wired in. */
	outcomes: Summary | null;
}

export interface ReviewResult {
	seconds: number;
	minutes: number;
	entry: PracticeEntry | null;
}

/* A rating scale as GET /api/instruments/{id} gives it: the definition file, labels per language. */
export interface ScaleDefinition {
	id: number;
	code: string;
	name: string;
	definition: { items?: { id: string; label?: Partial<Record<string, string>> }[] } | null;
}

/* The scale's items with labels in the locale (falling back to English, then any). */
export function scaleItems(s: ScaleDefinition, locale: string): { id: string; label: string }[] {
	return (s.definition?.items ?? []).map((i) => ({ id: i.id, label: i.label?.[locale] ?? i.label?.en ?? Object.values(i.label ?? {})[0] ?? i.id }));
}

export const practiceApi = {
	goals: (lang?: string) => request<{ items: Goal[] }>('GET', '/goals', { query: { lang } }),
	createGoal: (body: GoalInput) => request<Goal>('POST', '/goals', { body }),
	updateGoal: (id: number, body: { state?: GoalState; review_date?: string }) => request<Goal>('PATCH', `/goals/${id}`, { body }),
	log: (q: { from?: string; to?: string; goal_id?: number; limit?: number } = {}) => request<{ items: PracticeEntry[] }>('GET', '/practice/log', { query: q }),
	createEntry: (body: EntryInput) => request<PracticeEntry>('POST', '/practice/log', { body }),
	updateEntry: (id: number, body: EntryInput) => request<PracticeEntry>('PATCH', `/practice/log/${id}`, { body }),
	deleteEntry: (id: number) => request<void>('DELETE', `/practice/log/${id}`),
	weekly: (weeks: number, lang?: string) => request<PracticeWeeks & { from: string; to: string }>('GET', '/practice/weekly', { query: { weeks, lang } }),
	development: (q: { from?: string; to?: string; lang?: string }) => request<Development>('GET', '/practice/development', { query: q }),
	/* seconds: the running total watched in this viewing. */
	reportReview: (viewing: string, seconds: number) => request<ReviewResult>('POST', '/practice/recording-review', { body: { viewing, seconds } }),
	scale: (id: number) => request<ScaleDefinition>('GET', `/instruments/${id}`),
};

/* Today as the server counts it (UTC), "YYYY-MM-DD". */
export function todayUtc(): string {
	return new Date().toISOString().slice(0, 10);
}

export function addDays(ymd: string, days: number): string {
	const d = new Date(`${ymd}T00:00:00Z`);
	return new Date(d.getTime() + days * 86400000).toISOString().slice(0, 10);
}
