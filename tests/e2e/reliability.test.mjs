// Issue 7 in a real browser against a real kvalab server: the supervisor opens the reliability
// dashboard and sees the ICC table with its one-line explanation, the rater drift with a flagged
// rater, the calibration page and the lab figures (hidden below five therapists); a rater in
// training opens My calibration, rates the calibration session in the workspace with its recording,
// and then sees the agreement with the master item by item. axe-core checks every screen.
//
// Three approved double-rated sessions are seeded through the API (tests/lib/flow.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { adminClient } from '../lib/client.mjs';
import { assign, setupLab, submissionWithRecording, today, withTotp } from '../lib/flow.mjs';
import { assertAccessible, launchBrowser, signIn, signOut, waitForHealth } from '../lib/browser.mjs';

let srv, admin, lab, supervisor, r1, r2, trainee, instrument, vars, browser, page;
const sessions = [];
const en = (name) => ({ locale: 'en', display_name: name });

async function send(client, ratingId, ops) {
	const r = (await client.get(`/api/ratings/${ratingId}`)).json;
	const c = await client.post(`/api/ratings/${ratingId}/changes`, { client: `t-${ratingId}-${r.version}`, seq: 1, base_version: r.version, ops });
	assert.equal(c.status, 200, c.text);
}

const scoreOps = (f) => vars.map((v, j) => ({ op: 'score', item: v.item, facet: v.facet, value: f(v, j) }));
const clamp = (x) => Math.max(1, Math.min(7, x));
const scoreA = (i) => (v, j) => (v.item === '3' && v.facet === 'quality' ? 2 + i : clamp(1 + ((i * 3 + j * 2) % 7)));
const scoreB = (i) => (v, j) => (v.item === '3' && v.facet === 'quality' ? 4 + i : clamp(scoreA(i)(v, j) + ((i + j) % 3) - 1));

async function approvedSession(therapist, i) {
	const s = await submissionWithRecording(lab, { therapist, sessionNumber: 4 + i, consent: { rater_training: true } });
	const a = await assign(lab, s.id, [r1, r2]);
	const ratings = [r1, r2].map((r) => a.find((x) => x.rater_id === r.id).rating_id);
	const ops = [scoreOps(scoreA(i)), scoreOps(scoreB(i))];
	ops[0].push({ op: 'intervention', client_id: 'a', start_ms: 1000, code: '16' });
	ops[1].push({ op: 'intervention', client_id: 'b', start_ms: 1800, code: '16' });
	for (const [k, r] of [r1, r2].entries()) {
		await send(r.client, ratings[k], ops[k]);
		assert.equal((await r.client.post(`/api/ratings/${ratings[k]}/submit`, {})).status, 200);
	}
	const cons = (await r1.client.post(`/api/submissions/${s.id}/consensus`, { based_on: ratings[0] })).json;
	assert.equal((await r1.client.post(`/api/ratings/${cons.id}/submit`, {})).status, 200);
	assert.equal((await supervisor.client.post(`/api/submissions/${s.id}/approve`, {})).status, 200);
	return { id: s.id, ratings };
}

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	await admin.patch('/api/me', { locale: 'en' });
	// The users who sign in in the browser enrol first, so their next TOTP step comes sooner.
	supervisor = await withTotp(srv, admin, 'supervisor', en('Siri Supervisor'));
	trainee = await withTotp(srv, admin, 'rater', en('Tia Trainee'));
	r1 = await withTotp(srv, admin, 'rater', en('Anna Rater'));
	r2 = await withTotp(srv, admin, 'rater', en('Bjørn Rater'));
	lab = await setupLab(srv, admin, { institution: 'Kalibreringsklinikken', therapists: 3, supervisor: false });
	instrument = lab.instrument;
	const def = (await admin.get(`/api/instruments/${instrument.id}`)).json.definition;
	vars = [...def.items.flatMap((it) => it.facets.map((facet) => ({ item: it.id, facet }))), ...def.globals.map((g) => ({ item: 'global', facet: g.id }))];
	for (const [i, t] of lab.therapists.entries()) sessions.push(await approvedSession(t, i));
	const cal = (await admin.post('/api/calibration/sessions', { submission_id: sessions[0].id })).json;
	assert.equal((await admin.post(`/api/calibration/sessions/${cal.id}/trainees`, { trainee_ids: [trainee.id] })).status, 201);
	browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

