/* Autosave for one rating. Every change is queued at once in localStorage (so a reload or a lost
 * connection loses nothing) and sent to POST /api/ratings/{id}/changes in order, one at a time, as
 * {client, seq, base_version, ops}: client names this browser tab (sessionStorage), seq numbers its
 * changes and survives reloads. The server applies a change once: a retry of the same seq after a lost
 * answer is answered, not applied again. Answers:
 *   200                    the change is saved; the next one goes on the version it returns. A
 *                          replay that does not hold this change means a copy of this tab used the
 *                          number: take a new tab id and treat it as a conflict
 *   409 out_of_order       this tab's numbering is off (a copied tab, cleared storage): renumber from
 *                          expected_seq and send again
 *   409 version_conflict   the rating changed elsewhere: take error.current, drop what was queued and
 *                          tell the page, which shows the rater what differs; nothing is re-applied
 *   409 rating_locked      submitted meanwhile: drop the queue, reload
 *   400 / 422              this change can never be saved (named field, identity number): drop it
 *   no answer, 5xx, 429    keep it and try again, at once when the browser says it is online again */
import type { ApiError } from '../../api';
import type { Op, Rating } from './types';
import { applyOps, diffIsEmpty, diffRatings } from './ops';
import { errorCode, errorField, toApiError, wsApi } from './wsapi';

export interface Entry {
	client: string;
	seq: number;
	ops: Op[];
}

export type SaveStatus = 'saved' | 'saving' | 'offline' | 'retrying' | 'stopped';

export interface AutosaveEvents {
	/* The saved rating or the queue changed: redraw from `server` and `pendingOps()`. */
	onUpdate: () => void;
	/* Another tab or person changed the rating: `mine` is what this tab showed, `saved` what is saved. */
	onConflict: (mine: Rating, saved: Rating) => void;
	/* A change the server refused for good; it is dropped. */
	onRejected: (err: ApiError, entry: Entry) => void;
	/* The rating was submitted (locked) elsewhere, or is gone, or the session ended. */
	onStopped: (err: ApiError) => void;
}

const TAB_KEY = 'kvalab.tab';

function store(kind: 'local' | 'session'): Storage | null {
	try {
		const s = kind === 'local' ? window.localStorage : window.sessionStorage;
		const probe = '__kvalab_probe__';
		s.setItem(probe, '1');
		s.removeItem(probe);
		return s;
	} catch {
		return null;
	}
}

/* This tab's id: kept across reloads of the tab, new in a new tab. */
export function tabId(fresh = false): string {
	const s = store('session');
	let id = fresh ? null : (s?.getItem(TAB_KEY) ?? null);
	if (!id) {
		const rnd = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
		id = `tab-${rnd}`;
		s?.setItem(TAB_KEY, id);
	}
	return id;
}

/* Whether a change answered as a replay is in the rating: when a copy of this tab (a duplicated tab
 * keeps sessionStorage, so it has the same id) used the same number first, it is not. */
function replayHolds(r: Rating, ops: Op[]): boolean {
	return diffIsEmpty(diffRatings(applyOps(r, ops), r));
}

function isEntry(x: unknown): x is Entry {
	if (!x || typeof x !== 'object') return false;
	const e = x as Record<string, unknown>;
	return typeof e.client === 'string' && typeof e.seq === 'number' && Array.isArray(e.ops);
}

function readEntries(s: Storage | null, key: string): Entry[] {
	try {
		const v: unknown = JSON.parse(s?.getItem(key) ?? '[]');
		return Array.isArray(v) ? v.filter(isEntry) : [];
	} catch {
		return [];
	}
}

const RETRY_MS = [1000, 2000, 4000, 8000, 15000];

export class Autosave {
	client: string;
	server: Rating;
	status: SaveStatus = 'saved';
	private queue: Entry[];
	private readonly local = store('local');
	private readonly session = store('session');
	private readonly prefix: string;
	private sending = false;
	private stopped = false;
	/* The page has gone: changes are still kept in storage, for the next time it opens. */
	private disposed = false;
	private failures = 0;
	private timer: number | null = null;
	private waiters: ((ok: boolean) => void)[] = [];
	private readonly onOnline = () => this.kick(true);

