// Issue 6 in a real browser against a real kvalab server: a session is brought to an approved
// consensus through the API (two raters code and score, the consensus is made and approved); the
// supervisor opens the feedback editor beside the profile, writes the summary (saved by itself) and
// an improvement point with a clip marked from the recording, books the feedback meeting and
// publishes; the therapist opens My feedback, sees the profile's figures, plays the clip (the video
// stays within the clip and stops at its end), downloads the report (a PDF) and the calendar
// invitation, and sees the meeting; the supervisor marks the meeting held with a practice goal;
// the therapist sees the goal. axe-core on each screen.
//
// Set-up goes through the API (tests/lib/flow.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient } from '../lib/client.mjs';
import { approvedSubmission, setupLab, withTotp } from '../lib/flow.mjs';
import { ROOT, assertAccessible, launchBrowser, signIn, signOut, waitForHealth } from '../lib/browser.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(page, name) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

let srv, admin, therapist, supervisor, raterA, raterB, sub, browser, page;

// A rater's scores and coded interventions ([at, code]) at `value`: challenge (3, 8, 9) lower
// than support (1, 2, 13), a support-heavy balance.
const rating = (value, interventions) => ({
	score: (item) => (['3', '8', '9'].includes(item) ? Math.max(1, value - 2) : ['1', '2', '13'].includes(item) ? Math.min(7, value + 1) : value),
	interventions: interventions.map(([at, code]) => ({ start_ms: at, end_ms: null, code, within_manual: true, quality: value, note: '' })),
});

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	await admin.patch('/api/me', { locale: 'en' });
	const lab = await setupLab(srv, admin, { institution: 'Tilbakemeldingsklinikken', supervisor: { locale: 'en', display_name: 'Siri Supervisor' } });
	({ therapist, supervisor } = lab);
	await therapist.client.patch('/api/me', { locale: 'en', display_name: 'Tone Terapeut' });
	raterA = await withTotp(srv, admin, 'rater', { locale: 'en', display_name: 'Anna Rater' });
	raterB = await withTotp(srv, admin, 'rater', { locale: 'en', display_name: 'Bjørn Rater' });

	/* A requisition with a verified 20-second recording; two raters, the consensus from rater A's
	 * rating, approved by the supervisor. */
	sub = await approvedSubmission(lab, [raterA, raterB], {
		fields: { questions: 'Do I challenge enough?' },
		ratings: [
			rating(4, [[2000, '16'], [5000, '16'], [8000, '2'], [12000, '13'], [15000, '3']]),
			rating(5, [[2100, '16'], [8200, '2'], [15500, '16']]),
		],
		comment: 'Agreed.',
	});
	assert.equal((await admin.get(`/api/submissions/${sub.id}`)).json.state, 'approved');

	browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

async function downloaded(dl) {
	const stream = await dl.createReadStream();
	const chunks = [];
	for await (const c of stream) chunks.push(c);
	return Buffer.concat(chunks);
}

const saved = () => page.locator('.fb-save[data-status="saved"]').waitFor();

/* Marks the clip's start or end from the player. The player learns its position from the
 * video's events, which may arrive a moment after the seek the test made: press again until the
 * field shows the time (as a user would), for at most two seconds. */
async function markClip(form, which, expected) {
	const field = form.getByLabel(`Clip 1: ${which}`);
	for (let i = 0; i < 20; i++) {
		await form.getByRole('button', { name: `Mark ${which} of clip 1` }).click();
		if ((await field.inputValue()) === expected) return;
		await page.waitForTimeout(100);
	}
	assert.equal(await field.inputValue(), expected);
}

