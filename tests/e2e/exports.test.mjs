// Issue 7 in a real browser against a real kvalab server: a researcher asks for a research export
// (rating scale, period, rows, variables by group, purpose), the lab admin reviews and approves it,
// and the researcher downloads the SPSS file. axe-core checks the request form, the list, the
// review page and its approval dialog. One approved session is set up through the API as in
// tests/api/exports.test.mjs. The export pages' messages are checked in nb, da and en too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tus from 'tus-js-client';
import { startServer } from '../lib/server.mjs';
import { adminClient, makeUser, totp } from '../lib/client.mjs';
import { freshTotp } from '../lib/totp.mjs';
import { bytes, playableMp4 } from '../lib/media.mjs';
import { ROOT, assertAccessible, launchBrowser, waitForHealth } from '../lib/browser.mjs';
import { assertCatalogues } from '../lib/i18n.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(name) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const today = new Date().toISOString().slice(0, 10);
let srv, admin, researcher, browser, page;

async function withTotp(role) {
	const u = await makeUser(srv, admin, role);
	const e = await u.client.post('/api/me/totp', {});
	await u.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
	return u;
}

// One session rated to an approved consensus, at an institution that allows research, with the
// patient's consent to research.
async function approvedSession(instrument) {
	let inst = (await admin.post('/api/institutions', { name: 'Forskningsklinikken', keep_ratings_for_research: true })).json;
	inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
	const therapist = await makeUser(srv, admin, 'therapist');
	await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
	const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'L', manager_level: '3', signatory_ids: [therapist.id] })).json;
	await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } });
	await admin.post(`/api/agreements/${ag.id}/activate`, {});
	const token = (await therapist.client.post('/api/tokens', { name: 't' })).json.token;
	const supervisor = await withTotp('supervisor');
	const rater = await withTotp('rater');
	const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
	await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research: true });
	const s = (await therapist.client.post('/api/submissions', { case_id: c.id, session_date: today, session_number: 9, modality: 'individual', treatment_phase: 'early', instrument_id: instrument.id, declared_consent: true, declared_no_identifiers: true })).json;
	assert.equal((await therapist.client.post(`/api/submissions/${s.id}/submit`, {})).status, 200);
	await new Promise((resolve, reject) => {
		new tus.Upload(bytes(playableMp4({ seconds: 6, size: '160x120', bitrate: '100k' })), {
			endpoint: `${srv.url}/api/uploads`, headers: { Authorization: `Bearer ${token}` },
			metadata: { submission_id: String(s.id) }, retryDelays: null, onError: reject, onSuccess: resolve,
		}).start();
	});
	for (let i = 0; i < 200 && (await admin.get(`/api/submissions/${s.id}`)).json.state !== 'recording_ready'; i++) await new Promise((r) => setTimeout(r, 100));
	const a = await admin.post(`/api/submissions/${s.id}/assignments`, { rater_ids: [rater.id], due_date: today });
	assert.equal(a.status, 201, a.text);
	const ratingId = a.json.items[0].rating_id;
	const miss = (await rater.client.post(`/api/ratings/${ratingId}/submit`, {})).json.error.missing;
	const ops = miss.map((m) => { const [item, facet] = m.split('.'); return { op: 'score', item, facet, value: 5 }; });
	assert.equal((await rater.client.post(`/api/ratings/${ratingId}/changes`, { client: 'api', seq: 1, base_version: 1, ops })).status, 200);
	assert.equal((await rater.client.post(`/api/ratings/${ratingId}/submit`, {})).status, 200);
	const con = await rater.client.post(`/api/submissions/${s.id}/consensus`, { based_on: ratingId });
	assert.equal((await rater.client.post(`/api/ratings/${con.json.id}/submit`, {})).status, 200);
	assert.equal((await supervisor.client.post(`/api/submissions/${s.id}/approve`, {})).status, 200);
}

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	await admin.patch('/api/me', { locale: 'en' });
	const instrument = (await admin.get('/api/instruments')).json.items.find((i) => i.code === 'mbt-i-aqs');
	await approvedSession(instrument);
	researcher = await makeUser(srv, admin, 'researcher');
	await researcher.client.patch('/api/me', { locale: 'en', display_name: 'Rut Researcher' });
	browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

async function signIn(email, password, secret) {
	await page.goto(`${srv.url}/`);
	await page.locator('#login-email').fill(email);
	await page.locator('#login-password').fill(password);
	await page.locator('#login-password').press('Enter');
	if (secret) {
		const code = await freshTotp(secret, srv.admin.lastCode);
		srv.admin.lastCode = code;
		await page.locator('#login-totp').fill(code);
		await page.locator('#login-totp').press('Enter');
	}
	await page.locator('nav.app-nav').waitFor();
}

