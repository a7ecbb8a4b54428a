// Issue 5 in a real browser against a real kvalab server: the lab admin assigns two raters from the
// inbox; rater A plays the generated test recording, codes five interventions with the keyboard,
// is told which scores are missing, scores the form, goes offline and codes two more (kept in the
// browser), reloads while the server still cannot be reached, comes back and sees all seven saved,
// and submits; rater B codes and scores too, and meets changes made in another tab (version
// conflict), a numbering that is off (out of order) and a copy of the same tab; the comparison shows the differences; rater B makes the consensus from rater A's rating
// and submits it; the supervisor approves. Then the supervisor reopens a rating and sends a
// consensus back, and the lab admin ends an assignment and assigns another rater. axe-core checks
// the queue, the workspace (with the code picker, after a conflict, the shortcuts dialog), the
// comparison and the forms of the inbox's details.
//
// Set-up goes through the API (tests/lib/flow.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient } from '../lib/client.mjs';
import { assign, fillRating, setupLab, submissionWithRecording, withTotp } from '../lib/flow.mjs';
import { ROOT, assertAccessible, launchBrowser, signIn, signOut, waitForHealth } from '../lib/browser.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(page, name, { fullPage = true } = {}) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

let srv, admin, lab, therapist, supervisor, raterA, raterB, sub, browser, page;

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	await admin.patch('/api/me', { locale: 'en' });
	lab = await setupLab(srv, admin, { institution: 'Skåringsklinikken', supervisor: { locale: 'en', display_name: 'Siri Supervisor' } });
	({ therapist, supervisor } = lab);
	await therapist.client.patch('/api/me', { locale: 'en', display_name: 'Tone Terapeut' });
	raterA = await withTotp(srv, admin, 'rater', { locale: 'en', display_name: 'Anna Rater' });
	raterB = await withTotp(srv, admin, 'rater', { locale: 'en', display_name: 'Bjørn Rater' });
	sub = await newSubmission();
	browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
	page = browser.page;
});

// A requisition with a verified recording (set up through the API).
const newSubmission = () => submissionWithRecording(lab, { sessionNumber: 7, fields: { questions: 'Do I challenge enough?' } });

after(async () => {
	await browser?.close();
	await srv?.stop();
});

const video = () => page.locator('video.ws-media');
const currentTime = () => video().evaluate((v) => v.currentTime);
const saved = () => page.locator('.ws-save[data-status="saved"]').waitFor();

async function ratingOf(rater) {
	const q = (await rater.client.get('/api/me/assignments')).json.items.find((a) => a.submission_id === sub.id);
	return (await admin.get(`/api/ratings/${q.rating_id}`)).json;
}

// Marks at the current time: a point (M, Enter) or, after moving on, a span (M ... M).
async function codeWithKeys(code, quality, { note } = {}) {
	await page.waitForFunction(() => document.activeElement?.id === 'ws-code');
	await page.keyboard.type(code);
	await page.keyboard.press('Enter');
	if (quality) await page.keyboard.press(String(quality));
	if (note) {
		await page.locator('#ws-note').fill(note);
		await page.locator('#ws-note').press('Enter');
	} else await page.keyboard.press('Enter');
	await page.locator('.ws-picker').waitFor({ state: 'detached' });
}

async function scoreAll(value, except = {}) {
	const keys = await page.locator('fieldset.ws-scale').evaluateAll((els) => els.map((e) => e.id));
	for (const id of keys) {
		const v = except[id] ?? value;
		await page.locator(`#${id} input`).first().focus();
		await page.keyboard.press(String(v));
	}
}

