// Issue 4 in a real browser against a real kvalab server: the therapist uploads a recording in the
// wizard's last step with tus-js-client over a throttled connection, reloads the page half way and
// continues from the offset the server had stored, goes offline and back, and sees the server check
// the recording; then plays it and seeks (a range request), and the lab admin plays it from the
// inbox. A file that is not media is refused with a way to choose another; a format browsers cannot
// play shows its conversion. axe-core checks the upload step, the progress and the players.
//
// Set-up goes through the API (tests/lib/client.mjs), as in tests/api/vault.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';
import { freshTotp } from '../lib/totp.mjs';
import { bytes, playableMp4, sha256, speechWav, unplayableAvi } from '../lib/media.mjs';
import * as tusClient from 'tus-js-client';
import { ROOT, assertAccessible, launchBrowser, waitForHealth } from '../lib/browser.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(page, name) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const today = new Date().toISOString().slice(0, 10);
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
const MiB = 1048576;
/* How long to wait for an upload to go on after its connection broke: until kvalab lets the next
 * request take the upload over from the broken one (which may not have noticed yet), the page is
 * told 409 upload_busy and tries again. Seconds as a rule; generous, so a slow machine passes. */
const RECONNECT_MS = 150000;
/* Sizes as the UI writes them in English: "3.9 MB", "1 MB". */
const mb = (n) => `${Number((n / 1e6).toFixed(1))} MB`;

let srv;
let browser;
let page;
let admin;
let therapist;
let inst;
let lastCode = '';
let sub; // the submission whose recording is uploaded and played
let recording; // its recording once ready
const mp4 = playableMp4({ seconds: 12, size: '640x480', bitrate: '2500k' });
const mp4Bytes = bytes(mp4);

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	lastCode = srv.admin.lastCode ?? '';
	let r = await admin.patch('/api/me', { locale: 'en' });
	assert.equal(r.status, 200, r.text);
	r = await admin.post('/api/institutions', { name: 'Bergen MBT-senter' });
	assert.equal(r.status, 201, r.text);
	inst = r.json;
	await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' });
	inst = (await admin.get(`/api/institutions/${inst.id}`)).json;
	therapist = await makeUser(srv, admin, 'therapist');
	r = await therapist.client.patch('/api/me', { locale: 'en', display_name: 'Tiril Terapeut' });
	assert.equal(r.status, 200, r.text);
	r = await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
	assert.equal(r.status, 200, r.text);
	r = await admin.post(`/api/institutions/${inst.id}/agreements`, {
		version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'Leder', manager_level: 'nivå 3', signatory_ids: [therapist.id],
	});
	assert.equal(r.status, 201, r.text);
	const agreement = r.json;
	r = await admin.request('PUT', `/api/agreements/${agreement.id}/document`, undefined, { raw: PDF, headers: { 'content-type': 'application/pdf' } });
	assert.equal(r.status, 200, r.text);
	r = await admin.post(`/api/agreements/${agreement.id}/activate`, {});
	assert.equal(r.status, 200, r.text);
	assert.ok(mp4Bytes.length > 3 * MiB, `the test recording is ${mp4Bytes.length} bytes`);

	browser = await launchBrowser({ locale: 'en-GB' });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

// A submitted requisition, waiting for its recording.
async function submission() {
	const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
	let r = await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research: false });
	assert.equal(r.status, 200, r.text);
	const ins = (await therapist.client.get('/api/instruments')).json.items[0];
	r = await therapist.client.post('/api/submissions', {
		case_id: c.id, session_date: today, session_number: 7, modality: 'individual', instrument_id: ins.id, declared_consent: true, declared_no_identifiers: true,
	});
	assert.equal(r.status, 201, r.text);
	r = await therapist.client.post(`/api/submissions/${r.json.id}/submit`, {});
	assert.equal(r.status, 200, r.text);
	return r.json;
}

// Uploads a file for a submission from Node (tus-js-client with an API token), for tests whose
// subject is not the upload.
async function uploadThroughApi(data, submissionId) {
	const token = (await therapist.client.post('/api/tokens', { name: `e2e ${submissionId}` })).json.token;
	await new Promise((resolve, reject) => {
		const up = new tusClient.Upload(data, {
			endpoint: `${srv.url}/api/uploads`,
			headers: { Authorization: `Bearer ${token}` },
			metadata: { submission_id: String(submissionId), filetype: 'video/mp4' },
			retryDelays: null,
			onError: reject,
			onSuccess: resolve,
		});
		up.start();
	});
}