	constructor(
		userId: number,
		server: Rating,
		private readonly ev: AutosaveEvents,
	) {
		this.client = tabId();
		this.server = server;
		this.prefix = `kvalab.autosave.${userId}.${server.id}.`;
		this.queue = readEntries(this.local, this.key);
		/* Changes a closed tab could not send are sent first: they are older. Each keeps its own
		 * client and number, so the server still knows any it has already applied. */
		if (this.local) {
			const orphans: Entry[] = [];
			for (let i = 0; i < this.local.length; i++) {
				const k = this.local.key(i);
				if (k && k.startsWith(this.prefix) && k !== this.key && !k.startsWith(`${this.prefix}seq.`)) orphans.push(...readEntries(this.local, k));
			}
			for (const k of Object.keys(this.local)) if (k.startsWith(this.prefix) && k !== this.key && !k.startsWith(`${this.prefix}seq.`)) this.local.removeItem(k);
			if (orphans.length) this.queue = [...orphans, ...this.queue];
		}
		this.persist();
		window.addEventListener('online', this.onOnline);
		if (this.queue.length) this.kick();
	}

	private get key(): string {
		return `${this.prefix}${this.client}`;
	}

	private get seqKey(): string {
		return `${this.prefix}seq.${this.client}`;
	}

	/* The last number given to a change of this tab: the larger of both stores, so clearing one
	 * cannot make a new change look like a replay of an old one. */
	private lastSeq(): number {
		const a = Number(this.local?.getItem(this.seqKey) ?? 0) || 0;
		const b = Number(this.session?.getItem(this.seqKey) ?? 0) || 0;
		const c = Math.max(0, ...this.queue.filter((e) => e.client === this.client).map((e) => e.seq));
		return Math.max(a, b, c);
	}

	private setLastSeq(n: number): void {
		this.local?.setItem(this.seqKey, String(n));
		this.session?.setItem(this.seqKey, String(n));
	}

	private persist(): void {
		try {
			if (this.queue.length) this.local?.setItem(this.key, JSON.stringify(this.queue));
			else this.local?.removeItem(this.key);
		} catch {
			/* Storage full: the change is still in memory and is sent while the page is open. */
		}
	}

	pendingOps(): Op[] {
		return this.queue.flatMap((e) => e.ops);
	}

	/* Whether queued changes outlive the page (false in a private window without storage). */
	get durable(): boolean {
		return this.local !== null;
	}

	pendingCount(): number {
		return this.queue.length;
	}

	/* What the rater sees: the saved rating with every queued change on top. */
	view(): Rating {
		return applyOps(this.server, this.pendingOps());
	}

	push(ops: Op[]): void {
		if (!ops.length || (this.stopped && !this.disposed)) return;
		const seq = this.lastSeq() + 1;
		this.setLastSeq(seq);
		this.queue.push({ client: this.client, seq, ops });
		this.persist();
		if (this.disposed) return;
		this.ev.onUpdate();
		this.kick(true);
	}

	/* Resolves true once everything queued is saved, false when saving is stuck (offline, stopped). */
	idle(): Promise<boolean> {
		if (!this.queue.length) return Promise.resolve(true);
		if (this.stopped) return Promise.resolve(false);
		return new Promise((resolve) => {
			this.waiters.push(resolve);
			this.kick(true);
		});
	}

	dispose(): void {
		this.stopped = true;
		this.disposed = true;
		window.removeEventListener('online', this.onOnline);
		if (this.timer !== null) window.clearTimeout(this.timer);
		this.settle(false);
	}

	private settle(ok: boolean): void {
		const w = this.waiters;
		this.waiters = [];
		for (const f of w) f(ok);
	}

	private setStatus(s: SaveStatus): void {
		if (this.status !== s) {
			this.status = s;
			this.ev.onUpdate();
		}
	}

	private kick(now = false): void {
		if (this.stopped || this.sending) return;
		if (now && this.timer !== null) {
			window.clearTimeout(this.timer);
			this.timer = null;
			this.failures = 0;
		}
		if (this.timer !== null) return;
		void this.run();
	}