test('the lab admin assigns two raters from the inbox', async () => {
	await signIn(page, srv.url, srv.admin);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Inbox' }).click();
	await page.getByRole('button', { name: /^Details/ }).first().click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('heading', { name: 'Raters', exact: true }).waitFor();
	await dialog.getByText('No raters are assigned yet.').waitFor();
	await dialog.getByLabel('Rater 1').selectOption({ label: `Anna Rater (${raterA.email})` });
	await dialog.getByLabel('Rater 2').selectOption({ label: `Bjørn Rater (${raterB.email})` });
	await assertAccessible(page, 'the assignment form');
	await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
	await dialog.getByRole('row').filter({ hasText: 'Anna Rater' }).filter({ hasText: 'In progress' }).waitFor();
	await dialog.getByRole('row').filter({ hasText: 'Bjørn Rater' }).waitFor();
	await shot(page, 'ws-0-assigned');
	const a = (await admin.get(`/api/submissions/${sub.id}/assignments`)).json.items;
	assert.deepEqual(a.map((x) => x.rater_id).sort(), [raterA.id, raterB.id].sort());
	assert.equal((await admin.get(`/api/submissions/${sub.id}`)).json.state, 'assigned');
	await page.keyboard.press('Escape');
	await signOut(page);
});

test('rater A codes with the keyboard, scores, keeps working offline and submits', async () => {
	await signIn(page, srv.url, raterA);
	assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Overview', 'My ratings', 'Feedback', 'My calibration', 'API tokens', 'Account']);
	await page.locator('nav.app-nav').getByRole('link', { name: 'My ratings' }).click();
	await page.getByRole('heading', { level: 2, name: 'To rate (1)' }).waitFor();
	await page.getByText('Do I challenge enough?').waitFor();
	await assertAccessible(page, 'the rater’s queue');
	await shot(page, 'ws-1-queue');
	await page.getByRole('link', { name: /^Open the rating/ }).click();
	await page.getByRole('heading', { level: 1, name: /^Rating – Session 7/ }).waitFor();
	await page.waitForFunction(() => document.querySelector('video')?.readyState >= 2);

	/* Plays: K starts, K pauses. */
	await page.keyboard.press('k');
	await page.waitForFunction(() => document.querySelector('video').currentTime > 1.2);
	await page.keyboard.press('k');
	await page.waitForFunction(() => document.querySelector('video').paused);
	assert.equal(await video().evaluate((v) => v.error), null);

	/* Speed, frame step and skip keys. */
	await page.keyboard.press(']');
	assert.equal(await video().evaluate((v) => v.playbackRate), 1.25);
	await page.keyboard.press('[');
	await page.keyboard.press('[');
	assert.equal(await video().evaluate((v) => v.playbackRate), 0.75);
	await page.locator('#ws-speed').selectOption('1');
	await video().evaluate((v) => { v.currentTime = 0; });
	await page.locator('h1').focus();
	await page.keyboard.press('l');
	assert.ok(Math.abs((await currentTime()) - 5) < 0.05);
	await page.keyboard.press('.');
	await page.keyboard.press('.');
	assert.ok(Math.abs((await currentTime()) - 5.08) < 0.02, String(await currentTime()));
	await page.keyboard.press(',');
	await page.keyboard.press(',');

	/* 1: a point at 0:05 coded 16, quality 5. */
	await page.keyboard.press('m');
	await page.locator('.ws-marking').filter({ hasText: 'Marking from 0:05.0' }).waitFor();
	await page.keyboard.press('Enter');
	await page.locator('.ws-picker').getByRole('heading', { name: 'New intervention at 0:05.0' }).waitFor();
	await assertAccessible(page, 'the workspace with the code picker');
	await shot(page, 'ws-2-picker');
	await codeWithKeys('16', 5);
	/* 2: a span 0:08–0:11 coded 2. */
	await page.keyboard.press('j');
	await page.keyboard.press('l');
	await video().evaluate((v) => { v.currentTime = 8; });
	await page.keyboard.press('m');
	await page.keyboard.press('l');
	await video().evaluate((v) => { v.currentTime = 11; });
	await page.keyboard.press('m');
	await codeWithKeys('2', 6);
	/* 3–5: points at 0:13, 0:16 and 0:18. */
	for (const [at, code, q] of [[13, '3', 3], [16, 'outside', 0], [18, '9', 4]]) {
		await video().evaluate((v, s) => { v.currentTime = s; }, at);
		await page.keyboard.press('m');
		await page.keyboard.press('Enter');
		await codeWithKeys(code, q);
	}
	await page.locator('#ws-list [role="option"]').nth(4).waitFor();
	assert.equal(await page.locator('#ws-list [role="option"]').count(), 5);
	await saved();
	let r = await ratingOf(raterA);
	assert.deepEqual(r.interventions.map((x) => [x.start_ms, x.end_ms, x.code, x.quality]), [
		[5000, null, '16', 5], [8000, 11000, '2', 6], [13000, null, '3', 3], [16000, null, 'outside_manual', null], [18000, null, '9', 4],
	]);
	assert.equal(r.interventions[3].within_manual, false);
	assert.equal(r.interventions[0].within_manual, true);

	/* The list follows the video, and moves and deletes from the keyboard with undo. */
	await video().evaluate((v) => { v.currentTime = 13.5; });
	await page.locator('#ws-list [aria-current="true"]').filter({ hasText: '0:13.0' }).waitFor();
	await page.locator('#ws-list').focus();
	await page.keyboard.press('Home');
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await page.locator('#ws-list [aria-selected="true"]').filter({ hasText: '0:05.2' }).waitFor();
	await page.keyboard.press('Delete');
	await page.locator('#ws-list [role="option"]').nth(3).waitFor();
	assert.equal(await page.locator('#ws-list [role="option"]').count(), 4);
	await page.locator('h1').focus();
	await page.keyboard.press('u');
	await page.locator('#ws-list [role="option"]').nth(4).waitFor();
	await saved();
	r = await ratingOf(raterA);
	assert.equal(r.interventions.length, 5);
	assert.equal(r.interventions[0].start_ms, 5200);

	/* Submitting now names the missing scores and jumps to the first. */
	await page.getByRole('button', { name: 'Submit the rating' }).first().click();
	await page.getByRole('dialog', { name: 'Submit the rating?' }).getByRole('button', { name: 'Submit the rating' }).click();
	const missing = page.getByRole('alert').filter({ hasText: 'Not submitted: 33 scores are missing' });
	await missing.waitFor();
	assert.equal(await missing.locator('li').first().textContent(), '1 Engagement, interest and warmth – Quality');
	await page.waitForFunction(() => document.activeElement?.closest('fieldset')?.id === 'score-1-quality');
	await shot(page, 'ws-3-missing');
	/* The counts of coded interventions per item. */
	assert.match(await page.locator('.ws-item').filter({ has: page.locator('#ws-item-16') }).locator('.ws-item-count').textContent(), /^1 coded$/);
	await scoreAll(4, { 'score-3-adherence': 2, 'score-global-quality': 5 });
	await page.locator('.ws-form').getByText('33 of 33 scores given').waitFor();
	await saved();
	await assertAccessible(page, 'the workspace with scores');

	/* Offline: two more interventions are kept in the browser. */
	await browser.context.setOffline(true);
	for (const [at, code] of [[2, '13'], [19, 'not_classifiable']]) {
		await video().evaluate((v, s) => { v.currentTime = s; }, at);
		await page.locator('h1').focus();
		await page.keyboard.press('m');
		await page.keyboard.press('Enter');
		await codeWithKeys(code, 0);
	}
	await page.locator('.ws-save[data-status="offline"]').filter({ hasText: '2 changes' }).waitFor();
	await shot(page, 'ws-4-offline', { fullPage: false });
	assert.equal((await ratingOf(raterA)).interventions.length, 5);
	/* Back on line, but the server still out of reach: reload; the queued changes survive. */
	await page.route('**/api/ratings/*/changes', (route) => route.abort());
	await browser.context.setOffline(false);
	await page.reload();
	await page.getByRole('heading', { level: 1, name: /^Rating/ }).waitFor();
	await page.locator('#ws-list [role="option"]').nth(6).waitFor();
	assert.equal(await page.locator('#ws-list [role="option"]').count(), 7);
	await page.locator('.ws-save[data-status="retrying"], .ws-save[data-status="saving"]').first().waitFor();
	assert.equal((await ratingOf(raterA)).interventions.length, 5);
	await page.unroute('**/api/ratings/*/changes');
	await page.locator('.ws-save[data-status="saved"]').waitFor({ timeout: 30000 });
	await page.reload();
	await page.locator('#ws-list [role="option"]').nth(6).waitFor();
	assert.equal(await page.locator('#ws-list [role="option"]').count(), 7);
	r = await ratingOf(raterA);
	assert.deepEqual(r.interventions.map((x) => x.code), ['13', '16', '2', '3', 'outside_manual', '9', 'not_classifiable']);
	assert.equal(r.scores['3'].adherence, 2);

	/* Submit. */
	await page.getByRole('button', { name: 'Submit the rating' }).first().click();
	await page.getByRole('dialog', { name: 'Submit the rating?' }).getByText('7 interventions coded.').waitFor();
	await page.getByRole('dialog', { name: 'Submit the rating?' }).getByRole('button', { name: 'Submit the rating' }).click();
	await page.getByText('The rating is submitted and locked.').waitFor();
	assert.equal((await ratingOf(raterA)).state, 'submitted');
	assert.equal(await page.getByRole('button', { name: 'Submit the rating' }).count(), 0);
	await shot(page, 'ws-5-submitted');
	await signOut(page);
});