async function waitForReady(submissionId, ms = 60000) {
	const end = Date.now() + ms;
	for (;;) {
		const r = await recordingOf(submissionId);
		if (r?.state === 'ready') return r;
		if (Date.now() > end) throw new Error(`recording of ${submissionId} not ready: ${JSON.stringify(r)}`);
		await new Promise((ok) => setTimeout(ok, 250));
	}
}

async function recordingOf(id) {
	return (await therapist.client.get(`/api/submissions/${id}`)).json.recording;
}

async function signInTherapist() {
	await page.goto(`${srv.url}/`);
	await page.locator('#login-email').fill(therapist.email);
	await page.locator('#login-password').fill(therapist.password);
	await page.locator('#login-password').press('Enter');
	await page.locator('nav.app-nav').waitFor();
}

async function signInAdmin() {
	await page.goto(`${srv.url}/`);
	await page.locator('#login-email').fill(srv.admin.email);
	await page.locator('#login-password').fill(srv.admin.password);
	await page.locator('#login-password').press('Enter');
	lastCode = await freshTotp(srv.admin.totpSecret, lastCode);
	await page.locator('#login-totp').fill(lastCode);
	await page.locator('#login-totp').press('Enter');
	await page.locator('nav.app-nav').waitFor();
}

async function signOut() {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.locator('#login-email').waitFor();
}

// Bytes per second the browser may send (-1: no limit), and whether it is offline, through the
// DevTools protocol: the page's uploads crawl, so there is a "half way" to reload at.
async function network(cdp, { upload = -1, download = -1, offline = false }) {
	await cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: download, uploadThroughput: upload });
}

async function progressShare() {
	return page.locator('#rec-progress').evaluate((p) => p.value / p.max);
}

