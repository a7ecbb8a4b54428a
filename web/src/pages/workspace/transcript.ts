/* The session's transcript as the API sends it (docs/openapi.yaml: /api/submissions/{id}/transcript),
 * its calls, and the pure helpers of the transcript panel: which line is being spoken, and search. */
import { request } from '../../api';

export interface Cue {
	start_ms: number;
	end_ms: number;
	speaker: string;
	text: string;
}

export interface Transcript {
	id: number;
	format: 'vtt' | 'srt';
	cue_count: number;
	created_at: string;
	cues: Cue[];
}

/* The Content-Type to send a file with: by its name, as browsers often give none for .vtt and .srt.
 * The server tells the format by the content anyway; text/plain leaves it to that. */
export function transcriptType(file: File): string {
	const name = file.name.toLowerCase();
	if (name.endsWith('.vtt')) return 'text/vtt';
	if (name.endsWith('.srt')) return 'application/x-subrip';
	return 'text/plain';
}

export const transcriptApi = {
	get: (submissionId: number) => request<Transcript>('GET', `/submissions/${submissionId}/transcript`),
	put: (submissionId: number, file: File) => request<Transcript>('PUT', `/submissions/${submissionId}/transcript`, { raw: { type: transcriptType(file), data: file } }),
	remove: (submissionId: number) => request<void>('DELETE', `/submissions/${submissionId}/transcript`),
};

/* Index of the last cue that starts at or before ms (cues are in start order); -1 when none. */
export function lastStarted(cues: readonly Cue[], ms: number): number {
	let lo = 0;
	let hi = cues.length - 1;
	let found = -1;
	while (lo <= hi) {
		const mid = (lo + hi) >> 1;
		const c = cues[mid];
		if (c && c.start_ms <= ms) {
			found = mid;
			lo = mid + 1;
		} else hi = mid - 1;
	}
	return found;
}

/* How far back to look for a long cue that is still going on under later, shorter ones. */
const OVERLAP_LOOKBACK = 32;

/* The line being spoken at ms: of the cues under ms, the one that started last; -1 in a pause. */
export function spokenAt(cues: readonly Cue[], ms: number): number {
	const last = lastStarted(cues, ms);
	for (let i = last; i >= 0 && i > last - OVERLAP_LOOKBACK; i--) {
		const c = cues[i];
		if (c && ms < c.end_ms) return i;
	}
	return -1;
}

/* The line to code with the keyboard at ms: the one being spoken, else the one just said. */
export function lineToCode(cues: readonly Cue[], ms: number): number {
	const i = spokenAt(cues, ms);
	return i >= 0 ? i : lastStarted(cues, ms);
}

/* Search as raters type: case does not matter; every word must be found, in the text or the
 * speaker's name. */
export function searchWords(q: string): string[] {
	return q
		.toLocaleLowerCase()
		.split(/\s+/)
		.filter((w) => w.length > 0);
}

export function cueMatches(c: Cue, words: readonly string[]): boolean {
	if (!words.length) return true;
	const hay = `${c.speaker}\n${c.text}`.toLocaleLowerCase();
	return words.every((w) => hay.includes(w));
}

/* text cut into [part, isMatch] pieces around the words, for <mark>. */
export function highlight(text: string, words: readonly string[]): [string, boolean][] {
	if (!words.length) return [[text, false]];
	const lower = text.toLocaleLowerCase();
	/* Lower-casing can change lengths (rarely); then show the text unmarked rather than misplaced. */
	if (lower.length !== text.length) return [[text, false]];
	const hits: [number, number][] = [];
	for (const w of words) {
		for (let at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + w.length)) hits.push([at, at + w.length]);
	}
	hits.sort((a, b) => a[0] - b[0]);
	const out: [string, boolean][] = [];
	let pos = 0;
	for (const [a, b] of hits) {
		if (b <= pos) continue;
		const from = Math.max(a, pos);
		if (from > pos) out.push([text.slice(pos, from), false]);
		out.push([text.slice(from, b), true]);
		pos = b;
	}
	if (pos < text.length) out.push([text.slice(pos), false]);
	return out;
}
