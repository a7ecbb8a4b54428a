/* Autosave of the feedback's summary: a debounced PUT with the version the text was based on. While
 * the server cannot be reached the text is kept in this browser (localStorage) and sent when the
 * connection is back. Answers:
 *   200                      saved; the next save goes on the version it returns
 *   409, still a draft       someone saved in between: the page takes the saved feedback and shows
 *                            what this tab had, so nothing is lost silently
 *   409, published           the feedback is locked: stop, and show it as published
 *   400 / 422                this text can never be saved (an identity number, too long): say why
 *   no answer, 5xx, 429      keep it and try again, at once when the browser is online again */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api';
import { fbApi } from './fbapi';
import type { Feedback } from './types';

export type SaveStatus = 'saved' | 'saving' | 'offline' | 'retrying' | 'stopped';

export interface SummaryEvents {
	onSaved: (f: Feedback) => void;
	/* The feedback changed elsewhere: `mine` is the text this tab had, `saved` the feedback now. */
	onConflict: (mine: string, saved: Feedback) => void;
	onLocked: (saved: Feedback) => void;
	onRejected: (err: ApiError) => void;
}

const RETRY_MS = [1000, 2000, 4000, 8000, 15000];
const DEBOUNCE_MS = 700;

function storageKey(userId: number, submissionId: number): string {
	return `kvalab.feedback.${userId}.${submissionId}`;
}

interface Kept {
	text: string;
	version: number;
}

function readKept(key: string): Kept | null {
	try {
		const v: unknown = JSON.parse(localStorage.getItem(key) ?? 'null');
		if (v && typeof v === 'object' && typeof (v as Kept).text === 'string' && typeof (v as Kept).version === 'number') return v as Kept;
	} catch {
		/* nothing kept, or storage is off */
	}
	return null;
}

function writeKept(key: string, k: Kept | null): void {
	try {
		if (k) localStorage.setItem(key, JSON.stringify(k));
		else localStorage.removeItem(key);
	} catch {
		/* private mode: the text lives in the page only */
	}
}

export function useSummaryAutosave(userId: number, fb: Feedback, ev: SummaryEvents) {
	const key = storageKey(userId, fb.submission_id);
	const [text, setText] = useState(fb.summary);
	const [status, setStatus] = useState<SaveStatus>('saved');
	const version = useRef(fb.version);
	const pending = useRef<string | null>(null);
	const sending = useRef(false);
	const stopped = useRef(!!fb.published_at);
	const failures = useRef(0);
	const timer = useRef<number | null>(null);
	const events = useRef(ev);
	events.current = ev;

	function schedule(ms: number) {
		if (timer.current !== null) window.clearTimeout(timer.current);
		timer.current = window.setTimeout(() => {
			timer.current = null;
			void flush();
		}, ms);
	}

	async function flush() {
		if (sending.current || stopped.current || pending.current === null) return;
		const mine = pending.current;
		pending.current = null;
		sending.current = true;
		setStatus('saving');
		try {
			const saved = await fbApi.saveSummary(fb.submission_id, mine, version.current);
			version.current = saved.version;
			failures.current = 0;
			if (pending.current === null) writeKept(key, null);
			else writeKept(key, { text: pending.current, version: saved.version });
			events.current.onSaved(saved);
			setStatus(pending.current === null ? 'saved' : 'saving');
		} catch (err) {
			const e = err instanceof ApiError ? err : new ApiError(0, 'network', String(err));
			if (e.status === 0 || e.status >= 500 || e.status === 429) {
				if (pending.current === null) pending.current = mine;
				const wait = RETRY_MS[Math.min(failures.current, RETRY_MS.length - 1)] ?? 15000;
				failures.current += 1;
				setStatus(e.status === 0 || !navigator.onLine ? 'offline' : 'retrying');
				schedule(e.retryAfter !== null ? e.retryAfter * 1000 : wait);
			} else if (e.status === 409) {
				let now: Feedback | null = null;
				try {
					now = await fbApi.feedback(fb.submission_id);
				} catch {
					now = null;
				}
				writeKept(key, null);
				if (!now) {
					stopped.current = true;
					setStatus('stopped');
					events.current.onRejected(e);
				} else if (now.published_at) {
					stopped.current = true;
					setStatus('stopped');
					events.current.onLocked(now);
				} else {
					version.current = now.version;
					const latest = pending.current ?? mine;
					pending.current = null;
					setText(now.summary);
					setStatus('saved');
					events.current.onConflict(latest, now);
				}
			} else {
				writeKept(key, null);
				setStatus('saved');
				events.current.onRejected(e);
			}
		} finally {
			sending.current = false;
		}
		if (pending.current !== null && !stopped.current && timer.current === null) schedule(0);
	}

	function change(v: string) {
		if (stopped.current) return;
		setText(v);
		pending.current = v;
		writeKept(key, { text: v, version: version.current });
		if (status === 'saved') setStatus('saving');
		schedule(DEBOUNCE_MS);
	}

	/* A text kept from an earlier visit: send it when it was based on this version, else show it. */
	useEffect(() => {
		const kept = readKept(key);
		if (kept && !stopped.current && kept.text !== fb.summary) {
			if (kept.version === fb.version) {
				setText(kept.text);
				pending.current = kept.text;
				schedule(0);
			} else {
				writeKept(key, null);
				events.current.onConflict(kept.text, fb);
			}
		} else if (kept) writeKept(key, null);
		const online = () => {
			if (pending.current !== null && !sending.current) schedule(0);
		};
		const offline = () => {
			if (pending.current !== null || sending.current) setStatus('offline');
		};
		/* Leaving with a change not yet saved: the browser asks first (it is kept here anyway). */
		const leaving = (e: BeforeUnloadEvent) => {
			if (pending.current !== null || sending.current) e.preventDefault();
		};
		window.addEventListener('online', online);
		window.addEventListener('offline', offline);
		window.addEventListener('beforeunload', leaving);
		return () => {
			window.removeEventListener('online', online);
			window.removeEventListener('offline', offline);
			window.removeEventListener('beforeunload', leaving);
			if (timer.current !== null) window.clearTimeout(timer.current);
			/* Leaving the page inside the app: send what is waiting (kept in storage if it fails). */
			if (pending.current !== null && !stopped.current) {
				const v = pending.current;
				fbApi.saveSummary(fb.submission_id, v, version.current).then(
					() => writeKept(key, null),
					() => undefined,
				);
			}
		};
	}, [fb.submission_id]);

	return {
		text,
		status,
		change,
		/* After a reload of the feedback (a conflict seen, a point saved): carry on from its version. */
		rebase: (f: Feedback) => {
			version.current = f.version;
		},
		lock: () => {
			stopped.current = true;
		},
		version: () => version.current,
		/* Whether everything typed is on the server. */
		settled: () => pending.current === null && !sending.current,
		flushNow: () => {
			if (timer.current !== null) window.clearTimeout(timer.current);
			timer.current = null;
			return flush();
		},
	};
}
