// The feedback screens against an in-memory stand-in for the feedback API of issue 6 (profile,
// written feedback with points and clips, publishing, meetings with their mail, goals, the report
// and the calendar file), which follows the contract the C server implements: the supervisor writes
// the feedback beside the profile (autosave, a version conflict, a point started from the profile
// with a clip), previews it, books the meeting (a failed email shown), and publishes; the therapist
// reads it (the figures, a clip played within its range, the report and the .ics downloaded, the
// print layout), the supervisor marks the meeting held with a goal, the therapist sees the goal and
// marks it achieved; the lab admin sends a failed email again; numbers with a decimal comma in
// Norwegian. axe-core on each screen. Needs only web/dist, Chromium and ffmpeg, not the C server.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assertAccessible, createMockApi, launchBrowser, serveWeb } from '../lib/browser.mjs';
import { freshTotp } from '../lib/totp.mjs';
import { bytes, playableMp4 } from '../lib/media.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(page, name) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const MBT = JSON.parse(readFileSync(join(ROOT, 'instruments/mbt-i-aqs-1.json'), 'utf8'));
const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

// Scores of the approved consensus (item -> facet -> value) and of two earlier sessions.
const SCORES = { 1: { quality: 6 }, 2: { adherence: 5, quality: 5 }, 3: { adherence: 2, quality: 3 }, 4: { quality: 5 }, 5: { quality: 4 }, 6: { adherence: 4, quality: 4 },
	7: { adherence: 3, quality: 4 }, 8: { adherence: 1, quality: 2 }, 9: { adherence: 2, quality: 3 }, 10: { adherence: 4, quality: 4 }, 11: { adherence: 3, quality: 4 },
	12: { adherence: 2, quality: 3 }, 13: { adherence: 6, quality: 6 }, 14: { adherence: 1, quality: null }, 15: { adherence: 1, quality: null }, 16: { adherence: 6, quality: 5 }, 17: { adherence: 1, quality: null } };

