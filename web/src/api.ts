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

/* ---- Intake: institutions, agreements, patient cases, consent, submissions ---- */

export const COUNTRIES = ['NO', 'DK', 'SE', 'other'] as const;
export type Country = (typeof COUNTRIES)[number];

export const PROGRAMME_KINDS = ['mbt_individual', 'mbt_group', 'other'] as const;
export type ProgrammeKind = (typeof PROGRAMME_KINDS)[number];

export interface Programme {
	id: number;
	kind: ProgrammeKind;
	name: string;
}

export interface Institution {
	id: number;
	name: string;
	org_number: string | null;
	country: Country | null;
	address: string | null;
	contact_name: string | null;
	contact_email: string | null;
	contact_phone: string | null;
	retention_days: number;
	keep_ratings_for_research: boolean;
	created_at: string;
	programmes: Programme[];
}

export interface InstitutionInput {
	name: string;
	org_number?: string | null;
	country?: Country | null;
	address?: string | null;
	contact_name?: string | null;
	contact_email?: string | null;
	contact_phone?: string | null;
	retention_days?: number;
	keep_ratings_for_research?: boolean;
}

export interface Member {
	user_id: number;
	email: string;
	display_name: string;
	role: Role;
	created_at: string;
	programme_ids: number[];
}

export const AGREEMENT_STATUSES = ['draft', 'active', 'expired', 'superseded', 'terminated'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export interface Signatory {
	user_id: number;
	email: string;
	display_name: string;
	signed_date: string | null;
}

export interface Agreement {
	id: number;
	institution_id: number;
	version: string;
	signed_date: string | null;
	valid_from: string | null;
	valid_until: string | null;
	status: AgreementStatus;
	manager_name: string | null;
	manager_title: string | null;
	manager_level: string | null;
	has_document: boolean;
	created_at: string;
	activated_at: string | null;
	ended_at: string | null;
	termination_reason: string | null;
	signatories: Signatory[];
}

export interface AgreementInput {
	version?: string;
	signed_date?: string | null;
	valid_from?: string | null;
	valid_until?: string | null;
	manager_name?: string | null;
	manager_title?: string | null;
	manager_level?: string | null;
	signatory_ids?: number[];
}

export const AGE_BANDS = ['under_18', '18_25', '26_35', '36_45', '46_55', '56_65', 'over_65'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const GENDERS = ['female', 'male', 'other'] as const;
export type Gender = (typeof GENDERS)[number];

export interface Consent {
	signed_date: string;
	quality_assurance: boolean;
	rater_training: boolean;
	research: boolean;
	has_form: boolean;
	declared_at: string;
	withdrawn_date: string | null;
	withdrawn_at: string | null;
}

export interface ConsentInput {
	signed_date: string;
	quality_assurance: boolean;
	rater_training: boolean;
	research: boolean;
}

export interface PatientCase {
	id: number;
	code: string;
	institution_id: number;
	institution_name: string;
	age_band: AgeBand | null;
	gender: Gender | null;
	created_at: string;
	submission_count: number;
	consent: Consent | null;
}

export const SUBMISSION_STATES = [
	'draft',
	'submitted',
	'recording_ready',
	'assigned',
	'rated',
	'consensus',
	'approved',
	'feedback_published',
	'closed',
	'withdrawn',
] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

export const NEXT_STEPS = ['complete_requisition', 'upload_recording', 'assign_raters', 'rating', 'consensus', 'approval', 'feedback', 'meeting', 'none'] as const;
export type NextStep = (typeof NEXT_STEPS)[number];

export const TREATMENT_PHASES = ['early', 'middle', 'late'] as const;
export type TreatmentPhase = (typeof TREATMENT_PHASES)[number];
export const MODALITIES = ['individual', 'group'] as const;
export type Modality = (typeof MODALITIES)[number];

export interface HistoryEntry {
	/* ISO 8601 by the contract; some servers have sent Unix seconds. */
	at: string | number;
	event: string;
	from_state: SubmissionState | null;
	to_state: SubmissionState | null;
	actor_email: string | null;
}

export interface Submission {
	id: number;
	state: SubmissionState;
	next_step: NextStep;
	therapist_id: number;
	therapist_email: string;
	therapist_name: string;
	institution_id: number;
	institution_name: string;
	case_id: number;
	case_code: string;
	session_date: string | null;
	session_number: number | null;
	treatment_phase: TreatmentPhase | null;
	modality: Modality | null;
	instrument_id: number | null;
	instrument_name: string | null;
	questions: string | null;
	declared_consent: boolean;
	declared_no_identifiers: boolean;
	created_at: string;
	updated_at: string;
	submitted_at: string | null;
	state_changed_at: string;
	waiting_days: number;
	history?: HistoryEntry[];
	/* Only in GET /api/submissions/{id}, and only from a server with the recording vault: the latest
	 * original recording, or null before the first upload. Absent: the server stores no recordings. */
	recording?: Recording | null;
}

export const RECORDING_STATES = ['uploading', 'verifying', 'transcoding', 'ready', 'refused', 'failed', 'shredded'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];

/* A recording in the vault: its state and, once checked, its media facts. */
export interface Recording {
	id: number;
	submission_id: number;
	state: RecordingState;
	size: number;
	/* Bytes durably stored (the tus offset); an interrupted upload continues from here. */
	received: number;
	duration: number | null;
	container: string | null;
	video_codec: string | null;
	audio_codec: string | null;
	width: number | null;
	height: number | null;
	/* The original plays in browsers as it is. */
	browser_playable: boolean;
	/* Something can be played now: the original or its converted copy. */
	playable: boolean;
	sha256?: string | null;
	/* Why it was refused or could not be converted (the server's English words). */
	error: string | null;
	/* Progress of a running check or conversion, 0–1. */
	job_progress: number | null;
	created_at: string;
	completed_at: string | null;
	expires_at: string | null;
	shredded_at: string | null;
	shred_reason: string | null;
}

/* A started viewing: the URL the player loads (range requests allowed) until expires_at. */
export interface Viewing {
	viewing: string;
	media_url: string;
	expires_at: string;
}

/* Where tus uploads of recordings start (POST), relative to the page's origin. */
export const UPLOADS_PATH = '/api/uploads';

export interface SubmissionInput {
	case_id?: number;
	session_date?: string | null;
	session_number?: number | null;
	treatment_phase?: TreatmentPhase | null;
	modality?: Modality | null;
	instrument_id?: number | null;
	questions?: string | null;
	declared_consent?: boolean;
	declared_no_identifiers?: boolean;
}

export type StateCounts = Partial<Record<SubmissionState, number>>;

export interface Instrument {
	id: number;
	code: string;
	version: string;
	name: string;
	kind: string;
}

/* Where GET /api/agreements/{id}/document is: opened in a new tab, never framed (the API forbids it). */
export function agreementDocumentUrl(id: number): string {
	return `/api/agreements/${id}/document`;
}

export function consentFormUrl(caseId: number): string {
	return `/api/cases/${caseId}/consent/form`;
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

/* The CSRF token of this session, for requests made outside request() (tus uploads). */
export function csrfTokenNow(): string | null {
	return csrfToken;
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
	/* A file sent as the raw body (a signed PDF, a scanned consent form) instead of JSON. */
	raw?: { data: Blob; type: string };
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
	let body: string | Blob | undefined;
	if (opts.raw) {
		headers['Content-Type'] = opts.raw.type;
		body = opts.raw.data;
	} else if (opts.body !== undefined) {
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

	listInstitutions: () => request<{ items: Institution[] }>('GET', '/institutions'),
	getInstitution: (id: number) => request<Institution>('GET', `/institutions/${id}`),
	createInstitution: (body: InstitutionInput) => request<Institution>('POST', '/institutions', { body }),
	updateInstitution: (id: number, body: Partial<InstitutionInput>) => request<Institution>('PATCH', `/institutions/${id}`, { body }),
	addProgramme: (id: number, body: { kind: ProgrammeKind; name: string }) => request<Institution>('POST', `/institutions/${id}/programmes`, { body }),
	listMembers: (id: number) => request<{ items: Member[] }>('GET', `/institutions/${id}/members`),
	setMember: (id: number, userId: number, programme_ids: number[]) =>
		request<{ items: Member[] }>('PUT', `/institutions/${id}/members/${userId}`, { body: { programme_ids } }),
	removeMember: (id: number, userId: number) => request<void>('DELETE', `/institutions/${id}/members/${userId}`),

	listAgreements: (institutionId: number) => request<{ items: Agreement[] }>('GET', `/institutions/${institutionId}/agreements`),
	createAgreement: (institutionId: number, body: AgreementInput) => request<Agreement>('POST', `/institutions/${institutionId}/agreements`, { body }),
	updateAgreement: (id: number, body: AgreementInput) => request<Agreement>('PATCH', `/agreements/${id}`, { body }),
	uploadAgreementDocument: (id: number, file: Blob) => request<Agreement>('PUT', `/agreements/${id}/document`, { raw: { data: file, type: 'application/pdf' } }),
	activateAgreement: (id: number) => request<Agreement>('POST', `/agreements/${id}/activate`, { body: {} }),
	terminateAgreement: (id: number, reason: string) => request<Agreement>('POST', `/agreements/${id}/terminate`, { body: { reason } }),

	listCases: (institutionId?: number) => request<{ items: PatientCase[] }>('GET', '/cases', { query: { institution_id: institutionId } }),
	getCase: (id: number) => request<PatientCase>('GET', `/cases/${id}`),
	createCase: (body: { institution_id: number; age_band?: AgeBand; gender?: Gender }) => request<PatientCase>('POST', '/cases', { body }),
	declareConsent: (id: number, body: ConsentInput) => request<PatientCase>('PUT', `/cases/${id}/consent`, { body }),
	uploadConsentForm: (id: number, file: Blob, type: string) => request<PatientCase>('PUT', `/cases/${id}/consent/form`, { raw: { data: file, type } }),
	withdrawConsent: (id: number, body: { withdrawn_date: string; note?: string }) => request<PatientCase>('POST', `/cases/${id}/consent/withdraw`, { body }),

	listSubmissions: (q: { state?: string; institution_id?: number | string; therapist_id?: number | string; case_id?: number } = {}) =>
		request<{ items: Submission[]; counts: StateCounts }>('GET', '/submissions', { query: q }),
	getSubmission: (id: number) => request<Submission>('GET', `/submissions/${id}`),
	createSubmission: (body: SubmissionInput & { case_id: number }) => request<Submission>('POST', '/submissions', { body }),
	updateSubmission: (id: number, body: SubmissionInput) => request<Submission>('PATCH', `/submissions/${id}`, { body }),
	deleteSubmission: (id: number) => request<void>('DELETE', `/submissions/${id}`),
	submitSubmission: (id: number) => request<Submission>('POST', `/submissions/${id}/submit`, { body: {} }),
	submissionCounts: (institutionId?: number) =>
		request<{ institution_id: number | null; counts: StateCounts; total: number }>('GET', '/submissions/counts', { query: { institution_id: institutionId } }),

	listInstruments: () => request<{ items: Instrument[] }>('GET', '/instruments'),

	getRecording: (id: number) => request<Recording>('GET', `/recordings/${id}`),
	/* Each viewing is written to the audit log once, however many range requests the player makes. */
	startViewing: (recordingId: number) => request<Viewing>('POST', `/recordings/${recordingId}/viewings`, { body: {} }),
};
