// Deliberate practice in a real browser against a real kvalab server: a therapist whose session was
// rated, whose feedback was published and whose meeting agreed a goal (set up through the API) sees
// that goal due for review on the overview, adds a goal of their own, logs practice (and is told
// which field is wrong), sees the minutes in the weekly chart and its table, changes and deletes an
// entry, opens the recording of the goal's session from the practice page, and reads "My
// development" with the item scores beside the practice and the client outcomes. axe-core
// checks every page and dialog; no CSP violation or page error is allowed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient } from '../lib/client.mjs';
import { setupLab, withTotp, approvedSubmission, today } from '../lib/flow.mjs';
import { ROOT, assertAccessible, launchBrowser, signIn, waitForHealth } from '../lib/browser.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(page, name) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const DAY = 86400000;
const dayOffset = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
let srv, admin, lab, sub, goal, browser, page;

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	lab = await setupLab(srv, admin, { institution: 'Øvingsklinikken' });
	await lab.therapist.client.patch('/api/me', { locale: 'en', display_name: 'Tone Terapeut' });
	const r1 = await withTotp(srv, admin, 'rater');
	sub = await approvedSubmission(lab, [r1], { score: (item) => (['3', '8', '9'].includes(item) ? 2 : 5) });
	const s = lab.supervisor.client;
	const fb = (await s.get(`/api/submissions/${sub.id}/feedback`)).json;
	await s.put(`/api/submissions/${sub.id}/feedback`, { summary: 'Warm and curious; challenge more.', version: fb.version });
	assert.equal((await s.post(`/api/submissions/${sub.id}/feedback/publish`, {})).status, 200);
	const starts = new Date(Date.now() + 2 * DAY);
	starts.setUTCHours(13, 0, 0, 0);
	const m = (await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: starts.toISOString().replace('.000Z', 'Z'), duration_min: 45, link: 'https://meet.example/practice' })).json;
	const held = await s.post(`/api/meetings/${m.id}/held`, { notes: 'Good meeting.', goals: [{ item_id: '3', description: 'Challenge one belief a session', target: 'Quality 4 on item 3', review_date: dayOffset(30) }] });
	assert.equal(held.status, 200, held.text);
	goal = (await lab.therapist.client.get('/api/goals')).json.items[0];
	// The review date has come (moved back in the database, as time would).
	execFileSync('sqlite3', [join(srv.data, 'kvalab.db'), `UPDATE practice_goals SET review_date = '${dayOffset(-1)}' WHERE id = ${goal.id}`]);
	browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1300, height: 1000 } });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

const dialog = () => page.getByRole('dialog');

test('the therapist sees the goal due for review and opens the practice page', async () => {
	await signIn(page, srv.url, lab.therapist);
	await page.getByText('Practice goals due for review: 1.').waitFor();
	await assertAccessible(page, 'the overview with a goal due');
	await page.getByRole('link', { name: 'Open the practice page' }).click();
	await page.getByRole('heading', { level: 1, name: 'Deliberate practice' }).waitFor();
	const row = page.locator('table.pr-goals tbody tr').filter({ hasText: 'Challenge one belief a session' });
	await row.getByText('Due for review').waitFor();
	await row.getByText('From the feedback meeting').waitFor();
	await row.getByText(/Item 3:/).waitFor();
	await page.getByRole('heading', { name: 'Due for review: 1' }).waitFor();
	await assertAccessible(page, 'the practice page');
	await shot(page, 'practice-1-page');
});

test('a goal of one\'s own', async () => {
	await page.getByRole('button', { name: 'Add a goal of your own' }).click();
	await dialog().getByRole('heading', { name: 'A goal of your own' }).waitFor();
	await dialog().getByLabel('What do you want to practise?').fill('Stop and rewind when I lose track');
	await dialog().getByLabel('Target').fill('Twice a session');
	const scale = dialog().getByLabel('Item of a rating scale');
	await scale.locator('option', { hasText: 'MBT' }).first().waitFor({ state: 'attached' });
	await scale.selectOption({ label: (await scale.locator('option', { hasText: 'MBT' }).first().textContent()).trim() });
	await dialog().getByLabel('Item', { exact: true }).selectOption('12');
	await assertAccessible(page, 'the goal dialog');
	await dialog().getByRole('button', { name: 'Add the goal' }).click();
	await dialog().waitFor({ state: 'detached' });
	const row = page.locator('table.pr-goals tbody tr').filter({ hasText: 'Stop and rewind when I lose track' });
	await row.getByText('Your own').waitFor();
	await row.getByText(/Item 12:/).waitFor();
});