async function signOut() {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.locator('#login-email').waitFor();
}

test('a researcher asks, the lab admin approves, the researcher downloads the .sav', async () => {
	await signIn(researcher.email, researcher.password);
	// The researcher's menu has the exports and nothing of the lab's work.
	const nav = await page.locator('nav.app-nav a').allTextContents();
	assert.ok(nav.includes('Research exports'), nav.join(', '));
	assert.ok(!nav.some((n) => /Inbox|Submissions|Institutions|Users/.test(n)), nav.join(', '));
	await page.locator('nav.app-nav').getByRole('link', { name: 'Research exports' }).click();
	await page.getByRole('heading', { level: 1, name: 'Research exports' }).waitFor();
	await page.locator('#ex-instrument').selectOption({ label: 'MBT adherence and quality scale, individual (17 items) (1)' });
	await page.locator('#ex-var-item03_adh').waitFor();
	await assertAccessible(page, 'the request form');
	await shot('exports-form');

	// Sending too little is refused in the browser, naming what is missing.
	await page.getByRole('button', { name: 'Send the request' }).click();
	await page.getByText('Choose at least one variable.').waitFor();
	await page.getByText('Describe the purpose in at least 20 characters.').waitFor();

	await page.getByLabel('Both: the consensus and each rater’s own rating').check();
	await page.getByRole('button', { name: 'Choose all: Identifiers (codes in this export)' }).click();
	await page.getByRole('button', { name: 'Choose all: Item scores' }).click();
	await page.locator('#ex-var-glob_qual').check();
	await page.locator('#ex-var-idx_support').check();
	await page.locator('#ex-var-session_month').check();
	await page.locator('#ex-purpose').fill('Reliability of the MBT scale across raters (ethics approval 2026/123).');
	await page.getByRole('button', { name: 'Send the request' }).click();
	const card = page.locator('.ex-card').first();
	await card.getByText('Waiting for approval').waitFor();
	assert.match(await card.locator('h3').textContent(), /^MBT adherence and quality scale/);
	await assertAccessible(page, 'the list with a request waiting');
	await signOut();

	await signIn(srv.admin.email, srv.admin.password, srv.admin.totpSecret);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Export requests' }).click();
	await page.getByRole('heading', { level: 1, name: 'Export requests' }).waitFor();
	const pending = page.locator('section[aria-labelledby="ex-pending-h"] .ex-card');
	await pending.getByText(researcher.email).waitFor();
	await pending.getByText(/Reliability of the MBT scale/).waitFor();
	await assertAccessible(page, 'the review page');
	await pending.getByRole('button', { name: /^Approve the request from/ }).click();
	const dialog = page.getByRole('dialog', { name: 'Approve the export' });
	await dialog.waitFor();
	await assertAccessible(page, 'the approval dialog');
	await shot('exports-approve');
	await dialog.locator('#ex-decision-note').fill('Approved for the reliability study.');
	await dialog.getByRole('button', { name: 'Approve and make the files' }).click();
	await dialog.waitFor({ state: 'detached' });
	const decided = page.locator('section[aria-labelledby="ex-decided-h"] .ex-card');
	await decided.getByText('Ready').waitFor();
	// The lab admin decides but is offered no download.
	assert.equal(await decided.getByRole('link', { name: /^Download/ }).count(), 0);
	await signOut();

	await signIn(researcher.email, researcher.password);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Research exports' }).click();
	const ready = page.locator('.ex-card').first();
	await ready.getByText('Ready').waitFor();
	await ready.getByText('Approved for the reliability study.').waitFor();
	await ready.getByText('Rows: 2. Sessions: 1.').waitFor();
	await assertAccessible(page, 'the list with a ready export');
	await shot('exports-ready');
	const [download] = await Promise.all([page.waitForEvent('download'), ready.getByRole('link', { name: /^Download SPSS \(\.sav\)/ }).click()]);
	assert.match(download.suggestedFilename(), /^kvalab-export-\d+-data\.sav$/);
	const file = readFileSync(await download.path());
	assert.equal(file.subarray(0, 4).toString('latin1'), '$FL2');
	assert.deepEqual(browser.problems, []);
	const audit = await admin.get('/api/audit?action=export.download');
	assert.ok(audit.json.items.some((x) => x.detail === 'data.sav' && x.actor_email === researcher.email));
});

test('the export pages’ messages exist in nb, da and en with the same placeholders', () => {
	assertCatalogues('exports', { more: 80 });
});