test('the therapist uploads a recording, reloads half way and it continues from the server’s offset', async (t) => {
	sub = await submission();
	const cdp = await browser.context.newCDPSession(page);
	await cdp.send('Network.enable');
	const tus = []; // every tus request the page makes, in order
	page.on('request', (req) => {
		if (!/\/api\/uploads(\/\d+)?$/.test(new URL(req.url()).pathname)) return;
		const h = req.headers();
		const entry = { method: req.method(), url: req.url(), offset: h['upload-offset'], csrf: h['x-csrf-token'], at: Date.now(), status: null };
		tus.push(entry);
		req.response().then((res) => { entry.status = res?.status() ?? 'none'; }, () => { entry.status = 'failed'; });
	});
	const tusLog = () => tus.map((r) => `${r.method} ${r.offset ?? ''} → ${r.status} @${r.at - tus[0].at}ms`).join(', ');
	const statusLog = [];
	let offlineShare = null;
	let offlineAt = 0;
	const watchStatus = setInterval(() => {
		page.evaluate(() => document.querySelector('.upload-status')?.textContent ?? '').then((x) => {
			if (statusLog.at(-1)?.text !== x) statusLog.push({ text: x, at: Date.now() - (tus[0]?.at ?? 0) });
		}, () => {});
	}, 100);
	t.after(() => clearInterval(watchStatus));
	try {

	await signInTherapist();
	await page.goto(`${srv.url}/submissions/${sub.id}`);
	await page.getByRole('heading', { level: 2, name: /Step 5 of 5: Upload the recording/ }).waitFor();
	await page.getByText('encrypted as it arrives', { exact: false }).first().waitFor();
	const input = page.getByLabel('Recording of the session');
	assert.equal(await input.getAttribute('accept'), 'video/*,audio/*');
	await assertAccessible(page, 'the upload step');
	await shot(page, 'vault-1-upload-step');

	/* About 400 kB/s: the 4 MB recording takes ten seconds. */
	await network(cdp, { upload: 400 * 1024 });
	await input.setInputFiles(mp4);
	await page.getByRole('button', { name: 'Pause' }).waitFor();
	await page.waitForFunction(() => {
		const p = document.querySelector('#rec-progress');
		return p && p.value / p.max > 0.2;
	});
	/* Speed and time left appear once a second's worth has gone. */
	const total = mb(mp4Bytes.length);
	await page.locator('#rec-numbers').filter({ hasText: new RegExp(`^\\d(\\.\\d)? MB of ${total} · \\d+ kB/s · (about \\d+ min|less than a minute) left$`) }).waitFor();
	assert.match(await page.getByLabel(/^Upload of playable-12s/).getAttribute('max'), /^\d+$/);
	await assertAccessible(page, 'the upload under way');
	await shot(page, 'vault-2-uploading');

	/* Pause and resume: it goes on from what the server stored. */
	await page.getByRole('button', { name: 'Pause' }).click();
	await page.getByRole('status').filter({ hasText: 'Paused' }).waitFor();
	const pausedAt = await progressShare();
	await page.waitForTimeout(700);
	assert.equal(await progressShare(), pausedAt, 'nothing is sent while paused');
	await page.getByRole('button', { name: 'Resume' }).click();
	await page.getByRole('button', { name: 'Pause' }).waitFor();
	await page.waitForFunction(() => {
		const p = document.querySelector('#rec-progress');
		return p && p.value / p.max > 0.6;
	}, undefined, { timeout: RECONNECT_MS });

	/* Leaving mid-upload asks first; this test says yes and reloads. */
	const beforeUnload = await page.evaluate(() => {
		const e = new Event('beforeunload', { cancelable: true });
		window.dispatchEvent(e);
		return e.defaultPrevented;
	});
	assert.equal(beforeUnload, true, 'the page warns before it is left mid-upload');
	const dialogs = [];
	const accept = (d) => {
		dialogs.push(d.type());
		d.accept().catch(() => {});
	};
	page.on('dialog', accept);
	const posts = tus.filter((r) => r.method === 'POST');
	assert.equal(posts.length, 1, 'one upload was created');
	assert.ok(posts[0].csrf, 'tus requests carry the CSRF token');
	const patch = tus.find((r) => r.method === 'PATCH');
	const uploadPath = new URL(patch.url).pathname;
	const reloadShare = await progressShare();
	const reloadAt = Date.now();
	await page.reload();
	page.off('dialog', accept);
	assert.ok(dialogs.every((d) => d === 'beforeunload'), `dialogs: ${dialogs}`);

	/* Back: the page says how much the lab has; the server kept every whole MiB it received. */
	await page.getByRole('heading', { level: 2, name: /Step 5 of 5: Upload the recording/ }).waitFor();
	let offset = 0;
	for (const end = Date.now() + RECONNECT_MS; offset < MiB && Date.now() < end; ) {
		const stored = await therapist.client.get(uploadPath);
		assert.equal(stored.status, 200, stored.text);
		offset = stored.json.offset;
		if (offset < MiB) await page.waitForTimeout(250);
	}
	assert.ok(offset >= MiB, `the server kept ${offset} bytes`);
	assert.equal(offset % 65536, 0, 'resumes from a whole 64 KiB chunk');
	assert.ok(offset < mp4Bytes.length);
	await page.getByText(new RegExp(`^An upload of this recording was interrupted: [\\d.]+ [kM]B of ${mb(mp4Bytes.length)} are stored at the lab\\.`)).waitFor();
	await assertAccessible(page, 'the upload step after an interrupted upload');
	await shot(page, 'vault-3-interrupted');

	/* The same file again continues where the server stopped: no new upload, the first PATCH at its offset. */
	await network(cdp, { upload: 200 * 1024 });
	await page.getByLabel('Choose the same file again').setInputFiles(mp4);
	await page.getByText(`Continued from ${mb(offset)}, which the lab had already stored.`).waitFor();
	const after = tus.filter((r) => r.at >= reloadAt);
	assert.deepEqual(after.filter((r) => r.method === 'POST'), [], 'no new upload was created');
	const firstPatch = after.find((r) => r.method === 'PATCH');
	assert.equal(new URL(firstPatch.url).pathname, uploadPath);
	assert.equal(Number(firstPatch.offset), offset, 'the first PATCH starts at the server’s offset');
	t.diagnostic(`reloaded at ${Math.round(reloadShare * 100)}% sent; the server had ${offset} of ${mp4Bytes.length} bytes; dialogs: ${dialogs.join(',') || 'none'}`);

	/* The connection drops early in the rest, and comes back: the upload goes on by itself. */
	const mid = offset / mp4Bytes.length + 0.04;
	await page.waitForFunction((share) => {
		const p = document.querySelector('#rec-progress');
		return p && p.value / p.max > share;
	}, mid, { timeout: RECONNECT_MS });
	offlineAt = Date.now();
	offlineShare = await progressShare();
	await network(cdp, { upload: 200 * 1024, offline: true });
	const lost = page.getByRole('status').filter({ hasText: 'Connection lost — the upload will resume when the connection is back.' });
	await lost.waitFor();
	await assertAccessible(page, 'the upload while offline');
	await shot(page, 'vault-4-offline');
	await page.waitForTimeout(1500);
	assert.ok(await lost.isVisible(), 'it waits for the connection');
	assert.ok((await progressShare()) < 1);
	await network(cdp, {});

	/* The last byte, the server's check, and "Ready". */
	await page.getByRole('status').filter({ hasText: /^Ready\./ }).waitFor({ timeout: RECONNECT_MS });
	await page.getByRole('button', { name: 'Play the recording' }).waitFor();
	recording = await recordingOf(sub.id);
	assert.equal(recording.state, 'ready');
	assert.equal(recording.video_codec, 'h264');
	const full = (await therapist.client.get(`/api/recordings/${recording.id}`)).json;
	assert.equal(full.sha256, sha256(mp4Bytes), 'the server holds exactly the file');
	assert.equal((await therapist.client.get(`/api/submissions/${sub.id}`)).json.state, 'recording_ready');
	await page.getByText('Raters to be assigned').first().waitFor();
	const facts = page.locator('dl.facts').first();
	assert.match(await facts.textContent(), /Length0:12/);
	assert.match(await facts.textContent(), /KindVideo, 640×480/);
	assert.match(await facts.textContent(), /Plays as uploaded/);
	await assertAccessible(page, 'the upload step with the recording ready');
	await shot(page, 'vault-5-ready');
	/* Nothing is left behind in the browser's storage for a finished upload. */
	const leftovers = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')));
	assert.deepEqual(leftovers, []);
	/* After the connection came back: the server was asked where it was, and the rest followed. */
	const back = tus.filter((r) => r.at > offlineAt);
	assert.ok(back.some((r) => r.method === 'HEAD'), JSON.stringify(back));
	/* The rest followed from the server's offset; or, when the last piece had reached the server
	 * before the line went down (only its answer was lost), the HEAD showed every byte there and
	 * nothing more was sent. The checksum above proves the file whole either way. */
	const lastPatch = back.filter((r) => r.method === 'PATCH').pop();
	if (lastPatch) assert.ok(Number(lastPatch.offset) >= offset, `resumed at ${lastPatch.offset}`);
	t.diagnostic(`tus requests: ${tusLog()}`);
	await cdp.detach();
	} catch (e) {
		e.message += `\noffline at ${offlineShare}\ntus requests: ${tusLog()}\nstatus: ${statusLog.map((x) => `${x.text} @${x.at}ms`).join(' | ')}`;
		throw e;
	}
});