function createFeedbackApi({ therapistId, supervisorId, raterId, adminId, names }) {
	const SUB = 41;
	const media = bytes(playableMp4({ seconds: 20, size: '160x120', bitrate: '100k' }));
	const subs = new Map([
		[SUB, { submission_id: SUB, state: 'approved', session_date: '2026-03-02', session_number: 9, therapist_id: therapistId, institution_name: 'Oslo MBT-klinikk' }],
		[40, { submission_id: 40, state: 'closed', session_date: '2025-09-15', session_number: 4, therapist_id: therapistId, institution_name: 'Oslo MBT-klinikk' }],
	]);
	const fb = new Map([
		[40, { version: 3, summary: 'Earlier.', published_at: '2025-10-01T10:00:00Z', published_by: supervisorId, points: [] }],
	]);
	const meetings = [];
	const goals = [];
	const mail = [];
	const reads = [];
	let nextId = 500;
	let failNextSave = 0;

	const label = (id, lang) => MBT.items.find((i) => i.id === id).label[lang] ?? MBT.items.find((i) => i.id === id).label.en;
	const ref = (v) => (v === null ? null : { n: 31, median: 4, q1: 3, q3: 5 });
	function profile(lang) {
		const items = MBT.items.map((it) => {
			const s = SCORES[it.id];
			const o = { id: it.id, label: label(it.id, lang), interventions: it.id === '16' ? 9 : it.id === '2' ? 5 : 1 };
			if (it.facets.includes('adherence')) o.adherence = { value: s.adherence ?? null, reference: ref(s.adherence ?? null) };
			o.quality = { value: s.quality ?? null, reference: ref(s.quality ?? null) };
			return o;
		});
		const by = [['16', 9], ['2', 5], ['13', 3], ['3', 1], ['outside_manual', 2], ['not_classifiable', 1]];
		const total = by.reduce((n, [, c]) => n + c, 0);
		return {
			instrument: { code: 'mbt-i-aqs', version: '1', name: MBT.name[lang] },
			good_enough: 4,
			counts: { total, per_minute: total / 45, duration_s: 2700, within_manual: 18, within_manual_share: 18 / total, outside_manual: 2, not_classifiable: 1,
				by_code: by.map(([code, count]) => ({ code, label: /^\d+$/.test(code) ? label(code, lang) : code === 'outside_manual' ? 'Outside the manual' : 'Not classifiable',
					item: /^\d+$/.test(code) ? code : null, class: /^\d+$/.test(code) ? 'item' : code, count, share: count / total })),
				most_used: ['16'], least_used: ['3'] },
			items,
			globals: [{ id: 'adherence', label: 'Global adherence', value: 4, reference: ref(4) }, { id: 'quality', label: 'Global quality', value: 4, reference: ref(4) }],
			derived: [{ id: 'mbt_total', label: 'Mean quality', description: 'The mean of the items rated for quality.', value: 4.2142, band: 'above', band_label: 'Above good enough' }],
			balance: { support: 5.6667, challenge: 2.6667, difference: 3, verdict: 'support_heavy' },
			strengths: [{ item: '1', label: label('1', lang), facet: 'quality', value: 6, reason: 'above_good_enough' }, { item: '13', label: label('13', lang), facet: 'quality', value: 6, reason: 'above_good_enough' }],
			improvements: [{ item: '8', label: label('8', lang), facet: 'quality', value: 2, reason: 'below_good_enough', gap: 2 }, { item: '3', label: label('3', lang), facet: 'quality', value: 3, reason: 'below_good_enough', gap: 1 },
				{ item: '14', label: label('14', lang), facet: 'adherence', value: null, reason: 'not_used', gap: null }],
			reference: { available: true, n: 31, min_n: 20 },
			trend: ['3', '8', '16'].map((item) => ({ item, label: label(item, lang), points: [
				{ submission_id: 38, date: '2025-03-10', adherence: 1, quality: 2 },
				{ submission_id: 40, date: '2025-09-15', adherence: 2, quality: 3 },
				{ submission_id: SUB, date: '2026-03-02', adherence: SCORES[item].adherence, quality: SCORES[item].quality },
			] })),
		};
	}
	const meetingOut = (m, staff) => ({ ...m, organizer: { id: m.organizer_id, name: names[m.organizer_id] }, participants: m.participant_ids.map((id) => ({ id, name: names[id], role: id === therapistId ? 'therapist' : 'supervisor' })),
		...(staff ? { mail: mail.filter((x) => x.meeting_id === m.id).map(({ meeting_id, ...x }) => x) } : {}) });
	const feedbackOut = (id, staff) => {
		const f = fb.get(id);
		const s = subs.get(id);
		return { submission_id: id, state: s.state, version: f.version, summary: f.summary, published_at: f.published_at, published_by_name: f.published_by ? names[f.published_by] : null,
			therapist: { id: therapistId, name: names[therapistId] }, institution_name: s.institution_name, session_date: s.session_date, recording: { id: 7, duration: null, available: s.state !== 'shredded' },
			...(staff ? { participants_available: [therapistId, supervisorId, raterId].map((pid) => ({ id: pid, name: names[pid], role: pid === therapistId ? 'therapist' : pid === raterId ? 'rater' : 'supervisor' })) } : {}),
			points: f.points.filter((p) => !p.deleted) };
	};
	function clipsOf(json, fail) {
		const out = [];
		for (const [i, c] of (json.clips ?? []).entries()) {
			if (!(c.end_ms > c.start_ms)) return fail(400, 'bad_request', 'bad input', { [`clips[${i}].end_ms`]: 'must be after start_ms' });
			if (c.end_ms > 20000) return fail(400, 'bad_request', 'bad input', { [`clips[${i}].end_ms`]: 'is outside the recording' });
			out.push({ id: nextId++, start_ms: c.start_ms, end_ms: c.end_ms, label: c.label ?? '' });
		}
		return out;
	}

	async function handler({ req, method, path, route, pid, json, me, send, fail, url }) {
		const staff = me.role !== 'therapist';
		const lang = url.searchParams.get('lang') ?? 'en';
		const own = (id) => subs.get(id)?.therapist_id === me.id;
		if (route === 'GET /instruments') return send(200, { items: [{ id: 3, code: 'mbt-i-aqs', version: '1', name: MBT.name.en, kind: 'fidelity' }] }), true;
		if (route === 'GET /instruments/{id}') return send(200, { id: 3, code: 'mbt-i-aqs', version: '1', name: MBT.name.en, kind: 'fidelity', definition: MBT }), true;
		if (route === 'GET /feedback') {
			const items = [...subs.values()].filter((s) => (staff ? true : s.therapist_id === me.id && fb.get(s.submission_id)?.published_at)).map((s) => {
				const f = fb.get(s.submission_id);
				const m = meetings.filter((x) => x.submission_id === s.submission_id).sort((a, b) => b.id - a.id)[0];
				return { ...s, therapist_name: names[s.therapist_id], instrument_name: MBT.name.en, feedback_status: !f ? 'none' : f.published_at ? 'published' : 'draft', published_at: f?.published_at ?? null,
					meeting: m ? { id: m.id, starts_at: m.starts_at, state: m.state } : null };
			});
			send(200, { items });
			return true;
		}
		if (route === 'GET /submissions/{id}/profile') {
			if (!subs.has(pid)) return fail(404, 'not_found', 'no such submission'), true;
			if (!staff && (!own(pid) || !fb.get(pid)?.published_at)) return fail(404, 'not_found', 'no such submission'), true;
			reads.push(`profile ${pid} ${lang}`);
			send(200, profile(lang));
			return true;
		}
		if (route === 'GET /submissions/{id}/feedback') {
			if (!staff && (!own(pid) || !fb.get(pid)?.published_at)) return fail(404, 'not_found', 'no such feedback'), true;
			if (!fb.has(pid)) fb.set(pid, { version: 1, summary: '', published_at: null, published_by: null, points: [] });
			send(200, feedbackOut(pid, staff));
			return true;
		}
		if (route === 'PUT /submissions/{id}/feedback') {
			const f = fb.get(pid);
			if (failNextSave > 0) {
				failNextSave -= 1;
				return fail(503, 'server_error', 'try again'), true;
			}
			if (f.published_at) return fail(409, 'feedback_published', 'published feedback is locked'), true;
			if (json.version !== f.version) return fail(409, 'version_conflict', 'the feedback has changed'), true;
			f.summary = json.summary;
			f.version += 1;
			send(200, feedbackOut(pid, true));
			return true;
		}
		if (route === 'POST /submissions/{id}/feedback/points') {
			const f = fb.get(pid);
			if (!json.title) return fail(400, 'bad_request', 'bad input', { title: 'is required' }), true;
			const clips = clipsOf(json, fail);
			if (!clips) return true;
			const p = { id: nextId++, kind: json.kind, item_id: json.item_id, title: json.title, body: json.body ?? '', position: f.points.length + 1, clips };
			f.points.push(p);
			send(201, p);
			return true;
		}
		if (route === 'PUT /feedback-points/{id}' || route === 'DELETE /feedback-points/{id}') {
			const f = [...fb.values()].find((x) => x.points.some((p) => p.id === pid));
			if (!f) return fail(404, 'not_found', 'no such point'), true;
			if (f.published_at) return fail(409, 'feedback_published', 'published feedback is locked'), true;
			const i = f.points.findIndex((p) => p.id === pid);
			if (method === 'DELETE') {
				f.points.splice(i, 1);
				send(204);
				return true;
			}
			const clips = clipsOf(json, fail);
			if (!clips) return true;
			f.points[i] = { id: pid, kind: json.kind, item_id: json.item_id, title: json.title, body: json.body, position: json.position, clips };
			send(200, f.points[i]);
			return true;
		}
		if (route === 'POST /submissions/{id}/feedback/publish') {
			if (me.role !== 'supervisor') return fail(403, 'forbidden', 'supervisors only'), true;
			const f = fb.get(pid);
			if (!f.summary && f.points.length === 0) return fail(409, 'nothing_written', 'nothing is written yet'), true;
			f.published_at = iso(new Date());
			f.published_by = me.id;
			subs.get(pid).state = 'feedback_published';
			mail.push({ id: nextId++, meeting_id: null, to_addr: 'tora@klinikk.example', kind: 'feedback_published', state: 'queued', attempts: 0, last_error: null, sent_at: null });
			send(200, feedbackOut(pid, true));
			return true;
		}
		if (route === 'GET /submissions/{id}/meetings') {
			send(200, { items: meetings.filter((m) => m.submission_id === pid).map((m) => meetingOut(m, staff)) });
			return true;
		}
		if (route === 'POST /submissions/{id}/meetings') {
			if (meetings.some((m) => m.submission_id === pid && m.state === 'scheduled')) return fail(409, 'meeting_exists', 'a meeting is scheduled'), true;
			if (!/^https:\/\//.test(json.link ?? '')) return fail(400, 'bad_request', 'bad input', { link: 'must be an https URL' }), true;
			const ids = [...new Set([therapistId, ...(json.participant_ids ?? [])])];
			const m = { id: nextId++, submission_id: pid, uid: `meeting-${nextId}@kvalab`, sequence: 0, state: 'scheduled', starts_at: json.starts_at, duration_min: json.duration_min, link: json.link,
				organizer_id: me.id, participant_ids: ids, notes: '', agreed: '', held_at: null, cancelled_at: null };
			meetings.push(m);
			for (const id of ids) {
				const failed = id === raterId;
				mail.push({ id: nextId++, meeting_id: m.id, to_addr: `${names[id].split(' ')[0].toLowerCase()}@example.org`, kind: 'meeting_invite', state: failed ? 'failed' : 'sent', attempts: failed ? 5 : 1,
					last_error: failed ? '550 5.1.1 mailbox unavailable' : null, sent_at: failed ? null : iso(new Date()) });
			}
			send(201, meetingOut(m, true));
			return true;
		}
		if (route === 'PUT /meetings/{id}') {
			const m = meetings.find((x) => x.id === pid);
			Object.assign(m, { starts_at: json.starts_at, duration_min: json.duration_min, link: json.link, sequence: m.sequence + 1 });
			send(200, meetingOut(m, true));
			return true;
		}
		if (route === 'POST /meetings/{id}/cancel') {
			const m = meetings.find((x) => x.id === pid);
			Object.assign(m, { state: 'cancelled', cancelled_at: iso(new Date()) });
			send(200, meetingOut(m, true));
			return true;
		}
		if (route === 'POST /meetings/{id}/held') {
			const m = meetings.find((x) => x.id === pid);
			if (!fb.get(m.submission_id)?.published_at) return fail(409, 'not_published', 'the feedback is not published'), true;
			for (const [i, g] of (json.goals ?? []).entries()) if (!/^\d{4}-\d{2}-\d{2}$/.test(g.review_date ?? '')) return fail(400, 'bad_request', 'bad input', { [`goals[${i}].review_date`]: 'must be a date' }), true;
			Object.assign(m, { state: 'held', held_at: iso(new Date()), notes: json.notes, agreed: json.agreed });
			for (const g of json.goals) goals.push({ id: nextId++, therapist_id: therapistId, submission_id: m.submission_id, meeting_id: m.id, instrument_code: 'mbt-i-aqs', item_id: g.item_id, item_label: label(g.item_id, 'en'),
				description: g.description, target: g.target, review_date: g.review_date, state: 'active', created_at: iso(new Date()) });
			subs.get(m.submission_id).state = 'closed';
			send(200, meetingOut(m, true));
			return true;
		}
		if (route === 'GET /goals') {
			const tid = staff ? Number(url.searchParams.get('therapist_id')) : me.id;
			send(200, { items: goals.filter((g) => g.therapist_id === tid) });
			return true;
		}
		if (route === 'PATCH /goals/{id}') {
			const g = goals.find((x) => x.id === pid && (staff || x.therapist_id === me.id));
			if (!g) return fail(404, 'not_found', 'no such goal'), true;
			g.state = json.state;
			send(200, g);
			return true;
		}
		if (route === 'POST /outbox/{id}/retry') {
			if (me.role !== 'lab_admin') return fail(403, 'forbidden', 'lab admins only'), true;
			const x = mail.find((y) => y.id === pid);
			Object.assign(x, { state: 'queued', attempts: 0, last_error: null });
			send(200, x);
			return true;
		}
		if (route === 'POST /recordings/{id}/viewings') {
			send(201, { viewing: 'v1', media_url: '/api/media/7', expires_at: iso(new Date(Date.now() + 3600e3)) });
			return true;
		}
		return false;
	}

	// Files: the report, the calendar file and the recording are not JSON. Answered before the
	// stand-in's JSON handling; the session cookie is checked by the caller.
	function files(req, res, url) {
		const m = /^\/api\/submissions\/(\d+)\/report\.pdf$/.exec(url.pathname);
		if (m) {
			reads.push(`report ${m[1]} ${url.searchParams.get('lang')}`);
			res.writeHead(200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `attachment; filename="feedback-${m[1]}.pdf"` });
			res.end('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
			return true;
		}
		const ics = /^\/api\/meetings\/(\d+)\/invite\.ics$/.exec(url.pathname);
		if (ics) {
			const mt = meetings.find((x) => x.id === Number(ics[1]));
			res.writeHead(200, { 'Content-Type': 'text/calendar; charset=utf-8', 'Content-Disposition': `attachment; filename="meeting-${ics[1]}.ics"` });
			res.end(`BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nBEGIN:VEVENT\r\nUID:${mt.uid}\r\nSEQUENCE:${mt.sequence}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n`);
			return true;
		}
		if (url.pathname === '/api/media/7') {
			const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
			if (range) {
				const start = Number(range[1]);
				const end = range[2] ? Math.min(Number(range[2]), media.length - 1) : media.length - 1;
				res.writeHead(206, { 'Content-Type': 'video/mp4', 'Accept-Ranges': 'bytes', 'Content-Range': `bytes ${start}-${end}/${media.length}`, 'Content-Length': end - start + 1 });
				res.end(media.subarray(start, end + 1));
			} else {
				res.writeHead(200, { 'Content-Type': 'video/mp4', 'Accept-Ranges': 'bytes', 'Content-Length': media.length });
				res.end(media);
			}
			return true;
		}
		return false;
	}

	return { handler, files, subs, fb, meetings, goals, mail, reads, SUB, bump: (id) => { fb.get(id).version += 1; fb.get(id).summary = 'Changed in another tab.'; }, failSaves: (n) => { failNextSave = n; } };
}

describe('feedback screens against a stand-in API', () => {
	let mock, feedback, web, browser, page;
	const THERAPIST = { email: 'tora@klinikk.example', password: 'calm north river 2026' };
	const SUPERVISOR = { email: 'vera@lab.example', password: 'wide west river 2026' };
	const RATER = { email: 'rune@lab.example', password: 'tall east river 2026' };

	before(async () => {
		mock = createMockApi({ extend: (ctx) => feedback.handler(ctx) });
		const admin = mock.users.get(1);
		admin.must_change_password = false;
		const t = mock.addUser({ email: THERAPIST.email, role: 'therapist', display_name: 'Tora Terapeut', password: THERAPIST.password, must: false });
		const s = mock.addUser({ email: SUPERVISOR.email, role: 'supervisor', display_name: 'Vera Veileder', password: SUPERVISOR.password, must: false });
		const r = mock.addUser({ email: RATER.email, role: 'rater', display_name: 'Rune Rater', password: RATER.password, must: false });
		s.totp_required = false;
		r.totp_required = false;
		for (const u of mock.users.values()) u.locale = 'en';
		const names = Object.fromEntries([...mock.users.values()].map((u) => [u.id, u.display_name]));
		feedback = createFeedbackApi({ therapistId: t.id, supervisorId: s.id, raterId: r.id, adminId: admin.id, names });
		web = await serveWeb(async (req, res, body, url) => {
			const sid = /(?:^|;\s*)kv_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
			if (req.method === 'GET' && sid && mock.sessions.has(sid) && feedback.files(req, res, url)) return;
			return mock.handler(req, res, body, url);
		});
		browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
		page = browser.page;
	});
	after(async () => {
		await browser?.close();
		await web?.stop();
	});

	async function signIn({ email, password }) {
		await page.goto(`${web.url}/`);
		await page.locator('#login-email').fill(email);
		await page.locator('#login-password').fill(password);
		await page.locator('#login-password').press('Enter');
		await page.locator('nav.app-nav').waitFor();
	}
	async function signInAdmin() {
		await page.goto(`${web.url}/`);
		await page.locator('#login-email').fill(mock.admin.email);
		await page.locator('#login-password').fill(mock.admin.password);
		await page.locator('#login-password').press('Enter');
		await page.locator('#login-totp').fill(await freshTotp(mock.admin.totpSecret, ''));
		await page.locator('#login-totp').press('Enter');
		await page.locator('nav.app-nav').waitFor();
	}
	async function signOut() {
		await page.getByRole('button', { name: 'Sign out' }).click();
		await page.locator('#login-email').waitFor();
	}
	const saved = () => page.locator('.fb-save[data-status="saved"]').waitFor();

	test('the supervisor writes the feedback beside the profile', async () => {
		await signIn(SUPERVISOR);
		await page.locator('nav.app-nav').getByRole('link', { name: 'Feedback' }).click();
		await page.getByRole('heading', { level: 1, name: 'Feedback' }).waitFor();
		const row = page.getByRole('row').filter({ hasText: 'session 9' });
		await row.getByText('Not started').waitFor();
		await assertAccessible(page, 'the staff feedback list');
		await row.getByRole('link', { name: /^Write – Tora Terapeut/ }).click();
		await page.getByRole('heading', { level: 1, name: /^Feedback – Tora Terapeut/ }).waitFor();
		/* The profile: items with bars and the lab's band, the balance with its sentence. */
		await page.getByRole('figure', { name: 'Adherence and quality per item' }).waitFor();
		assert.equal(await page.locator('.fb-editor-profile .fb-bar-quality').count() > 10, true);
		assert.ok(await page.locator('.fb-editor-profile .fb-ref').count() > 10, 'reference bands');
		await page.getByText('You support more than you challenge.', { exact: false }).first().waitFor();
		await assertAccessible(page, 'the feedback editor');
		await shot(page, 'fb-1-editor');

		/* The summary saves itself. */
		await page.locator('#fb-summary').fill('Warm and curious throughout. Next step: challenge a little more.');
		await saved();
		assert.equal(feedback.fb.get(feedback.SUB).summary, 'Warm and curious throughout. Next step: challenge a little more.');

		/* Offline for a while: kept, then saved. */
		feedback.failSaves(1);
		await page.locator('#fb-summary').fill('Warm and curious throughout. Next step: challenge more.');
		await page.locator('.fb-save[data-status="retrying"]').waitFor();
		await saved();
		assert.equal(feedback.fb.get(feedback.SUB).summary, 'Warm and curious throughout. Next step: challenge more.');

		/* Someone else saves: a conflict, with the text that was not saved. */
		feedback.bump(feedback.SUB);
		await page.locator('#fb-summary').fill('My own words.');
		const conflict = page.getByRole('alert').filter({ hasText: 'The feedback was changed elsewhere' });
		await conflict.waitFor();
		assert.equal(await page.locator('#fb-conflict-mine').inputValue(), 'My own words.');
		assert.equal(await page.locator('#fb-summary').inputValue(), 'Changed in another tab.');
		await assertAccessible(page, 'the editor after a conflict');
		await conflict.getByRole('button', { name: 'Continue with the saved feedback' }).click();
		await page.locator('#fb-summary').fill('Warm and curious throughout. Next step: challenge more.');
		await saved();

		/* A point started from the profile, with a clip marked in the player. */
		await page.getByRole('button', { name: /^Start a point to work on: 8 Pretend mode/ }).click();
		const form = page.locator('form.fb-point-form');
		await form.waitFor();
		assert.equal(await form.getByLabel('Title').inputValue(), 'Pretend mode');
		assert.equal(await form.locator('#pf-new-item').inputValue(), '8');
		await form.getByRole('button', { name: 'Add a clip' }).click();
		await page.locator('.fb-editor-player').getByRole('button', { name: 'Play the recording' }).click();
		await page.waitForFunction(() => document.querySelector('.fb-editor-player video')?.readyState >= 2);
		await page.locator('.fb-editor-player video').evaluate((v) => { v.pause(); v.currentTime = 4; });
		await page.waitForFunction(() => Math.abs(document.querySelector('.fb-editor-player video').currentTime - 4) < 0.01);
		await page.locator('.fb-editor-player video').evaluate((v) => v.dispatchEvent(new Event('timeupdate')));
		await form.getByRole('button', { name: 'Mark start of clip 1' }).click();
		assert.equal(await form.getByLabel('Clip 1: start').inputValue(), '0:04');
		await form.getByLabel('Clip 1: end').fill('0:02');
		await form.getByRole('button', { name: 'Save the point' }).click();
		await form.locator('#pf-new-clip-0-end-error').filter({ hasText: 'The end must come after the start.' }).waitFor();
		await form.getByLabel('Clip 1: end').fill('0:25');
		await form.getByRole('button', { name: 'Save the point' }).click();
		await form.locator('#pf-new-clip-0-end-error').filter({ hasText: 'is outside the recording' }).waitFor();
		await assertAccessible(page, 'the point form with a refused clip');
		await form.getByLabel('Clip 1: end').fill('0:09');
		await form.getByLabel('Clip 1: what it shows').fill('You accept “I am just lazy” without wondering.');
		await form.getByLabel('Advice').fill('When the patient talks in general terms, ask for a concrete example.');
		await form.getByRole('button', { name: 'Save the point' }).click();
		await page.getByRole('status').filter({ hasText: 'The point is added.' }).waitFor();
		const point = page.locator('.fb-points-edit .fb-point').filter({ hasText: 'Pretend mode' });
		await point.getByRole('button', { name: /^Play 0:04–0:09/ }).waitFor();
		assert.deepEqual(feedback.fb.get(feedback.SUB).points[0].clips.map((c) => [c.start_ms, c.end_ms]), [[4000, 9000]]);

		/* A strength in one click too. */
		await page.getByRole('button', { name: /^Start a strength: 1 Engagement/ }).click();
		await page.locator('form.fb-point-form').getByRole('button', { name: 'Save the point' }).click();
		await page.getByRole('status').filter({ hasText: 'The point is added.' }).waitFor();
		await assertAccessible(page, 'the editor with points');

		/* The preview is the therapist's page. */
		await page.getByRole('button', { name: 'Preview as the therapist sees it' }).click();
		await page.getByRole('heading', { level: 2, name: 'In two minutes' }).waitFor();
		await assertAccessible(page, 'the preview');
		await shot(page, 'fb-2-preview');
		await page.getByRole('button', { name: 'Back to the editor' }).click();
	});

	test('the supervisor books the meeting; a failed email is shown; then publishes', async () => {
		const panel = page.locator('.fb-meeting-panel');
		await panel.getByRole('button', { name: 'Book the meeting' }).click();
		await panel.getByRole('button', { name: 'Book and send the invitations' }).click();
		await panel.locator('#fb-sch-starts_at-error').filter({ hasText: 'Choose a date and a time.' }).waitFor();
		const when = new Date(Date.now() + 3 * 864e5);
		when.setHours(14, 0, 0, 0);
		const p = (n) => String(n).padStart(2, '0');
		await panel.getByLabel('Date and time').fill(`${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())}T14:00`);
		await panel.getByLabel('Video meeting link').fill('http://meet.example.org/abc');
		await panel.getByRole('button', { name: 'Book and send the invitations' }).click();
		await panel.locator('#fb-sch-link-error').waitFor();
		await panel.getByLabel('Video meeting link').fill('https://meet.example.org/abc');
		await panel.getByLabel(/Rune Rater/).check();
		assert.equal(await panel.getByLabel(/Tora Terapeut/).isDisabled(), true, 'the therapist is always invited');
		await assertAccessible(page, 'the booking form');
		await panel.getByRole('button', { name: 'Book and send the invitations' }).click();
		await page.getByRole('status').filter({ hasText: 'The meeting is booked' }).waitFor();
		const m = feedback.meetings[0];
		assert.equal(m.starts_at, when.toISOString().replace(/\.\d{3}Z$/, 'Z'));
		assert.deepEqual(m.participant_ids.sort(), [...new Set(m.participant_ids)].sort());
		const failed = panel.locator('tr.fb-mail-failed');
		await failed.filter({ hasText: 'Failed' }).filter({ hasText: 'mailbox unavailable' }).waitFor();
		await panel.getByText('1 email(s) could not be sent.', { exact: false }).waitFor();
		assert.equal(await panel.getByRole('button', { name: /Send again/ }).count(), 0, 'only a lab admin sends again');
		await panel.getByRole('button', { name: 'The meeting was held…' }).isDisabled();
		await assertAccessible(page, 'the meeting panel with a failed email');
		await shot(page, 'fb-3-meeting');

		await page.getByRole('button', { name: 'Publish…' }).click();
		const dialog = page.getByRole('dialog', { name: 'Publish the feedback?' });
		await dialog.getByText('Tora Terapeut gets an email at once', { exact: false }).waitFor();
		await assertAccessible(page, 'the publish dialog');
		await dialog.getByRole('button', { name: 'Publish' }).click();
		await page.getByRole('status').filter({ hasText: 'The feedback is published' }).waitFor();
		await page.getByText('Published feedback is locked', { exact: false }).first().waitFor();
		assert.equal(await page.locator('#fb-summary').count(), 0, 'no more editing');
		await signOut();
	});

	test('the therapist opens My feedback, plays a clip, downloads the report and the invitation', async () => {
		await signIn(THERAPIST);
		assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Overview', 'Submissions', 'Patient cases', 'Clients', 'My feedback', 'Practice', 'API tokens', 'Account']);
		await page.locator('nav.app-nav').getByRole('link', { name: 'My feedback' }).click();
		await page.getByRole('heading', { level: 1, name: 'My feedback' }).waitFor();
		await page.getByRole('figure', { name: /^Trend: 8 Pretend mode/ }).waitFor();
		await assertAccessible(page, 'My feedback');
		await shot(page, 'fb-4-mine');
		await page.getByRole('link', { name: /^Open the feedback on 2 Mar 2026/ }).click();
		await page.getByRole('heading', { level: 1, name: 'Feedback on the session of 2 Mar 2026' }).waitFor();

		/* Two minutes: the summary, what went well and what to work on, support and challenge. */
		const glance = page.locator('.fb-section-glance');
		await glance.getByText('Warm and curious throughout. Next step: challenge more.').waitFor();
		assert.match(await glance.locator('.fb-glance-work').textContent(), /Pretend mode.*3 Challenging unwarranted beliefs.*14 Transference/);
		await glance.getByRole('figure', { name: 'Support and challenge' }).waitFor();
		await glance.getByText('You support more than you challenge.', { exact: false }).waitFor();
		/* The profile's figures, each with the same figures as a table. */
		for (const name of ['Adherence and quality per item', 'Global ratings of the session', 'Your interventions by type']) await page.getByRole('figure', { name }).waitFor();
		const items = page.getByRole('figure', { name: 'Adherence and quality per item' });
		await items.getByRole('button', { name: 'Show the figures as a table' }).click();
		assert.match(await items.getByRole('row', { name: /^3 Challenging unwarranted beliefs Quality/ }).textContent(), /3\.0.*4\.0.*3\.0–5\.0/);
		await items.getByRole('button', { name: 'Hide the table' }).click();
		assert.match(await page.getByRole('figure', { name: 'Your interventions by type' }).locator('svg.fb-svg').textContent(), /9 \(42\.9%\)/);
		await assertAccessible(page, 'the therapist’s feedback');
		await shot(page, 'fb-5-feedback');

		/* A clip plays from its start and stops at its end. */
		await page.getByRole('button', { name: /^Play 0:04–0:09/ }).click();
		await page.waitForFunction(() => { const v = document.querySelector('.fb-player-box video'); return v && !v.paused && v.currentTime > 4.5; });
		await page.waitForFunction(() => document.querySelector('.fb-player-box video').paused, undefined, { timeout: 15000 });
		const at = await page.locator('.fb-player-box video').evaluate((v) => v.currentTime);
		assert.ok(at >= 8.8 && at <= 9.4, `stopped at ${at}`);
		await page.getByText('Clip 0:04–0:09: You accept', { exact: false }).waitFor();

		/* The report and the calendar file. */
		const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the report (PDF)' }).first().click()]);
		const head = await new Promise((ok, no) => pdf.createReadStream().then((s) => { const c = []; s.on('data', (d) => c.push(d)); s.on('end', () => ok(Buffer.concat(c))); s.on('error', no); }, no));
		assert.equal(head.subarray(0, 4).toString(), '%PDF');
		assert.ok(feedback.reads.includes(`report ${feedback.SUB} en`));
		await page.getByText(/Booked/).first().waitFor();
		const [ics] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Add to calendar (.ics)' }).click()]);
		assert.match(ics.suggestedFilename(), /\.ics$/);
		await page.getByRole('link', { name: 'Join the meeting' }).waitFor();
		await page.getByText('No practice goals yet.', { exact: false }).waitFor();

		/* On paper: no menu, no buttons, the clip times written out. */
		await page.emulateMedia({ media: 'print' });
		assert.equal(await page.locator('nav.app-nav').isVisible(), false);
		assert.equal(await page.locator('.fb-player-box').isVisible(), false);
		assert.equal(await page.locator('.fb-clip-print').first().isVisible(), true);
		await shot(page, 'fb-6-print');
		await page.emulateMedia({ media: 'screen' });
		await signOut();
	});

	test('the supervisor marks the meeting held with a goal', async () => {
		await signIn(SUPERVISOR);
		await page.goto(`${web.url}/feedback/${feedback.SUB}/edit`);
		const panel = page.locator('.fb-meeting-panel');
		await panel.getByRole('button', { name: 'The meeting was held…' }).click();
		const form = panel.locator('form.fb-held');
		assert.match(await form.getByLabel('Improvement points agreed').inputValue(), /Pretend mode/);
		await form.getByLabel('Goal 1: target').fill('Quality 4 in the next rated session');
		await form.getByLabel('Goal 1: review date').fill('2026-09-01');
		await assertAccessible(page, 'the held form');
		await form.getByRole('button', { name: 'Check and confirm…' }).click();
		const dialog = page.getByRole('dialog', { name: 'Mark the meeting as held?' });
		await dialog.getByText('starts the countdown to the recording’s deletion', { exact: false }).waitFor();
		await assertAccessible(page, 'the held confirmation');
		await dialog.getByRole('button', { name: 'Mark as held and close' }).click();
		await page.getByRole('status').filter({ hasText: 'The meeting is marked as held' }).waitFor();
		assert.deepEqual(feedback.goals.map((g) => [g.item_id, g.description, g.review_date]), [['8', 'Pretend mode', '2026-09-01']]);
		assert.equal(feedback.subs.get(feedback.SUB).state, 'closed');
		await signOut();
	});

	test('the therapist sees the goal and marks it achieved; in Norwegian with a decimal comma', async () => {
		await signIn(THERAPIST);
		await page.goto(`${web.url}/feedback/${feedback.SUB}`);
		const goal = page.locator('.fb-goal').filter({ hasText: 'Pretend mode' });
		await goal.getByText('Quality 4 in the next rated session').waitFor();
		await goal.getByText('1 Sept 2026').waitFor();
		await page.getByText('What we agreed to work on').waitFor();
		await assertAccessible(page, 'the feedback with a goal');
		await page.goto(`${web.url}/feedback`);
		await page.locator('.fb-goal').getByRole('button', { name: 'Mark as achieved: Pretend mode' }).click();
		await page.locator('.fb-goal').getByText('Achieved').first().waitFor();
		assert.equal(feedback.goals[0].state, 'achieved');

		await page.locator('#lang-header').selectOption('nb');
		await page.getByRole('heading', { level: 1, name: 'Mine tilbakemeldinger' }).waitFor();
		await page.goto(`${web.url}/feedback/${feedback.SUB}`);
		await page.getByRole('heading', { level: 2, name: 'På to minutter' }).waitFor();
		await page.getByText('Du støtter mer enn du utfordrer.', { exact: false }).first().waitFor();
		assert.match(await page.getByRole('figure', { name: 'Støtte og utfordring' }).locator('svg.fb-svg').textContent(), /5,7.*2,7.*Forskjell \+3,0/);
		assert.ok(feedback.reads.includes(`profile ${feedback.SUB} nb`), 'the profile is asked for in Norwegian');
		await assertAccessible(page, 'the feedback in Norwegian');
		await page.locator('#lang-header').selectOption('en');
		await signOut();
	});

	test('the lab admin sends the failed email again', async () => {
		await signInAdmin();
		await page.goto(`${web.url}/feedback/${feedback.SUB}/edit`);
		const panel = page.locator('.fb-meeting-panel');
		await panel.getByRole('button', { name: 'Send again to rune@example.org' }).click();
		await panel.locator('tr[data-state="queued"]').filter({ hasText: 'rune@example.org' }).waitFor();
		assert.equal(await panel.locator('tr.fb-mail-failed').count(), 0);
		await assertAccessible(page, 'the meeting panel after a retry');
		await signOut();
		assert.deepEqual(browser.problems, [], 'no page errors or CSP violations');
	});
});
