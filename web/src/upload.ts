/* Resumable uploads of recordings with tus-js-client: one upload per submission, kept here rather
 * than in a component so it goes on while the therapist looks at other pages, and so leaving or
 * reloading the page mid-way can be warned about. tus remembers each upload's URL in
 * localStorage under a fingerprint of the file and the submission: choosing the same file again
 * after a reload or a crash continues from the last byte the server stored. */
import * as tus from 'tus-js-client';
import { UPLOADS_PATH, csrfTokenNow } from './api';

export type UploadPhase =
	/* Looking for an earlier upload of the same file, or creating a new one. */
	| 'starting'
	| 'uploading'
	| 'paused'
	/* The browser is offline: the upload continues by itself when the connection is back. */
	| 'offline'
	/* A request failed; tus tries again after a short wait. */
	| 'retrying'
	/* The last byte is stored; the server checks the recording now. */
	| 'done'
	| 'failed';

/* Why an upload stopped for good: the HTTP status and the API's error code and message. */
export interface UploadFailure {
	status: number;
	code: string;
	message: string;
}

export interface UploadSnapshot {
	phase: UploadPhase;
	fileName: string;
	/* Bytes that have left the browser (or the server had when this upload continued). */
	sent: number;
	total: number;
	/* The offset the server had stored when this upload continued an earlier one, else null. */
	resumedFrom: number | null;
	/* Over the last few seconds; null until there is enough to say. */
	bytesPerSecond: number | null;
	secondsLeft: number | null;
	failure: UploadFailure | null;
	/* The recording the server made for this upload (the last part of the upload's URL). */
	recordingId: number | null;
}

type Listener = (s: UploadSnapshot) => void;

/* Delays between tries after a failed request; a request that made progress starts the list again. */
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000];
/* The window the speed is measured over. */
const SPEED_WINDOW_MS = 8000;
const FINGERPRINT_PREFIX = 'kvalab-recording';
/* After tus's tries, how often and how long to wait for the server to release an upload. */
const BUSY_WAITS = 6;
const BUSY_WAIT_MS = 5000;

/* A short, stable hash, so the file's name (which may say who the session was with) is not kept in
 * the browser's storage in clear. */
function fnv1a(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h.toString(16).padStart(8, '0');
}

/* The same file chosen again for the same submission finds its earlier upload; the same file for
 * another submission does not (its upload belongs to the first submission). */
export function uploadFingerprint(file: File, submissionId: number): string {
	return [FINGERPRINT_PREFIX, submissionId, file.size, file.lastModified, fnv1a(`${file.name}\u0000${file.type}`)].join(':');
}

function failureOf(err: unknown): UploadFailure {
	const detailed = err instanceof tus.DetailedError ? err : null;
	const res = detailed?.originalResponse ?? null;
	const status = res ? res.getStatus() : 0;
	let code = status === 0 ? 'network' : status === 413 ? 'too_large' : status === 401 ? 'unauthenticated' : status >= 500 ? 'server_error' : 'http_error';
	let message = err instanceof Error ? err.message : String(err);
	try {
		const body: unknown = res ? JSON.parse(res.getBody()) : null;
		const e = body && typeof body === 'object' && 'error' in body ? (body as { error: { code?: unknown; message?: unknown } }).error : null;
		if (e && typeof e.code === 'string') code = e.code;
		if (e && typeof e.message === 'string') message = e.message;
	} catch {
		/* not JSON: keep what the status says */
	}
	return { status, code, message };
}

function errorCode(err: tus.DetailedError): string | null {
	try {
		const body: unknown = JSON.parse(err.originalResponse?.getBody() ?? '');
		const e = body && typeof body === 'object' && 'error' in body ? (body as { error: { code?: unknown } }).error : null;
		return e && typeof e.code === 'string' ? e.code : null;
	} catch {
		return null;
	}
}

export class TusUpload {
	readonly submissionId: number;
	readonly file: File;
	private upload: tus.Upload | null = null;
	private snap: UploadSnapshot;
	private listeners = new Set<Listener>();
	private samples: { at: number; bytes: number }[] = [];
	private firstPatch = true;
	private ended = false;
	/* Rounds of waiting for the server to let go of an interrupted request (409 upload_busy). */
	private busyWaits = 0;
	private busyTimer = 0;

	constructor(file: File, submissionId: number) {
		this.file = file;
		this.submissionId = submissionId;
		this.snap = { phase: 'starting', fileName: file.name, sent: 0, total: file.size, resumedFrom: null, bytesPerSecond: null, secondsLeft: null, failure: null, recordingId: null };
	}

	get snapshot(): UploadSnapshot {
		return this.snap;
	}

	/* Still sending, or about to: leaving the page now would interrupt it. */
	get active(): boolean {
		return this.snap.phase === 'starting' || this.snap.phase === 'uploading' || this.snap.phase === 'retrying' || this.snap.phase === 'offline';
	}