test('the therapist plays the recording and seeks with range requests', async (t) => {
	const media = [];
	const onResponse = (res) => {
		if (!/\/api\/recordings\/\d+\/media/.test(res.url())) return;
		media.push({ range: res.request().headers().range ?? null, status: res.status(), contentRange: res.headers()['content-range'] ?? null });
	};
	page.on('response', onResponse);
	await page.getByRole('button', { name: 'Play the recording' }).click();
	const video = page.locator('video');
	await video.waitFor();
	assert.equal(await video.getAttribute('controlslist'), 'nodownload noremoteplayback');
	assert.equal(await page.locator('a[download]').count(), 0);
	await page.waitForFunction(() => document.querySelector('video')?.readyState >= 1);
	/* It starts playing by itself: the click asked for it. */
	await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
	await page.getByRole('button', { name: 'Pause', exact: true }).click();
	await page.getByRole('button', { name: 'Play', exact: true }).waitFor();

	const at = await video.evaluate(
		(v) =>
			new Promise((resolve) => {
				v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
				v.currentTime = 8;
			}),
	);
	assert.ok(Math.abs(at - 8) < 0.2, `currentTime ${at}`);
	await page.waitForFunction(() => Math.abs(Number(document.querySelector('#player-seek')?.value) - 8) < 0.5);
	assert.equal(await page.locator('#player-seek').getAttribute('aria-valuetext'), '0:08 of 0:12');
	/* The player reads the recording with range requests (the first one from byte 0). */
	const ranged = media.filter((m) => m.range && m.status === 206);
	assert.ok(ranged.length > 0, `range requests: ${JSON.stringify(media)}`);
	assert.ok(ranged.every((m) => /^bytes \d+-\d+\/\d+$/.test(m.contentRange)));
	assert.ok(media.every((m) => m.status === 200 || m.status === 206), JSON.stringify(media));
	t.diagnostic(`media requests: ${media.map((m) => `${m.range} → ${m.status} ${m.contentRange}`).join('; ')}`);

	/* Our controls, by keyboard: back 5 s, J and L, the speed. */
	await page.getByRole('button', { name: 'Back 5 s' }).click();
	assert.ok(Math.abs((await video.evaluate((v) => v.currentTime)) - 3) < 0.3);
	await page.getByRole('button', { name: 'Play', exact: true }).focus();
	await page.keyboard.press('l');
	assert.ok(Math.abs((await video.evaluate((v) => v.currentTime)) - 8) < 0.3);
	await page.keyboard.press('j');
	assert.ok(Math.abs((await video.evaluate((v) => v.currentTime)) - 3) < 0.3);
	await page.getByLabel('Speed').selectOption('1.5');
	assert.equal(await video.evaluate((v) => v.playbackRate), 1.5);
	await page.keyboard.press('k');
	await page.getByRole('button', { name: 'Pause', exact: true }).waitFor();
	await page.waitForFunction(() => document.querySelector('video')?.currentTime > 3.5);
	await page.getByRole('button', { name: 'Pause', exact: true }).click();
	/* The picture is really decoded (Chromium plays H.264 here). */
	assert.deepEqual(await video.evaluate((v) => [v.videoWidth, v.videoHeight]), [640, 480]);
	assert.equal(await video.evaluate((v) => v.error), null);
	await assertAccessible(page, 'the therapist’s player');
	await shot(page, 'vault-6-player');
	page.off('response', onResponse);

	/* One viewing, one audit entry. */
	const views = await admin.get(`/api/audit?action=recording.view&object_id=${recording.id}`);
	assert.equal(views.json.total, 1);
	assert.equal(views.json.items[0].actor_email, therapist.email);

	/* Coming back later: the submission page shows the recording and its player, not the wizard. */
	await page.goto(`${srv.url}/submissions/${sub.id}`);
	await page.getByRole('heading', { level: 2, name: 'Recording' }).waitFor();
	assert.equal(await page.getByRole('heading', { name: /Step 5 of 5/ }).count(), 0);
	await page.getByRole('button', { name: 'Play the recording' }).waitFor();
	await assertAccessible(page, 'the submission with its recording');
	await signOut();
});

