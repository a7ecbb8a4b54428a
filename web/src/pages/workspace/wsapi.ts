/* The rating API. Most calls go through api.ts's request(); the autosave and submit calls need the
 * whole error body (expected_seq, current, missing), so they are sent here with the session's CSRF
 * token, fetched once from GET /api/session. */
import { ApiError, api, request } from '../../api';
import type { AssignmentRow, Comparison, InstrumentRow, MyAssignment, Op, Rating, RatingSummary, RecordingInfo, ViewingInfo } from './types';

export interface RawAnswer {
	status: number;
	body: unknown;
}

let csrf: string | null = null;

async function csrfToken(refresh = false): Promise<string> {
	if (!csrf || refresh) csrf = (await api.getSession()).csrf_token;
	return csrf;
}

/* POST with JSON; answers every HTTP status, throws ApiError(0, 'network') when there is no answer. */
export async function postRaw(path: string, body: unknown): Promise<RawAnswer> {
	for (let attempt = 0; ; attempt++) {
		let token: string;
		try {
			token = await csrfToken(attempt > 0);
		} catch (e) {
			if (e instanceof ApiError) throw e;
			throw new ApiError(0, 'network', String(e));
		}
		let res: Response;
		try {
			res = await fetch(`/api${path}`, {
				method: 'POST',
				headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': token },
				body: JSON.stringify(body),
				credentials: 'same-origin',
				cache: 'no-store',
			});
		} catch (e) {
			throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
		}
		let parsed: unknown = null;
		try {
			const text = await res.text();
			parsed = text ? JSON.parse(text) : null;
		} catch {
			parsed = null;
		}
		const code = errorCode(parsed);
		/* A new session has a new token: fetch it once and try again. */
		if (res.status === 403 && code === 'csrf' && attempt === 0) continue;
		/* Lets the app notice the lost session the usual way (back to sign-in). */
		if (res.status === 401) api.me().catch(() => undefined);
		return { status: res.status, body: parsed };
	}
}

export function errorCode(body: unknown): string {
	if (body && typeof body === 'object' && 'error' in body) {
		const e = (body as { error: unknown }).error;
		if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') return (e as { code: string }).code;
	}
	return '';
}

export function errorField<T>(body: unknown, name: string): T | undefined {
	if (body && typeof body === 'object' && 'error' in body) {
		const e = (body as { error: Record<string, unknown> }).error;
		if (e && typeof e === 'object' && name in e) return e[name] as T;
	}
	return undefined;
}

/* An ApiError for an answer that is not 2xx, with the server's code, message and fields. */
export function toApiError(a: RawAnswer): ApiError {
	const e = (a.body && typeof a.body === 'object' && 'error' in a.body ? (a.body as { error: Record<string, unknown> }).error : {}) ?? {};
	const fields: Record<string, string> = {};
	if (e.fields && typeof e.fields === 'object') for (const [k, v] of Object.entries(e.fields as Record<string, unknown>)) if (typeof v === 'string') fields[k] = v;
	return new ApiError(a.status, typeof e.code === 'string' ? e.code : 'http_error', typeof e.message === 'string' ? e.message : `HTTP ${a.status}`, fields);
}

export const wsApi = {
	myAssignments: () => request<{ items: MyAssignment[] }>('GET', '/me/assignments'),
	rating: (id: number) => request<Rating>('GET', `/ratings/${id}`),
	instrument: (id: number) => request<InstrumentRow>('GET', `/instruments/${id}`),
	recording: (id: number) => request<RecordingInfo>('GET', `/recordings/${id}`),
	startViewing: (recordingId: number) => request<ViewingInfo>('POST', `/recordings/${recordingId}/viewings`, { body: {} }),
	/* GET /api/submissions/{id} for the lab: the recording is there as `recording`. */
	submission: (id: number) => request<{ id: number; state: string; case_code: string; questions: string; instrument_id: number | null; recording?: { id: number } | null }>('GET', `/submissions/${id}`),
	changes: (id: number, body: { client: string; seq: number; base_version: number; ops: Op[] }) => postRaw(`/ratings/${id}/changes`, body),
	submit: (id: number) => postRaw(`/ratings/${id}/submit`, {}),
	reopen: (id: number, reason: string) => request<Rating>('POST', `/ratings/${id}/reopen`, { body: { reason } }),
	submissionRatings: (id: number) => request<{ items: RatingSummary[]; all_submitted: boolean }>('GET', `/submissions/${id}/ratings`),
	comparison: (id: number) => request<Comparison>('GET', `/submissions/${id}/comparison`),
	startConsensus: (id: number, basedOn: number) => request<Rating>('POST', `/submissions/${id}/consensus`, { body: { based_on: basedOn } }),
	approve: (id: number, comment: string) => request<Rating>('POST', `/submissions/${id}/approve`, { body: comment ? { comment } : {} }),
	sendBack: (id: number, comment: string) => request<Rating>('POST', `/submissions/${id}/send-back`, { body: comment ? { comment } : {} }),
	assignments: (id: number) => request<{ items: AssignmentRow[] }>('GET', `/submissions/${id}/assignments`),
	assign: (id: number, raterIds: number[], due: string) => request<{ items: AssignmentRow[] }>('POST', `/submissions/${id}/assignments`, { body: due ? { rater_ids: raterIds, due_date: due } : { rater_ids: raterIds } }),
	endAssignment: (id: number, reason: string) => request<{ items: AssignmentRow[] }>('POST', `/assignments/${id}/end`, { body: { reason } }),
};