test('the supervisor opens the dashboard, the drift, calibration and the lab figures', async () => {
	await signIn(page, srv.url, supervisor);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Reliability' }).click();
	await page.getByRole('heading', { level: 1, name: 'Reliability' }).waitFor();
	await page.getByText('Shown: ICC(1,1), one-way random effects').waitFor();
	await page.getByText('Approved double-rated sessions: 3').waitFor();
	const want = (await supervisor.client.get(`/api/reliability?instrument_id=${instrument.id}`)).json;
	const item2 = want.items.find((x) => x.item === '2' && x.facet === 'adherence');
	const row = page.locator('#rel-items tbody tr').filter({ hasText: '2. Exploration, curiosity' }).filter({ hasText: 'Adherence' });
	await row.waitFor();
	const cells = await row.locator('td').allTextContents();
	assert.equal(cells[1], item2.icc.ICC1.icc.toFixed(2), cells.join(' | '));
	assert.equal(cells[2], `${item2.icc.ICC1.ci_lower.toFixed(2)}–${item2.icc.ICC1.ci_upper.toFixed(2)}`);
	assert.equal(cells[3], '3');
	await page.locator('#rel-totals tbody tr').filter({ hasText: 'Total: Quality' }).waitFor();
	await page.getByRole('heading', { name: 'Coded interventions' }).waitFor();
	await assertAccessible(page, 'the reliability dashboard');

	await page.locator('nav.rel-tabs').getByRole('link', { name: 'Rater drift' }).click();
	await page.getByRole('heading', { level: 1, name: 'Rater drift' }).waitFor();
	const bjorn = page.locator('section.rel-rater').filter({ hasText: 'Bjørn Rater' });
	await bjorn.getByText('Outside the band', { exact: true }).waitFor();
	await bjorn.locator('tbody tr').filter({ hasText: '3. Challenging unwarranted beliefs' }).filter({ hasText: '+2.00' }).waitFor();
	await page.locator('section.rel-rater').filter({ hasText: 'Anna Rater' }).getByText('Every item is within the band.').waitFor();
	await bjorn.getByLabel('Show every item').check();
	await assertAccessible(page, 'the drift page');

	await page.locator('nav.rel-tabs').getByRole('link', { name: 'Calibration' }).click();
	await page.getByRole('heading', { level: 1, name: 'Calibration' }).waitFor();
	await page.locator('tr').filter({ hasText: 'Tia Trainee' }).getByText('Not yet').waitFor();
	await page.getByRole('button', { name: 'Open' }).first().click();
	await page.locator('#cal-detail').getByText('Tia Trainee').waitFor();
	await assertAccessible(page, 'the calibration page');

	await page.locator('nav.app-nav').getByRole('link', { name: 'Lab figures' }).click();
	await page.getByRole('heading', { level: 1, name: 'Lab figures' }).waitFor();
	await page.getByText('The lab: fewer than five therapists, so not shown.').waitFor();
	await assertAccessible(page, 'the lab figures');
	await signOut(page);
});

test('a rater in training rates the calibration session and sees the agreement with the master', async () => {
	await signIn(page, srv.url, trainee);
	await page.locator('nav.app-nav').getByRole('link', { name: 'My calibration' }).click();
	await page.getByRole('heading', { level: 1, name: 'My calibration' }).waitFor();
	await page.getByRole('heading', { name: 'To rate (1)' }).waitFor();
	await assertAccessible(page, 'my calibration before rating');
	await page.getByRole('link', { name: 'Rate the session' }).click();
	// The ordinary workspace, with the session's recording.
	await page.locator('video.ws-media').waitFor();
	const me = (await trainee.client.get('/api/me/calibration')).json;
	const rating = me.sessions[0].rating_id;
	await send(trainee.client, rating, scoreOps((v, j) => clamp(scoreA(0)(v, j) + (j === 0 ? 1 : 0))));
	assert.equal((await trainee.client.post(`/api/ratings/${rating}/submit`, {})).status, 200);
	await page.goto(`${srv.url}/my-calibration`);
	await page.getByRole('heading', { name: 'Rated (1)' }).waitFor();
	await page.getByRole('button', { name: 'Item by item' }).click();
	const first = page.locator('.rel-done tbody tr').first();
	await first.filter({ hasText: '1. Engagement, interest and warmth' }).waitFor();
	assert.deepEqual(await first.locator('td').allTextContents(), ['Quality', '2', '1', '+1']);
	await assertAccessible(page, 'my calibration after rating');
	await signOut(page);
});

test('the lab admin marks a calibration session, is told why a rater cannot train on it, and sets the band', async () => {
	await signIn(page, srv.url, srv.admin);
	await page.goto(`${srv.url}/reliability/calibration`);
	await page.getByRole('heading', { level: 2, name: 'Mark a calibration session' }).waitFor();
	await page.getByLabel('Session', { exact: true }).selectOption({ label: `Session #${sessions[1].id}, ${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${today}T00:00:00Z`))} – Kalibreringsklinikken` });
	await page.getByLabel('A copy of the approved consensus').check();
	await assertAccessible(page, 'the form that marks a calibration session');
	await page.getByRole('button', { name: 'Make it a calibration session' }).click();
	await page.getByRole('status').filter({ hasText: 'The calibration session is ready.' }).waitFor();
	const row = page.locator('tr').filter({ hasText: `Session #${sessions[1].id},` });
	await row.getByRole('button', { name: 'Open' }).click();
	await page.getByLabel('Rater in training', { exact: true }).selectOption({ label: 'Anna Rater' });
	await page.getByRole('button', { name: 'Assign', exact: true }).click();
	await page.getByRole('alert').filter({ hasText: 'This rater rated the session or made its consensus.' }).waitFor();
	await assertAccessible(page, 'a refused assignment');
	const cal = (await admin.get('/api/calibration/sessions')).json.items.find((s) => s.submission_id === sessions[1].id);
	assert.equal(cal.trainees.length, 0);

	await page.locator('nav.rel-tabs').getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('heading', { level: 1, name: 'Reliability settings' }).waitFor();
	await page.getByLabel('Band (points from the consensus)').fill('0');
	await page.getByRole('button', { name: 'Save the settings' }).click();
	await page.getByText('Give a number above 0 and at most 10.').waitFor();
	await page.getByLabel('Band (points from the consensus)').fill('1,5');
	await page.getByRole('button', { name: 'Save the settings' }).click();
	await page.getByRole('status').filter({ hasText: 'Settings saved.' }).waitFor();
	assert.equal((await admin.get('/api/lab-settings')).json.drift_band, 1.5);
	await assertAccessible(page, 'the settings');
	await signOut(page);
});