test('the lab admin plays the recording from the inbox', async () => {
	await signInAdmin();
	await page.locator('nav.app-nav').getByRole('link', { name: 'Inbox' }).click();
	await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
	const row = page.getByRole('row').filter({ hasText: 'Tiril Terapeut' }).filter({ hasText: 'Recording ready' });
	await row.first().waitFor();
	await row.first().getByRole('button', { name: /Details of the submission/ }).click();
	const dialog = page.getByRole('dialog', { name: /Submission for case P-/ });
	await dialog.getByRole('heading', { name: 'Recording' }).waitFor();
	await dialog.getByText('Plays as uploaded').waitFor();
	await assertAccessible(page, 'the submission details with a recording');
	await dialog.getByRole('button', { name: 'Play the recording' }).click();
	const video = dialog.locator('video');
	await video.waitFor();
	await page.waitForFunction(() => document.querySelector('dialog video')?.readyState >= 1);
	const at = await video.evaluate(
		(v) =>
			new Promise((resolve) => {
				v.pause();
				v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
				v.currentTime = 10;
			}),
	);
	assert.ok(Math.abs(at - 10) < 0.2, `currentTime ${at}`);
	await video.evaluate((v) => v.play());
	await page.waitForFunction(() => document.querySelector('dialog video')?.currentTime > 10.3);
	await video.evaluate((v) => v.pause());
	await assertAccessible(page, 'the lab admin’s player');
	await shot(page, 'vault-7-inbox-player');
	const views = await admin.get(`/api/audit?action=recording.view&object_id=${recording.id}`);
	assert.equal(views.json.total, 2);
	await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'detached' });
	await signOut();
});