test('the supervisor writes the feedback beside the profile, with a clip', async () => {
	await signIn(page, srv.url, supervisor);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Feedback' }).click();
	await page.getByRole('heading', { level: 1, name: 'Feedback' }).waitFor();
	const row = page.getByRole('row').filter({ hasText: 'Tone Terapeut' }).filter({ hasText: 'session 7' });
	await row.waitFor();
	await assertAccessible(page, 'the staff feedback list');
	await row.getByRole('link', { name: /– Tone Terapeut/ }).first().click();
	await page.getByRole('heading', { level: 1, name: /^Feedback – Tone Terapeut/ }).waitFor();
	await page.getByRole('figure', { name: 'Adherence and quality per item' }).waitFor();
	await page.getByRole('figure', { name: 'Your interventions by type' }).waitFor();
	await page.getByRole('figure', { name: 'Support and challenge' }).first().waitFor();
	await page.getByText('You support more than you challenge.', { exact: false }).first().waitFor();
	await assertAccessible(page, 'the feedback editor');
	await shot(page, 'fb-real-1-editor');

	/* The summary saves itself. */
	await page.locator('#fb-summary').fill('Warm and curious throughout. Next step: challenge a little more.');
	await saved();
	let f = (await supervisor.client.get(`/api/submissions/${sub.id}/feedback`)).json;
	assert.equal(f.summary, 'Warm and curious throughout. Next step: challenge a little more.');

	/* An improvement point started from the profile, with a clip taken from the player. */
	await page.getByRole('button', { name: /^Start a point to work on: 3 Challenging unwarranted beliefs/ }).first().click();
	const form = page.locator('form.fb-point-form');
	await form.waitFor();
	assert.equal(await form.locator('#pf-new-item').inputValue(), '3');
	await form.getByLabel('Title').fill('Question what is taken for granted');
	await form.getByLabel('Advice').fill('When the patient states a belief as a fact, wonder aloud whether it is so.');
	await form.getByRole('button', { name: 'Add a clip' }).click();
	await page.locator('.fb-editor-player').getByRole('button', { name: 'Play the recording' }).click();
	const video = page.locator('.fb-editor-player video');
	await page.waitForFunction(() => document.querySelector('.fb-editor-player video')?.readyState >= 2);
	await video.evaluate((v) => { v.pause(); v.currentTime = 5; });
	await page.waitForFunction(() => Math.abs(document.querySelector('.fb-editor-player video').currentTime - 5) < 0.05);
	await markClip(form, 'start', '0:05');
	await video.evaluate((v) => { v.currentTime = 9; });
	await page.waitForFunction(() => Math.abs(document.querySelector('.fb-editor-player video').currentTime - 9) < 0.05);
	await markClip(form, 'end', '0:09');
	await form.getByLabel('Clip 1: what it shows').fill('The belief passes without a question.');
	await assertAccessible(page, 'the point form');
	await form.getByRole('button', { name: 'Save the point' }).click();
	await page.getByRole('status').filter({ hasText: 'The point is added.' }).waitFor();
	f = (await supervisor.client.get(`/api/submissions/${sub.id}/feedback`)).json;
	assert.equal(f.points.length, 1);
	assert.equal(f.points[0].kind, 'improvement');
	assert.equal(f.points[0].item_id, '3');
	assert.deepEqual(f.points[0].clips.map((c) => [c.start_ms, c.end_ms, c.label]), [[5000, 9000, 'The belief passes without a question.']]);

	/* A clip past the end of the recording is refused at its field. */
	await page.getByRole('button', { name: 'Add a point' }).click();
	const second = page.locator('form.fb-point-form');
	await second.getByLabel('Title').fill('Too long');
	await second.getByRole('button', { name: 'Add a clip' }).click();
	await second.getByLabel('Clip 1: start').fill('0:10');
	await second.getByLabel('Clip 1: end').fill('5:00');
	await second.getByRole('button', { name: 'Save the point' }).click();
	await second.locator('#pf-new-clip-0-end-error').waitFor();
	await second.getByRole('button', { name: 'Cancel' }).click();

	/* The preview is the therapist's page. */
	await page.getByRole('button', { name: 'Preview as the therapist sees it' }).click();
	await page.getByRole('heading', { level: 2, name: 'In two minutes' }).waitFor();
	await page.getByText('Question what is taken for granted').first().waitFor();
	await assertAccessible(page, 'the preview');
	await page.getByRole('button', { name: 'Back to the editor' }).click();
});