test('rater B rates blind, meets a change from another tab, and submits', async () => {
	await signIn(page, srv.url, raterB);
	await page.locator('nav.app-nav').getByRole('link', { name: 'My ratings' }).click();
	await page.getByRole('link', { name: /^Open the rating/ }).click();
	await page.getByRole('heading', { level: 1, name: /^Rating/ }).waitFor();
	await page.waitForFunction(() => document.querySelector('video')?.readyState >= 1);
	/* Blind: nothing of rater A's work. */
	await page.getByText('No interventions coded yet.', { exact: false }).waitFor();
	for (const [at, code] of [[6, '16'], [13.5, '8'], [18.2, '9']]) {
		await video().evaluate((v, s) => { v.currentTime = s; }, at);
		await page.locator('h1').focus();
		await page.keyboard.press('m');
		await page.keyboard.press('Enter');
		await codeWithKeys(code, 4);
	}
	/* Dragging on the timeline moves an intervention; undo puts it back. */
	const mark16 = page.locator('rect.ws-tl-iv').first();
	const box = await mark16.boundingBox();
	const pxPerS = (await page.locator('svg.ws-timeline-svg').boundingBox()).width / 20;
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width / 2 + pxPerS / 2, box.y + box.height / 2, { steps: 4 });
	await page.mouse.move(box.x + box.width / 2 + pxPerS, box.y + box.height / 2, { steps: 4 });
	await page.mouse.up();
	await saved();
	let moved = (await ratingOf(raterB)).interventions.find((x) => x.code === '16');
	assert.ok(moved.start_ms > 6600 && moved.start_ms < 7400, `moved to ${moved.start_ms}`);
	await page.locator('h1').focus();
	await page.keyboard.press('u');
	await saved();
	moved = (await ratingOf(raterB)).interventions.find((x) => x.code === '16');
	assert.equal(moved.start_ms, 6000);

	await scoreAll(4, { 'score-1-quality': 7 });
	await saved();

	/* Another tab saves a change; this tab's next change meets a version conflict. */
	const mine = await ratingOf(raterB);
	const other = await raterB.client.post(`/api/ratings/${mine.id}/changes`, { client: 'other-tab', seq: 1, base_version: mine.version, ops: [{ op: 'score', item: '2', facet: 'quality', value: 6 }] });
	assert.equal(other.status, 200, other.text);
	await page.locator('#score-2-quality input[value="3"]').focus();
	await page.keyboard.press('3');
	const conflict = page.getByRole('alert').filter({ hasText: 'The rating was changed elsewhere' });
	await conflict.waitFor();
	await conflict.getByText('2 Exploration, curiosity and a not-knowing stance – Quality: you had 3, saved is 6').waitFor();
	await assertAccessible(page, 'the workspace after a conflict');
	await shot(page, 'ws-6-conflict', { fullPage: false });
	assert.equal(await page.locator('#score-2-quality input[value="6"]').isChecked(), true);
	await conflict.getByRole('button', { name: 'Continue with the saved rating' }).click();
	await page.locator('#score-2-quality input[value="5"]').focus();
	await page.keyboard.press('5');
	await saved();
	assert.equal((await ratingOf(raterB)).scores['2'].quality, 5);

	/* This tab's numbering is off (as after storage was cleared): the server says which number it
	 * expects, and the change goes again under that number. */
	const tab = await page.evaluate(() => sessionStorage.getItem('kvalab.tab'));
	const now = await ratingOf(raterB);
	const seqKey = `kvalab.autosave.${raterB.id}.${now.id}.seq.${tab}`;
	const last = Number(await page.evaluate((k) => localStorage.getItem(k), seqKey));
	assert.ok(last >= 30, `this tab has sent ${last} changes`);
	await page.evaluate(([k, n]) => { localStorage.setItem(k, n); sessionStorage.setItem(k, n); }, [seqKey, String(last + 5)]);
	await page.locator('#score-4-quality input[value="5"]').focus();
	await page.keyboard.press('5');
	await saved();
	assert.equal((await ratingOf(raterB)).scores['4'].quality, 5);
	assert.equal(Number(await page.evaluate((k) => localStorage.getItem(k), seqKey)), last + 1);

	/* A copy of this tab (a duplicated tab keeps the tab id) saves under the next number first: the
	 * server answers this tab's change as a replay, which does not hold it; shown as a conflict, and
	 * this tab takes a new id. */
	const after1 = await ratingOf(raterB);
	const copy = await raterB.client.post(`/api/ratings/${now.id}/changes`, { client: tab, seq: last + 2, base_version: after1.version, ops: [{ op: 'notes', text: 'From a copied tab' }] });
	assert.equal(copy.status, 200, copy.text);
	await page.locator('#score-4-quality input[value="6"]').focus();
	await page.keyboard.press('6');
	const again = page.getByRole('alert').filter({ hasText: 'The rating was changed elsewhere' });
	await again.getByText('4 Adaptation to mentalizing capacity – Quality: you had 6, saved is 5').waitFor();
	await again.getByText('The notes differ').waitFor();
	assert.equal(await page.locator('#ws-notes').inputValue(), 'From a copied tab');
	assert.notEqual(await page.evaluate(() => sessionStorage.getItem('kvalab.tab')), tab);
	await again.getByRole('button', { name: 'Continue with the saved rating' }).click();
	await page.locator('#score-4-quality input[value="6"]').focus();
	await page.keyboard.press('6');
	await saved();
	const after = await ratingOf(raterB);
	assert.equal(after.scores['4'].quality, 6);
	assert.equal(after.notes, 'From a copied tab');

	/* The shortcuts can be changed, and are kept. */
	await page.locator('h1').focus();
	await page.keyboard.press('?');
	const keys = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
	await keys.waitFor();
	await assertAccessible(page, 'the shortcuts dialog');
	await keys.getByRole('button', { name: 'Change Mark an intervention (press again to end a span)' }).click();
	await page.keyboard.press('Numpad5');
	await keys.getByText('cannot be used').waitFor();
	await page.keyboard.press('k');
	await keys.getByText('K is already used for “Play or pause”.').waitFor();
	await page.keyboard.press('i');
	await keys.getByText('“Mark an intervention (press again to end a span)” is now I.').waitFor();
	await keys.getByRole('button', { name: 'Close' }).last().click();
	assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem('kvalab.workspace.keys')).mark), 'i');
	await video().evaluate((v) => { v.currentTime = 3; });
	await page.locator('h1').focus();
	await page.keyboard.press('i');
	await page.locator('.ws-marking').waitFor();
	await page.keyboard.press('Escape');
	await page.locator('.ws-marking').waitFor({ state: 'detached' });
	await page.evaluate(() => localStorage.removeItem('kvalab.workspace.keys'));

	await page.getByRole('button', { name: 'Submit the rating' }).first().click();
	await page.getByRole('dialog', { name: 'Submit the rating?' }).getByRole('button', { name: 'Submit the rating' }).click();
	await page.getByText('The rating is submitted and locked.').waitFor();
	assert.equal((await admin.get(`/api/submissions/${sub.id}`)).json.state, 'rated');
});