test('a file that is not a recording is refused, and another file can be chosen', async () => {
	const s = await submission();
	await signInTherapist();
	await page.goto(`${srv.url}/submissions/${s.id}`);
	await page.getByLabel('Recording of the session').setInputFiles({ name: 'session.mp4', mimeType: 'video/mp4', buffer: Buffer.from('This is not a video.\n'.repeat(5000)) });
	const refusal = page.getByRole('alert').filter({ hasText: 'The recording was refused: the file is not audio or video in a format the lab can read.' });
	await refusal.waitFor({ timeout: 60000 });
	await refusal.getByText('What arrived has been deleted.', { exact: false }).waitFor();
	assert.equal((await recordingOf(s.id)).state, 'refused');
	await assertAccessible(page, 'a refused recording');
	await shot(page, 'vault-8-refused');

	/* A picture file is stopped before it is sent. */
	await page.getByLabel('Choose another file').setInputFiles({ name: 'scan.png', mimeType: 'image/png', buffer: Buffer.from('not really') });
	await page.locator('#rec-file-error').filter({ hasText: 'Choose a video or audio file.' }).waitFor();

	/* A recording browsers cannot play as it is: converted, with its progress shown. */
	await page.getByLabel('Choose another file').setInputFiles(unplayableAvi({ seconds: 30, size: '640x480' }));
	await page.getByRole('status').filter({ hasText: 'Converting for playback…' }).waitFor({ timeout: 60000 });
	await page.locator('#rec-work-numbers').filter({ hasText: /^\d+%$/ }).waitFor();
	await assertAccessible(page, 'a recording being converted');
	await shot(page, 'vault-9-converting');
	await page.getByRole('status').filter({ hasText: /^Ready\./ }).waitFor({ timeout: 120000 });
	await page.getByText('Plays from a converted copy; the original is kept').waitFor();
	await page.getByRole('button', { name: 'Play the recording' }).click();
	await page.waitForFunction(() => document.querySelector('video')?.readyState >= 1);
	assert.equal(await page.locator('video').evaluate((v) => v.error), null);
	await page.locator('video').evaluate((v) => v.pause());
	assert.deepEqual(browser.problems, [], 'no page errors or CSP violations');
	await signOut();
});

test('seeking far into a long recording asks the server for just that part', async (t) => {
	const s = await submission();
	const long = bytes(playableMp4({ seconds: 40, size: '640x480', bitrate: '2500k' }));
	await uploadThroughApi(long, s.id);
	await waitForReady(s.id);
	await signInTherapist();
	await page.goto(`${srv.url}/submissions/${s.id}`);
	const media = [];
	const onResponse = (res) => {
		if (/\/api\/recordings\/\d+\/media/.test(res.url())) media.push({ range: res.request().headers().range ?? null, status: res.status() });
	};
	page.on('response', onResponse);
	/* A slow line: the whole file would take half a minute, so seeking must not wait for it. */
	const cdp = await browser.context.newCDPSession(page);
	await cdp.send('Network.enable');
	await network(cdp, { download: 512 * 1024 });
	await page.getByRole('button', { name: 'Play the recording' }).click();
	const video = page.locator('video');
	await page.waitForFunction(() => document.querySelector('video')?.readyState >= 1);
	const started = Date.now();
	const at = await video.evaluate(
		(v) =>
			new Promise((resolve) => {
				v.addEventListener('seeked', () => resolve(v.currentTime), { once: true });
				v.currentTime = 36;
			}),
	);
	const took = Date.now() - started;
	await network(cdp, {});
	await cdp.detach();
	page.off('response', onResponse);
	t.diagnostic(`seek to 36 s took ${took} ms; media requests: ${media.map((m) => `${m.range} → ${m.status}`).join('; ')}`);
	assert.ok(Math.abs(at - 36) < 0.3, `currentTime ${at}`);
	const far = media.filter((m) => m.status === 206 && Number(/^bytes=(\d+)-/.exec(m.range ?? '')?.[1]) > long.length / 2);
	assert.ok(far.length > 0, `a range request from past the middle: ${JSON.stringify(media)}`);
	assert.ok(took < 10000, `seeking took ${took} ms`);
	await video.evaluate((v) => v.pause());
	await signOut();
});

test('a recording with sound only plays in an audio player with the same controls', async () => {
	const s = await submission();
	await uploadThroughApi(bytes(speechWav()), s.id);
	await waitForReady(s.id, 120000);
	await signInTherapist();
	await page.goto(`${srv.url}/submissions/${s.id}`);
	await page.getByText('Sound only').waitFor();
	await page.getByRole('button', { name: 'Play the recording' }).click();
	const audio = page.locator('audio');
	await audio.waitFor();
	assert.equal(await page.locator('video').count(), 0);
	await page.waitForFunction(() => document.querySelector('audio')?.readyState >= 1);
	await audio.evaluate((a) => a.pause());
	await page.getByRole('button', { name: 'Play', exact: true }).waitFor();
	await page.getByLabel('Speed').selectOption('0.5');
	assert.equal(await audio.evaluate((a) => a.playbackRate), 0.5);
	assert.equal(await audio.evaluate((a) => a.error), null);
	await assertAccessible(page, 'the audio player');
	await shot(page, 'vault-10-audio');
	await signOut();
});