	subscribe(fn: Listener): () => void {
		this.listeners.add(fn);
		return () => this.listeners.delete(fn);
	}

	private set(patch: Partial<UploadSnapshot>) {
		this.snap = { ...this.snap, ...patch };
		for (const fn of this.listeners) fn(this.snap);
	}

	private progress(sent: number) {
		const now = performance.now();
		this.samples.push({ at: now, bytes: sent });
		while (this.samples.length > 2 && now - (this.samples[0]?.at ?? now) > SPEED_WINDOW_MS) this.samples.shift();
		const first = this.samples[0];
		let bytesPerSecond: number | null = null;
		let secondsLeft: number | null = null;
		/* Say nothing about speed until a second's worth of progress has been seen. */
		if (first && now - first.at >= 1000 && sent > first.bytes) {
			bytesPerSecond = ((sent - first.bytes) * 1000) / (now - first.at);
			secondsLeft = (this.snap.total - sent) / bytesPerSecond;
		}
		/* Bytes already in flight may still be counted after pausing or losing the connection. */
		const phase = this.snap.phase === 'paused' || (this.snap.phase === 'offline' && !navigator.onLine) ? this.snap.phase : 'uploading';
		if (phase === 'uploading') this.busyWaits = 0;
		this.set({ phase, sent, bytesPerSecond, secondsLeft, failure: null });
	}

	private noteUrl() {
		const id = Number(/\/(\d+)$/.exec(this.upload?.url ?? '')?.[1] ?? NaN);
		if (Number.isInteger(id) && id > 0 && id !== this.snap.recordingId) this.set({ recordingId: id });
	}

	private resetSpeed() {
		this.samples = [];
		this.set({ bytesPerSecond: null, secondsLeft: null });
	}

	/* Continues an earlier upload of the same file for this submission if the browser remembers
	 * one, else starts a new one (the server then destroys any unfinished upload of the submission). */
	async start(): Promise<void> {
		const metadata: Record<string, string> = { submission_id: String(this.submissionId) };
		if (this.file.type) metadata.filetype = this.file.type;
		const headers: Record<string, string> = {};
		const token = csrfTokenNow();
		if (token) headers['X-CSRF-Token'] = token;
		const submissionId = this.submissionId;
		const upload = new tus.Upload(this.file, {
			endpoint: `${location.origin}${UPLOADS_PATH}`,
			headers,
			metadata,
			/* One request for the whole file; the server makes every whole MiB it stores resumable. */
			chunkSize: Number.POSITIVE_INFINITY,
			retryDelays: RETRY_DELAYS,
			storeFingerprintForResuming: true,
			removeFingerprintOnSuccess: true,
			fingerprint: (file: File) => Promise.resolve(uploadFingerprint(file, submissionId)),
			onBeforeRequest: (req) => {
				if (req.getMethod() !== 'PATCH' || !this.firstPatch) return;
				this.firstPatch = false;
				const offset = Number(req.getHeader('Upload-Offset') ?? '0');
				if (offset > 0) this.set({ resumedFrom: offset, sent: offset });
			},
			onUploadUrlAvailable: () => this.noteUrl(),
			onProgress: (sent) => this.progress(sent),
			onShouldRetry: (err, attempt) => {
				if (this.ended) return false;
				const status = err.originalResponse ? err.originalResponse.getStatus() : 0;
				/* A submission that may not take a recording now stays that way. */
				if (status === 409 && errorCode(err) === 'wrong_state') return false;
				if (status >= 400 && status < 500 && status !== 409 && status !== 423) return false;
				if (!navigator.onLine) return false;
				/* The first try again is at once; say so only when waiting. */
				if (attempt > 0) this.set({ phase: 'retrying' });
				this.resetSpeed();
				return true;
			},
			onError: (err) => {
				if (this.ended) return;
				this.resetSpeed();
				const failure = failureOf(err);
				/* No answer at all while offline: go on when the browser is back online. */
				if (failure.status === 0 && !navigator.onLine) {
					this.set({ phase: 'offline' });
					return;
				}
				/* The server still holds the request this one replaces (a broken connection it has not
				 * noticed yet): keep trying for longer than tus's own tries before giving up. */
				if (failure.code === 'upload_busy' && this.busyWaits < BUSY_WAITS) {
					this.busyWaits++;
					this.set({ phase: 'retrying' });
					this.busyTimer = window.setTimeout(() => this.startAgain('retrying'), BUSY_WAIT_MS);
					return;
				}
				this.set({ phase: 'failed', failure });
				unregister(this);
			},
			onSuccess: () => {
				this.noteUrl();
				this.set({ phase: 'done', sent: this.file.size, bytesPerSecond: null, secondsLeft: null, failure: null });
				unregister(this);
			},
		});
		this.upload = upload;
		try {
			const previous = await upload.findPreviousUploads();
			/* The newest first: an older entry may point at an upload the server has replaced. */
			previous.sort((a, b) => (a.creationTime < b.creationTime ? 1 : -1));
			const last = previous[0];
			if (last) upload.resumeFromPreviousUpload(last);
		} catch {
			/* No storage (private mode): a new upload it is. */
		}
		if (this.ended || this.snap.phase === 'paused') return;
		upload.start();
	}