test('the comparison shows the differences; rater B makes the consensus from rater A’s rating', async () => {
	await page.getByRole('link', { name: 'Back to my ratings' }).click();
	await page.getByRole('link', { name: /^Comparison and consensus/ }).click();
	await page.getByRole('heading', { level: 1, name: /^Comparison and consensus/ }).waitFor();
	await page.getByRole('heading', { name: 'Scores side by side' }).waitFor();
	/* Item 1 quality: 4 and 7. Item 3 adherence: 2 and 4. */
	const row1 = page.locator('tr.ws-differ').filter({ hasText: '1 Engagement, interest and warmth' });
	await row1.waitFor();
	assert.match(await row1.textContent(), /Quality.*4.*7.*3.*differs/);
	assert.equal(await page.locator('tr.ws-differ').filter({ hasText: '3 Challenging unwarranted beliefs' }).count(), 1);
	/* Interventions: 16 at 0:05.2 and 0:06 agree, 3 at 0:13 and 8 at 0:13.5 differ, 9 and 9 agree. */
	const iv = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Interventions matched in time' }) });
	await iv.getByText('3 pairs, 1 with different codes', { exact: false }).waitFor();
	assert.equal(await iv.locator('tr.ws-differ').count(), 1);
	assert.match(await iv.locator('tr.ws-differ').textContent(), /0:13\.0.*3.*0:13\.5.*8.*Codes differ/);
	await iv.getByRole('heading', { name: /^Only Rater A \(Anna Rater\) \(4\)$/ }).waitFor();
	await iv.getByRole('heading', { name: /^Only Rater B \(Bjørn Rater\) \(0\)$/ }).waitFor();
	await assertAccessible(page, 'the comparison');
	await shot(page, 'ws-7-comparison');

	await page.getByRole('button', { name: 'Start from Rater A (Anna Rater)' }).click();
	await page.getByRole('heading', { level: 1, name: /^Consensus/ }).waitFor();
	await page.locator('#ws-list [role="option"]').nth(6).waitFor();
	/* The consensus takes rater B's view on item 1. */
	await page.locator('#score-1-quality input').first().focus();
	await page.keyboard.press('6');
	await saved();
	await assertAccessible(page, 'the consensus workspace');
	await page.getByRole('button', { name: 'Submit the consensus' }).first().click();
	await page.getByRole('dialog', { name: 'Submit the consensus?' }).getByRole('button', { name: 'Submit the consensus' }).click();
	await page.getByText('The consensus is submitted and waits for the supervisor’s approval.').waitFor();
	assert.equal((await admin.get(`/api/submissions/${sub.id}`)).json.state, 'consensus');
	/* The raw ratings are unchanged. */
	assert.equal((await ratingOf(raterA)).scores['1'].quality, 4);
	await signOut(page);
});