test('the supervisor books the meeting and publishes', async () => {
	const panel = page.locator('.fb-meeting-panel');
	await panel.getByRole('button', { name: 'Book the meeting' }).click();
	const when = new Date(Date.now() + 2 * 864e5);
	when.setHours(14, 0, 0, 0);
	const p = (n) => String(n).padStart(2, '0');
	await panel.getByLabel('Date and time').fill(`${when.getFullYear()}-${p(when.getMonth() + 1)}-${p(when.getDate())}T14:00`);
	await panel.getByLabel('Length in minutes').fill('45');
	await panel.getByLabel('Video meeting link').fill('https://meet.example.org/feedback-7');
	await assertAccessible(page, 'the booking form');
	await panel.getByRole('button', { name: 'Book and send the invitations' }).click();
	await page.getByRole('status').filter({ hasText: 'The meeting is booked' }).waitFor();
	await panel.getByRole('heading', { name: 'Mail to the participants' }).waitFor();
	const m = (await supervisor.client.get(`/api/submissions/${sub.id}/meetings`)).json.items;
	assert.equal(m.length, 1);
	assert.equal(m[0].state, 'scheduled');
	assert.equal(Date.parse(m[0].starts_at), when.getTime());
	assert.ok(m[0].participants.some((x) => x.id === therapist.id), 'the therapist is invited');
	assert.equal(await panel.getByRole('button', { name: 'The meeting was held…' }).isDisabled(), true, 'held only after publishing');
	await assertAccessible(page, 'the meeting panel');
	await shot(page, 'fb-real-2-meeting');

	await page.getByRole('button', { name: 'Publish…' }).click();
	const dialog = page.getByRole('dialog', { name: 'Publish the feedback?' });
	await assertAccessible(page, 'the publish dialog');
	await dialog.getByRole('button', { name: 'Publish' }).click();
	await page.getByRole('status').filter({ hasText: 'The feedback is published' }).waitFor();
	const f = (await supervisor.client.get(`/api/submissions/${sub.id}/feedback`)).json;
	assert.ok(f.published_at);
	assert.equal((await admin.get(`/api/submissions/${sub.id}`)).json.state, 'feedback_published');
	await signOut(page);
});