	/* Starts the tus upload again (it asks the server for its offset first) if it is still in the
	 * phase that was waiting for this. */
	private startAgain(from: UploadPhase) {
		if (this.ended || this.snap.phase !== from || !this.upload) return;
		this.firstPatch = true;
		this.set({ phase: 'starting' });
		this.upload.start();
	}

	pause(): void {
		if (!this.upload || !this.active) return;
		window.clearTimeout(this.busyTimer);
		this.set({ phase: 'paused' });
		this.resetSpeed();
		void this.upload.abort(false);
	}

	resume(): void {
		if (!this.upload || (this.snap.phase !== 'paused' && this.snap.phase !== 'offline')) return;
		this.firstPatch = true;
		this.set({ phase: navigator.onLine ? 'starting' : 'offline' });
		this.resetSpeed();
		if (navigator.onLine) this.upload.start();
	}

	/* After a failure that may pass (no connection for long, the server busy): go on from the
	 * server's offset. */
	retry(): void {
		if (!this.upload || this.snap.phase !== 'failed' || this.ended) return;
		register(this);
		this.busyWaits = 0;
		this.firstPatch = true;
		this.set({ phase: 'starting', failure: null });
		this.resetSpeed();
		this.upload.start();
	}

	/* The browser says the connection is gone or back. */
	connectivity(online: boolean): void {
		if (!online && this.upload && (this.snap.phase === 'uploading' || this.snap.phase === 'starting' || this.snap.phase === 'retrying')) {
			/* A request in flight may hang for minutes on a dead connection: stop it, and go on
			 * from the server's offset when the connection is back. */
			window.clearTimeout(this.busyTimer);
			this.set({ phase: 'offline' });
			this.resetSpeed();
			void this.upload.abort(false);
		} else if (online && this.snap.phase === 'offline' && this.upload) {
			/* tus may still be waiting to try again: stop that, and start once. */
			void this.upload.abort(false).then(() => this.startAgain('offline'));
		}
	}

	/* Stops for good. With destroy, the server is told to throw the bytes away (tus termination). */
	async cancel(destroy: boolean): Promise<void> {
		this.ended = true;
		window.clearTimeout(this.busyTimer);
		unregister(this);
		if (this.upload) await this.upload.abort(destroy).catch(() => undefined);
	}
}

/* ---- The uploads of this page, by submission ---- */

const uploads = new Map<number, TusUpload>();
const finished = new Map<number, TusUpload>();

function register(u: TusUpload) {
	finished.delete(u.submissionId);
	uploads.set(u.submissionId, u);
}

function unregister(u: TusUpload) {
	if (uploads.get(u.submissionId) === u) uploads.delete(u.submissionId);
	/* A finished or failed upload stays readable for the page that shows it. */
	finished.set(u.submissionId, u);
}

/* The upload of this submission going on in this page (or just ended), if any. */
export function uploadOf(submissionId: number): TusUpload | null {
	return uploads.get(submissionId) ?? finished.get(submissionId) ?? null;
}

/* Starts uploading file for the submission; an upload of it already going on is stopped first. */
export function startUpload(file: File, submissionId: number): TusUpload {
	const old = uploads.get(submissionId);
	if (old) void old.cancel(false);
	finished.delete(submissionId);
	const u = new TusUpload(file, submissionId);
	register(u);
	void u.start();
	return u;
}

/* Forgets an ended upload once its page has taken note (the server's state says the rest). */
export function forgetUpload(submissionId: number): void {
	finished.delete(submissionId);
}

export function anyUploadActive(): boolean {
	for (const u of uploads.values()) if (u.active) return true;
	return false;
}

/* On signing out: stop every upload; each can be continued after signing in again. */
export function stopAllUploads(): void {
	for (const u of [...uploads.values()]) void u.cancel(false);
	finished.clear();
}

if (typeof window !== 'undefined') {
	window.addEventListener('beforeunload', (e) => {
		if (!anyUploadActive()) return;
		/* The browser shows its own words; both calls are needed across browsers. */
		e.preventDefault();
		e.returnValue = '';
	});
	window.addEventListener('online', () => {
		for (const u of uploads.values()) u.connectivity(true);
	});
	window.addEventListener('offline', () => {
		for (const u of uploads.values()) u.connectivity(false);
	});
}