test('the supervisor finds the consensus in the inbox and approves it', async () => {
	await signIn(page, srv.url, supervisor);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Inbox' }).click();
	await page.getByRole('button', { name: /^Consensus/ }).click();
	await page.getByRole('button', { name: /^Details/ }).first().click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('row').filter({ hasText: 'Anna Rater' }).filter({ hasText: 'Submitted' }).waitFor();
	await dialog.getByRole('link', { name: 'Review and approve the consensus' }).click();
	await page.getByRole('heading', { level: 1, name: /^Comparison and consensus/ }).waitFor();
	await page.getByText('The consensus is submitted and waits for the supervisor’s approval.').waitFor();
	/* The consensus column beside the raters. */
	assert.match(await page.locator('tr').filter({ hasText: '1 Engagement, interest and warmth' }).textContent(), /4.*7.*3.*6/);
	await assertAccessible(page, 'the supervisor’s review');
	await page.getByLabel('Comment').fill('Well argued.');
	await page.getByRole('button', { name: 'Approve the consensus' }).click();
	await page.getByRole('status').filter({ hasText: 'The consensus is approved.' }).waitFor();
	await page.getByText('The consensus is approved.').first().waitFor();
	await shot(page, 'ws-8-approved');
	assert.equal((await admin.get(`/api/submissions/${sub.id}`)).json.state, 'approved');
	await signOut(page);
});