test('the therapist opens the feedback, plays the clip, downloads the report and sees the meeting', async () => {
	await signIn(page, srv.url, therapist);
	await page.locator('nav.app-nav').getByRole('link', { name: 'My feedback' }).click();
	await page.getByRole('heading', { level: 1, name: 'My feedback' }).waitFor();
	await assertAccessible(page, 'My feedback');
	await page.getByRole('link', { name: /^Open the feedback on/ }).first().click();
	await page.getByRole('heading', { level: 1, name: /^Feedback on the session of/ }).waitFor();

	/* The two-minute summary and the profile's figures. */
	await page.getByText('Warm and curious throughout. Next step: challenge a little more.').waitFor();
	await page.locator('.fb-glance-work').getByText('Question what is taken for granted').waitFor();
	for (const name of ['Support and challenge', 'Adherence and quality per item', 'Your interventions by type']) await page.getByRole('figure', { name }).first().waitFor();
	assert.ok(await page.locator('figure .fb-bar-quality').count() > 10, 'item bars');
	await page.locator('figure line.fb-good').first().waitFor({ state: 'attached' });
	await assertAccessible(page, 'the therapist’s feedback');
	await shot(page, 'fb-real-3-feedback');

	/* The clip plays from 0:05 and stops at 0:09. */
	await page.getByRole('button', { name: /^Play 0:05–0:09/ }).click();
	await page.waitForFunction(() => { const v = document.querySelector('.fb-player-box video'); return v && !v.paused && v.currentTime > 5.2; });
	const during = await page.locator('.fb-player-box video').evaluate((v) => v.currentTime);
	assert.ok(during >= 5 && during <= 9.4, `playing at ${during}`);
	await page.waitForFunction(() => document.querySelector('.fb-player-box video').paused, undefined, { timeout: 15000 });
	const end = await page.locator('.fb-player-box video').evaluate((v) => v.currentTime);
	assert.ok(end >= 8.8 && end <= 9.4, `stopped at ${end}`);

	/* The report. */
	const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the report (PDF)' }).first().click()]);
	assert.equal((await downloaded(pdf)).subarray(0, 4).toString(), '%PDF');

	/* The meeting, in this browser's time zone, and its invitation. */
	const meeting = page.locator('.fb-meeting');
	await meeting.getByText('Booked').waitFor();
	await meeting.getByRole('link', { name: /meet\.example\.org\/feedback-7/ }).waitFor();
	const [ics] = await Promise.all([page.waitForEvent('download'), meeting.getByRole('link', { name: 'Add to calendar (.ics)' }).click()]);
	assert.match((await downloaded(ics)).toString('utf8'), /BEGIN:VCALENDAR[\s\S]*BEGIN:VEVENT/);
	await assertAccessible(page, 'the feedback after playing the clip');
	await signOut(page);
});

test('the supervisor marks the meeting held with a practice goal', async () => {
	await signIn(page, srv.url, supervisor);
	await page.goto(`${srv.url}/feedback/${sub.id}/edit`);
	const panel = page.locator('.fb-meeting-panel');
	await panel.getByRole('button', { name: 'The meeting was held…' }).click();
	const form = panel.locator('form.fb-held');
	await form.getByLabel('Notes').fill('A good talk about challenging beliefs.');
	await form.getByLabel('Goal 1: target').fill('Quality 4 or more on item 3 in the next rated session');
	await form.getByLabel('Goal 1: review date').fill('2027-03-01');
	await assertAccessible(page, 'the held form');
	await form.getByRole('button', { name: 'Check and confirm…' }).click();
	const dialog = page.getByRole('dialog', { name: 'Mark the meeting as held?' });
	await dialog.getByText('countdown to the recording’s deletion', { exact: false }).waitFor();
	await dialog.getByRole('button', { name: 'Mark as held and close' }).click();
	await page.getByRole('status').filter({ hasText: 'The meeting is marked as held' }).waitFor();
	const goals = (await supervisor.client.get(`/api/goals?therapist_id=${therapist.id}`)).json.items;
	assert.deepEqual(goals.map((g) => [g.item_id, g.target, g.review_date, g.state]), [['3', 'Quality 4 or more on item 3 in the next rated session', '2027-03-01', 'active']]);
	assert.equal((await admin.get(`/api/submissions/${sub.id}`)).json.state, 'closed');
	await signOut(page);
});

test('the therapist sees the goal', async () => {
	await signIn(page, srv.url, therapist);
	await page.locator('nav.app-nav').getByRole('link', { name: 'My feedback' }).click();
	const goal = page.locator('.fb-goal').filter({ hasText: 'Quality 4 or more on item 3 in the next rated session' });
	await goal.waitFor();
	await goal.getByText('1 Mar 2027').waitFor();
	await assertAccessible(page, 'My feedback with a goal');
	await page.getByRole('link', { name: /^Open the feedback on/ }).first().click();
	await page.locator('.fb-goal').filter({ hasText: 'Quality 4 or more' }).waitFor();
	await page.getByText('Held', { exact: true }).first().waitFor();
	await assertAccessible(page, 'the feedback after the meeting');
	await shot(page, 'fb-real-4-goal');
	await signOut(page);
});

test('no page errors or blocked content along the way', () => {
	assert.deepEqual(browser.problems, []);
});
