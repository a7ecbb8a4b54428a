/* Loading one submission's feedback: the profile (labels in the user's language), the written
 * feedback, its meetings and the goals agreed from it, and the instrument's scale for the charts. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Locale } from '../../api';
import type { InstrumentDef } from '../workspace/types';
import { wsApi } from '../workspace/wsapi';
import { fbApi } from './fbapi';
import type { Feedback, Goal, Meeting, Profile } from './types';

export interface FeedbackData {
	profile: Profile;
	feedback: Feedback;
	meetings: Meeting[];
	goals: Goal[];
	def: InstrumentDef | null;
}

/* notPublished: the therapist's feedback is not out yet (404); noConsensus: nothing approved (409). */
export type LoadProblem = { kind: 'notPublished' } | { kind: 'noConsensus' } | { kind: 'error'; err: unknown };

const defs = new Map<string, Promise<InstrumentDef | null>>();

/* The definition of the profile's instrument, read once per page load; null when it cannot be read
 * (the charts then guess the scale). */
export function instrumentDef(code: string, version: string): Promise<InstrumentDef | null> {
	const key = `${code}@${version}`;
	let p = defs.get(key);
	if (!p) {
		p = (async () => {
			const list = (await api.listInstruments()).items;
			const row = list.find((i) => i.code === code && i.version === version) ?? list.find((i) => i.code === code);
			if (!row) return null;
			return (await wsApi.instrument(row.id)).definition ?? null;
		})().catch(() => null);
		defs.set(key, p);
	}
	return p;
}

export async function loadFeedback(id: number, locale: Locale, staff: boolean): Promise<FeedbackData> {
	const [profile, feedback] = await Promise.all([fbApi.profile(id, locale), fbApi.feedback(id)]);
	const [meetings, goals, def] = await Promise.all([
		fbApi.meetings(id).then(
			(r) => r.items,
			() => [] as Meeting[],
		),
		fbApi.goals(staff ? feedback.therapist.id : undefined).then(
			(r) => r.items.filter((g) => g.submission_id === id),
			() => [] as Goal[],
		),
		instrumentDef(profile.instrument.code, profile.instrument.version),
	]);
	return { profile, feedback, meetings, goals, def };
}

export function problemOf(err: unknown): LoadProblem {
	if (err instanceof ApiError && err.status === 404 && err.code !== 'network') return { kind: 'notPublished' };
	if (err instanceof ApiError && err.status === 409) return { kind: 'noConsensus' };
	return { kind: 'error', err };
}

/* The page's data, reloaded when the language changes (the profile's labels follow it). */
export function useFeedbackData(id: number, locale: Locale, staff: boolean) {
	const [data, setData] = useState<FeedbackData | null>(null);
	const [problem, setProblem] = useState<LoadProblem | null>(null);
	const [tick, setTick] = useState(0);
	useEffect(() => {
		let live = true;
		loadFeedback(id, locale, staff).then(
			(d) => {
				if (!live) return;
				setData(d);
				setProblem(null);
			},
			(err: unknown) => live && setProblem(problemOf(err)),
		);
		return () => {
			live = false;
		};
	}, [id, locale, tick]);
	return {
		data,
		problem,
		reload: () => setTick((n) => n + 1),
		update: (fn: (d: FeedbackData) => FeedbackData) => setData((d) => (d ? fn(d) : d)),
	};
}