test('the supervisor reopens a rating with a reason, and sends a consensus back with a comment', async () => {
	const two = await newSubmission();
	const a = await assign(lab, two.id, [raterA, raterB]);
	const ra = a.find((x) => x.rater_id === raterA.id).rating_id;
	const rb = a.find((x) => x.rater_id === raterB.id).rating_id;
	await fillRating(raterA.client, ra, { score: () => 4 });
	await fillRating(raterB.client, rb, { score: () => 5 });
	assert.equal((await admin.get(`/api/submissions/${two.id}`)).json.state, 'rated');

	await signIn(page, srv.url, supervisor);
	await page.goto(`${srv.url}/consensus/${two.id}`);
	await page.getByRole('heading', { level: 2, name: 'Reopen a rating' }).waitFor();
	await page.getByRole('button', { name: 'Reopen – Anna Rater' }).click();
	const dialog = page.getByRole('dialog', { name: 'Reopen the rating by Anna Rater?' });
	await dialog.getByRole('button', { name: 'Reopen' }).click();
	await dialog.getByText('Give a reason.').waitFor();
	await dialog.getByLabel('Reason').fill('Item 3 was overlooked.');
	await assertAccessible(page, 'the reopen dialog');
	await dialog.getByRole('button', { name: 'Reopen' }).click();
	await dialog.waitFor({ state: 'detached' });
	await page.getByRole('status').filter({ hasText: 'The rating is reopened.' }).waitFor();
	assert.equal((await admin.get(`/api/submissions/${two.id}`)).json.state, 'assigned');
	assert.equal((await admin.get(`/api/ratings/${ra}`)).json.reopen_reason, 'Item 3 was overlooked.');
	await signOut(page);

	/* Rater A sees why, corrects and submits again. */
	await signIn(page, srv.url, raterA);
	await page.goto(`${srv.url}/ratings/${ra}`);
	await page.getByText('Reopened by the supervisor: Item 3 was overlooked.').waitFor();
	await page.locator('#score-3-adherence input').first().focus();
	await page.keyboard.press('6');
	await saved();
	await page.getByRole('button', { name: 'Submit the rating' }).first().click();
	await page.getByRole('dialog', { name: 'Submit the rating?' }).getByRole('button', { name: 'Submit the rating' }).click();
	await page.getByText('The rating is submitted and locked.').waitFor();
	assert.equal((await admin.get(`/api/submissions/${two.id}`)).json.state, 'rated');

	/* Rater A starts the consensus from rater B's rating and submits it at once. */
	await page.goto(`${srv.url}/consensus/${two.id}`);
	await page.getByRole('button', { name: 'Start from Rater B (Bjørn Rater)' }).click();
	await page.getByRole('heading', { level: 1, name: /^Consensus/ }).waitFor();
	await page.getByRole('button', { name: 'Submit the consensus' }).first().click();
	await page.getByRole('dialog', { name: 'Submit the consensus?' }).getByRole('button', { name: 'Submit the consensus' }).click();
	await page.getByText('The consensus is submitted and waits for the supervisor’s approval.').waitFor();
	await signOut(page);

	/* The supervisor sends it back. */
	await signIn(page, srv.url, supervisor);
	await page.goto(`${srv.url}/consensus/${two.id}`);
	await page.getByLabel('Comment').fill('Look at item 16 again.');
	await page.getByRole('button', { name: 'Send back' }).click();
	await page.getByRole('status').filter({ hasText: 'The consensus is sent back to the raters.' }).waitFor();
	await page.getByText('Supervisor’s comment: Look at item 16 again.').waitFor();
	await page.getByText('The consensus is being made.').waitFor();
	assert.equal((await admin.get(`/api/submissions/${two.id}`)).json.state, 'rated');
	await signOut(page);

	/* Rater A finds it again, with the comment, and submits it anew. */
	await signIn(page, srv.url, raterA);
	await page.goto(`${srv.url}/consensus/${two.id}`);
	await page.getByRole('button', { name: 'Open the consensus' }).click();
	await page.getByText('Sent back by the supervisor: Look at item 16 again.').waitFor();
	await page.locator('#score-16-quality input').first().focus();
	await page.keyboard.press('3');
	await saved();
	await page.getByRole('button', { name: 'Submit the consensus' }).first().click();
	await page.getByRole('dialog', { name: 'Submit the consensus?' }).getByRole('button', { name: 'Submit the consensus' }).click();
	await page.getByText('The consensus is submitted and waits for the supervisor’s approval.').waitFor();
	assert.equal((await admin.get(`/api/submissions/${two.id}`)).json.state, 'consensus');
	await signOut(page);
});