test('the therapist logs practice, is told what is wrong, and sees the weekly chart', async () => {
	// Nothing logged yet: the chart shows empty weeks.
	assert.equal(await page.locator('svg.pr-svg rect.pr-bar').count(), 0);
	await page.getByRole('button', { name: 'Log practice', exact: true }).click();
	await dialog().getByRole('heading', { name: 'Log practice' }).waitFor();
	await dialog().getByLabel('Minutes').fill('700');
	await dialog().getByLabel('Activity').selectOption({ label: 'Rehearsal with a simulated client' });
	await dialog().getByRole('button', { name: 'Save' }).click();
	await dialog().getByText('Enter a whole number of minutes from 1 to 600.').waitFor();
	await dialog().getByText('This field is required.').waitFor();
	await assertAccessible(page, 'the log dialog with errors');
	await dialog().getByLabel('Minutes').fill('45');
	await dialog().getByLabel('Domain it trains').selectOption({ label: 'Relationship' });
	await dialog().getByLabel('Goal it serves').selectOption({ label: `Challenge one belief a session (${goal.item_label})` });
	await dialog().getByLabel('Reflection').fill('Rehearsed challenging with a colleague as the client.');
	await dialog().getByRole('button', { name: 'Save' }).click();
	await dialog().waitFor({ state: 'detached' });
	await page.getByRole('status').filter({ hasText: 'Saved: 45 minutes' }).waitFor();
	// A second entry, for the own goal, a week earlier.
	await page.getByRole('button', { name: 'Log practice', exact: true }).click();
	await dialog().getByLabel('Date').fill(dayOffset(-7));
	await dialog().getByLabel('Minutes').fill('30');
	await dialog().getByLabel('Activity').selectOption({ label: 'Reading' });
	await dialog().getByLabel('Domain it trains').selectOption({ label: 'Therapist factors' });
	const goalSelect = dialog().getByLabel('Goal it serves');
	await goalSelect.selectOption({ label: (await goalSelect.locator('option', { hasText: 'Stop and rewind' }).textContent()).trim() });
	await dialog().getByRole('button', { name: 'Save' }).click();
	await dialog().waitFor({ state: 'detached' });

	// The chart: two goals in two weeks, the same figures in the table.
	await page.getByText('75 minutes in the last 12 weeks.').waitFor();
	const chart = page.locator('#pr-weekly');
	assert.equal(await chart.locator('svg rect.pr-bar').count(), 2);
	const legend = await chart.locator('.pr-legend li').allTextContents();
	assert.equal(legend.length, 2);
	assert.ok(legend.some((l) => l.includes('Challenge one belief a session')));
	assert.ok(legend.some((l) => l.includes('Stop and rewind')));
	const rows = chart.locator('table tbody tr');
	assert.equal(await rows.count(), 12);
	const lastRow = (await rows.nth(11).locator('td').allTextContents()).map((s) => s.trim());
	assert.equal(lastRow[lastRow.length - 1], '45');
	const before = (await rows.nth(10).locator('td').allTextContents()).map((s) => s.trim());
	assert.equal(before[before.length - 1], '30');
	// Bars are as tall as their minutes: 45 over 30.
	const heights = await chart.locator('svg rect.pr-bar').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('height'))));
	assert.ok(Math.abs(heights[1] / heights[0] - 45 / 30) < 0.01, String(heights));
	await page.locator('svg.pr-svg title').first().waitFor({ state: 'attached' });
	// The goal sums its practice; the log lists both entries, newest first.
	await page.locator('table.pr-goals tbody tr').filter({ hasText: 'Challenge one belief a session' }).getByRole('cell', { name: '45', exact: true }).waitFor();
	const log = page.locator('table.pr-log tbody tr');
	assert.equal(await log.count(), 2);
	assert.match(await log.first().textContent(), /Rehearsal with a simulated client/);
	await assertAccessible(page, 'the practice page with the chart');
	await shot(page, 'practice-2-chart');
});