	/* Renumbers a client's queued changes from `from` on, in order. */
	private renumber(client: string, from: number): void {
		let n = from;
		for (const e of this.queue) if (e.client === client) e.seq = n++;
		if (client === this.client) this.setLastSeq(n - 1);
		this.persist();
	}

	private async run(): Promise<void> {
		this.sending = true;
		let reorders = 0;
		while (!this.stopped && this.queue.length) {
			const head = this.queue[0];
			if (!head) break;
			this.setStatus(this.failures ? 'retrying' : 'saving');
			let ans;
			try {
				ans = await wsApi.changes(this.server.id, { client: head.client, seq: head.seq, base_version: this.server.version, ops: head.ops });
			} catch {
				this.sending = false;
				this.retryLater();
				return;
			}
			if (this.stopped) break;
			const code = errorCode(ans.body);
			if (ans.status === 200 && (ans.body as Rating).replayed && !replayHolds(ans.body as Rating, head.ops)) {
				const mine = this.view();
				this.queue = [];
				this.persist();
				this.client = tabId(true);
				this.server = ans.body as Rating;
				this.ev.onConflict(mine, this.server);
				this.ev.onUpdate();
				continue;
			}
			if (ans.status === 200) {
				this.failures = 0;
				this.server = ans.body as Rating;
				this.queue.shift();
				this.persist();
				this.ev.onUpdate();
				continue;
			}
			if (ans.status === 409 && code === 'out_of_order' && reorders < 3) {
				const expected = errorField<number>(ans.body, 'expected_seq');
				if (typeof expected === 'number' && expected >= 1) {
					reorders++;
					this.renumber(head.client, expected);
					continue;
				}
			}
			if (ans.status === 409 && code === 'version_conflict') {
				const current = errorField<Rating>(ans.body, 'current');
				const mine = this.view();
				this.dropAll(head);
				if (current) this.server = current;
				else {
					try {
						this.server = await wsApi.rating(this.server.id);
					} catch {
						/* shown as saved-but-stale; the next change conflicts again and retries */
					}
				}
				this.ev.onConflict(mine, this.server);
				this.ev.onUpdate();
				continue;
			}
			if (ans.status === 400 || ans.status === 422) {
				this.queue.shift();
				if (this.queue.some((e) => e.client === head.client)) this.renumber(head.client, head.seq);
				else if (head.client === this.client) this.setLastSeq(head.seq - 1);
				this.persist();
				this.ev.onRejected(toApiError(ans), head);
				this.ev.onUpdate();
				continue;
			}
			if (ans.status === 0 || ans.status >= 500 || ans.status === 429) {
				this.sending = false;
				this.retryLater();
				return;
			}
			/* 401, 403, 404, rating_locked, instrument_missing: nothing more can be sent now. */
			const err = toApiError(ans);
			if (code === 'rating_locked') {
				this.dropAll(head);
				try {
					this.server = await wsApi.rating(this.server.id);
				} catch {
					/* keep what we had */
				}
			}
			this.stopped = true;
			this.sending = false;
			this.setStatus('stopped');
			this.settle(false);
			this.ev.onStopped(err);
			this.ev.onUpdate();
			return;
		}
		this.sending = false;
		if (!this.stopped) {
			this.setStatus('saved');
			this.settle(true);
		}
	}

	/* After a conflict or a lock nothing queued can be applied: forget it, and reuse the numbers the
	 * server never saw. */
	private dropAll(head: Entry): void {
		const mineLeft = this.queue.filter((e) => e.client === this.client).map((e) => e.seq);
		this.queue = [];
		this.persist();
		if (mineLeft.length) this.setLastSeq(Math.min(...mineLeft) - 1);
		else if (head.client === this.client) this.setLastSeq(head.seq - 1);
	}

	/* No answer, or the server is busy: "offline" when the browser knows it is, else "retrying". */
	private retryLater(): void {
		const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)] ?? 15000;
		this.failures++;
		this.setStatus(typeof navigator !== 'undefined' && navigator.onLine === false ? 'offline' : 'retrying');
		/* Saving is stuck for now: a submit waiting for it hears so, and may ask again. */
		this.settle(false);
		this.timer = window.setTimeout(() => {
			this.timer = null;
			this.kick();
		}, delay);
	}
}