test('the lab admin ends an assignment and assigns another rater', async () => {
	const three = await newSubmission();
	await assign(lab, three.id, [raterA]);
	await signIn(page, srv.url, srv.admin);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Inbox' }).click();
	await page.getByRole('button', { name: 'Raters assigned' }).click();
	await page.getByRole('button', { name: /^Details/ }).first().click();
	const dialog = page.getByRole('dialog');
	await dialog.getByRole('button', { name: 'End – Anna Rater' }).click();
	await dialog.getByRole('button', { name: 'End the assignment' }).click();
	await dialog.getByText('Give a reason.').waitFor();
	await dialog.getByLabel('Why end the assignment of Anna Rater?').fill('On leave');
	await dialog.getByRole('button', { name: 'End the assignment' }).click();
	await dialog.getByRole('row').filter({ hasText: 'Anna Rater' }).filter({ hasText: 'Ended' }).waitFor();
	await dialog.getByRole('heading', { name: 'Assign raters' }).waitFor();
	await dialog.getByLabel('Rater 1').selectOption({ label: `Bjørn Rater (${raterB.email})` });
	await dialog.getByRole('button', { name: 'One rater fewer' }).click();
	await assertAccessible(page, 'the raters after ending an assignment');
	await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
	await dialog.getByRole('row').filter({ hasText: 'Bjørn Rater' }).filter({ hasText: 'In progress' }).waitFor();
	const rows = (await admin.get(`/api/submissions/${three.id}/assignments`)).json.items;
	assert.deepEqual(rows.map((r) => [r.rater_id, !!r.ended_at]), [[raterA.id, true], [raterB.id, false]]);
	await page.keyboard.press('Escape');
	await signOut(page);
});

test('no page errors or blocked content along the way', () => {
	assert.deepEqual(browser.problems, []);
});