test('changing and deleting an entry', async () => {
	const first = page.locator('table.pr-log tbody tr').first();
	await first.getByRole('button', { name: 'Change' }).click();
	await dialog().getByLabel('Minutes').fill('50');
	await dialog().getByRole('button', { name: 'Save' }).click();
	await dialog().waitFor({ state: 'detached' });
	await page.getByText('80 minutes in the last 12 weeks.').waitFor();
	await page.locator('table.pr-log tbody tr').nth(1).getByRole('button', { name: 'Delete' }).click();
	await dialog().getByRole('heading', { name: 'Delete this entry?' }).waitFor();
	await assertAccessible(page, 'the delete dialog');
	await dialog().getByRole('button', { name: 'Delete the entry' }).click();
	await dialog().waitFor({ state: 'detached' });
	await page.getByText('50 minutes in the last 12 weeks.').waitFor();
	assert.equal(await page.locator('table.pr-log tbody tr').count(), 1);
	const left = (await lab.therapist.client.get('/api/practice/log')).json.items;
	assert.deepEqual(left.map((e) => [e.minutes, e.activity]), [[50, 'simulated_client']]);
});

test('the recording of the goal\'s session is one click away, and watching it counts', async () => {
	const row = page.locator('table.pr-goals tbody tr').filter({ hasText: 'Challenge one belief a session' });
	await row.getByRole('button', { name: 'Watch the session' }).click();
	await dialog().getByRole('heading', { name: 'Watch your session' }).waitFor();
	await dialog().getByText('Watching your own recording counts as practice').waitFor();
	await dialog().getByRole('button', { name: 'Play the recording' }).or(dialog().locator('.player-closed button')).first().click();
	const video = dialog().locator('video.player-media');
	await video.waitFor();
	await page.waitForFunction(() => (document.querySelector('video.player-media')?.currentTime ?? 0) > 2.5);
	// Pausing reports the time watched in this viewing; the server logs it from half a minute on.
	const reported = page.waitForResponse((r) => r.url().endsWith('/api/practice/recording-review'));
	await dialog().getByRole('button', { name: 'Pause', exact: true }).click();
	const res = await reported;
	assert.equal(res.status(), 200);
	const sent = JSON.parse(res.request().postData());
	assert.ok(sent.seconds >= 2 && sent.seconds <= 10, JSON.stringify(sent));
	assert.match(sent.viewing, /^v_/);
	assert.equal((await res.json()).entry, null);
	await assertAccessible(page, 'the recording dialog');
	await dialog().getByRole('button', { name: 'Close' }).click();
	await dialog().waitFor({ state: 'detached' });
});

test('"My development": item scores beside practice and the client outcomes', async () => {
	await page.getByRole('link', { name: /See your development/ }).click();
	await page.getByRole('heading', { level: 1, name: 'My development' }).waitFor();
	const items = page.locator('table.pr-items');
	await items.waitFor();
	const item3 = items.locator('tbody tr').filter({ hasText: /^3\./ });
	assert.equal((await item3.locator('td').allTextContents()).map((s) => s.trim()).join(), '2');
	assert.ok(await items.locator('tbody tr').filter({ hasText: /^3\./ }).getByText('Goal').count());
	assert.equal(await page.locator('#dev-chart circle.pr-quality-dot').count(), 1);
	assert.ok((await page.locator('#dev-chart rect.pr-bar-minutes').count()) >= 1);
	// No clients in outcome monitoring yet: the caseload is empty and says so.
	await page.getByRole('heading', { name: 'Caseload today: 0 clients' }).waitFor();
	await page.getByText('No outcome measures in use yet.').waitFor();
	await page.getByLabel('Show in the chart').selectOption('3');
	await assertAccessible(page, 'My development');
	await shot(page, 'practice-3-development');
	assert.deepEqual(browser.problems, []);
});
