/* The one place that talks to the kvalab JSON API: types, CSRF token, error decoding. */

export const ROLES = ['lab_admin', 'supervisor', 'rater', 'therapist', 'institution_admin', 'researcher'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(r: unknown): r is Role {
	return typeof r === 'string' && (ROLES as readonly string[]).includes(r);
}

export const LOCALES = ['nb', 'da', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export interface User {
	id: number;
	email: string;
	display_name: string;
	role: Role;
	institution_id: number | null;
	disabled: boolean;
	must_change_password: boolean;
	totp_enabled: boolean;
	totp_required: boolean;
	locale: Locale;
	created_at: string;
	last_login_at: string | null;
}

export interface SessionInfo {
	user: User;
	csrf_token: string;
}

export interface TotpEnrolment {
	secret: string;
	otpauth_uri: string;
	qr_svg: string;
}

export interface ApiToken {
	id: number;
	name: string;
	created_at: string;
	expires_at: string | null;
	last_used_at: string | null;
	revoked_at: string | null;
}

export interface AuditEntry {
	id: number;
	at: string;
	actor_id: number | null;
	actor_email: string | null;
	role: string | null;
	action: string;
	object_type: string | null;
	object_id: string | number | null;
	outcome: string;
	detail: string | null;
	ip: string | null;
}

export interface AuditPage {
	items: AuditEntry[];
	total: number;
	page: number;
	per_page: number;
}

/* An answer other than 2xx, or no answer at all (status 0, code "network"). */
export class ApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly fields: Record<string, string>;
	/* Seconds from Retry-After on 429, else null. */
	readonly retryAfter: number | null;

	constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, retryAfter: number | null = null) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
		this.code = code;
		this.fields = fields;
		this.retryAfter = retryAfter;
	}
}

type Listener = (err: ApiError) => void;

let csrfToken: string | null = null;
let onSessionLost: Listener | null = null;
let onGateChanged: Listener | null = null;

export function setCsrfToken(token: string | null): void {
	csrfToken = token;
}

/* Called on 401 from any request except signing in and the first session check. */
export function setSessionLostHandler(fn: Listener | null): void {
	onSessionLost = fn;
}

/* Called on 403 password_change_required / totp_enrolment_required. */
export function setGateHandler(fn: Listener | null): void {
	onGateChanged = fn;
}

interface RequestOptions {
	body?: unknown;
	query?: Record<string, string | number | boolean | null | undefined>;
	/* 401 is expected here (signing in, first session check): do not report a lost session. */
	quiet401?: boolean;
}

const STATUS_CODES: Record<number, string> = {
	400: 'bad_request',
	401: 'unauthenticated',
	403: 'forbidden',
	404: 'not_found',
	409: 'conflict',
	413: 'too_large',
	422: 'unprocessable',
	429: 'throttled',
};

function parseRetryAfter(value: string | null): number | null {
	if (value === null) return null;
	const secs = Number.parseInt(value, 10);
	if (Number.isFinite(secs) && secs >= 0) return secs;
	const when = Date.parse(value);
	if (Number.isNaN(when)) return null;
	return Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

async function decodeError(res: Response): Promise<ApiError> {
	let code = STATUS_CODES[res.status] ?? (res.status >= 500 ? 'server_error' : 'http_error');
	let message = res.statusText || `HTTP ${res.status}`;
	let fields: Record<string, string> = {};
	try {
		const body: unknown = await res.json();
		if (body && typeof body === 'object' && 'error' in body) {
			const e = (body as { error: unknown }).error;
			if (e && typeof e === 'object') {
				const err = e as { code?: unknown; message?: unknown; fields?: unknown };
				if (typeof err.code === 'string') code = err.code;
				if (typeof err.message === 'string') message = err.message;
				if (err.fields && typeof err.fields === 'object') {
					for (const [k, v] of Object.entries(err.fields as Record<string, unknown>)) {
						if (typeof v === 'string') fields[k] = v;
					}
				}
			}
		}
	} catch {
		/* not JSON: keep the status-derived code */
	}
	return new ApiError(res.status, code, message, fields, res.status === 429 ? parseRetryAfter(res.headers.get('Retry-After')) : null);
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
	let url = `/api${path}`;
	if (opts.query) {
		const qs = new URLSearchParams();
		for (const [k, v] of Object.entries(opts.query)) {
			if (v === undefined || v === null || v === '') continue;
			qs.set(k, String(v));
		}
		const s = qs.toString();
		if (s) url += `?${s}`;
	}
	const headers: Record<string, string> = { Accept: 'application/json' };
	if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
	let body: string | undefined;
	if (opts.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(opts.body);
	}
	let res: Response;
	try {
		res = await fetch(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
	} catch (e) {
		throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
	}
	if (!res.ok) {
		const err = await decodeError(res);
		if (err.status === 401 && !opts.quiet401 && onSessionLost) onSessionLost(err);
		if (err.status === 403 && (err.code === 'password_change_required' || err.code === 'totp_enrolment_required') && onGateChanged) {
			onGateChanged(err);
		}
		throw err;
	}
	if (res.status === 204) return undefined as T;
	const text = await res.text();
	return (text ? JSON.parse(text) : undefined) as T;
}

function remember(s: SessionInfo): SessionInfo {
	setCsrfToken(s.csrf_token);
	return s;
}

export const api = {
	health: () => request<{ status: string; version: string }>('GET', '/health', { quiet401: true }),

	getSession: async () => remember(await request<SessionInfo>('GET', '/session', { quiet401: true })),
	signIn: async (email: string, password: string, totp?: string) =>
		remember(await request<SessionInfo>('POST', '/session', { body: totp ? { email, password, totp } : { email, password }, quiet401: true })),
	signOut: () => request<void>('DELETE', '/session', { quiet401: true }),

	me: () => request<User>('GET', '/me'),
	updateMe: (patch: { display_name?: string; locale?: Locale }) => request<User>('PATCH', '/me', { body: patch }),
	changePassword: (current_password: string, new_password: string) => request<User>('PUT', '/me/password', { body: { current_password, new_password } }),
	startTotp: () => request<TotpEnrolment>('POST', '/me/totp', { body: {} }),
	confirmTotp: (code: string) => request<User>('POST', '/me/totp/confirm', { body: { code } }),

	listUsers: (q: { role?: string; q?: string; include_disabled?: boolean }) =>
		request<{ items: User[] }>('GET', '/users', { query: { role: q.role, q: q.q, include_disabled: q.include_disabled ? 'true' : 'false' } }),
	createUser: (u: { email: string; role: Role; display_name?: string; institution_id?: number }) =>
		request<{ user: User; one_time_password: string }>('POST', '/users', { body: u }),
	getUser: (id: number) => request<User>('GET', `/users/${id}`),
	updateUser: (id: number, patch: { display_name?: string; role?: Role; disabled?: boolean }) => request<User>('PATCH', `/users/${id}`, { body: patch }),
	resetPassword: (id: number) => request<{ one_time_password: string }>('POST', `/users/${id}/reset-password`, { body: {} }),
	resetTotp: (id: number) => request<User>('POST', `/users/${id}/reset-totp`, { body: {} }),

	listTokens: () => request<{ items: ApiToken[] }>('GET', '/tokens'),
	createToken: (name: string, days: number) => request<{ token: string; item: ApiToken }>('POST', '/tokens', { body: { name, days } }),
	revokeToken: (id: number) => request<void>('DELETE', `/tokens/${id}`),

	audit: (q: Record<string, string | number | undefined>) => request<AuditPage>('GET', '/audit', { query: q }),
};
