// Issue 8 (part A) in real browsers against a real kvalab server: the therapist registers a client
// with consent to outcome monitoring, enters the intake answers and makes a one-time link with a
// QR code; the client opens the link on a phone-sized screen (375x667, a Norwegian phone: the
// questionnaire still comes in the link's language), is told which questions are unanswered,
// answers PHQ-9 and sends it once; the therapist then sees the trajectory, the reliable
// deterioration, the not-on-track flag and the risk answer, corrects the intake with a reason and
// sees both versions. axe-core checks every screen on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';
import { freshTotp } from '../lib/totp.mjs';
import { ROOT, assertAccessible, launchBrowser, waitForHealth } from '../lib/browser.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(page, name, { fullPage = true } = {}) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `outcomes-${name}.png`), fullPage });
}

let srv, therapist, desktop, phone, page, clientUrl, linkUrl, clientCode;

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	const admin = await adminClient(srv);
	await admin.patch('/api/me', { locale: 'en' });
	let inst = (await admin.post('/api/institutions', { name: 'Utfallsklinikken' })).json;
	inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
	therapist = await makeUser(srv, admin, 'therapist');
	await therapist.client.patch('/api/me', { locale: 'en', display_name: 'Tone Terapeut' });
	await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
	desktop = await launchBrowser({ locale: 'en-GB', viewport: { width: 1280, height: 900 } });
	page = desktop.page;
});

after(async () => {
	await phone?.close();
	await desktop?.close();
	await srv?.stop();
});

test('the therapist registers a client, enters the intake answers and makes a link with a QR code', async () => {
	await page.goto(`${srv.url}/`);
	await page.locator('#login-email').fill(therapist.email);
	await page.locator('#login-password').fill(therapist.password);
	await page.locator('#login-password').press('Enter');
	await page.locator('nav.app-nav').waitFor();
	await page.getByRole('navigation').getByRole('link', { name: 'Clients' }).click();
	await page.getByRole('heading', { level: 1, name: 'Clients' }).waitFor();
	await page.getByText('No clients in outcome monitoring yet').waitFor();
	await assertAccessible(page, 'the empty caseload');

	await page.getByRole('button', { name: 'Register a client' }).click();
	const dialog = page.locator('#register-client');
	await dialog.waitFor();
	await page.locator('#reg-institution').selectOption({ label: 'Utfallsklinikken' });
	await page.locator('#reg-age').selectOption('26_35');
	await assertAccessible(page, 'the registration dialog');
	await dialog.getByRole('button', { name: 'Register' }).click();
	await page.locator('#reg-consent-error').filter({ hasText: 'needs the client’s consent' }).waitFor();
	await page.getByLabel('The client consents to outcome monitoring').check();
	await dialog.getByRole('button', { name: 'Register' }).click();
	const heading = page.getByRole('heading', { level: 1, name: /^Client / });
	await heading.waitFor();
	clientCode = (await heading.textContent()).replace('Client ', '').trim();
	clientUrl = page.url();
	await page.getByText('Awaiting a second score').first().waitFor();

	// Intake from the paper form: "Several days" (1) on items 1-8, "Not at all" on item 9: 8.
	await page.getByRole('button', { name: 'Enter answers' }).click();
	const enter = page.locator('#enter-answers');
	await enter.waitFor();
	assert.equal(await page.locator('#enter-measure option:checked').textContent(), 'PHQ-9 (depression)', 'the primary measure first');
	for (let i = 1; i <= 8; i++) await page.locator(`#enter-item-${i}-1`).check();
	await page.locator('#enter-item-9-0').check();
	await assertAccessible(page, 'the answers dialog');
	await enter.getByRole('button', { name: 'Save the answers' }).click();
	await page.locator('.status-line').filter({ hasText: 'The answers are saved.' }).waitFor();
	await page.getByText('Intake: 8 (session 1).').waitFor();
	assert.equal(await page.locator('.oc-chart-point').count(), 1);

	await page.getByRole('button', { name: 'Send a link to answer' }).click();
	const link = page.locator('#client-link');
	await link.waitFor();
	assert.equal(await page.locator('#link-language').inputValue(), 'en');
	assert.equal(await page.locator('#link-session').inputValue(), '2');
	await link.getByRole('button', { name: 'Make the link' }).click();
	await page.getByRole('img', { name: 'QR code of the client’s link' }).waitFor();
	linkUrl = await page.locator('#client-link-url').inputValue();
	assert.match(linkUrl, /^http:\/\/127\.0\.0\.1:\d+\/q#[A-Za-z0-9_-]{43}$/);
	await assertAccessible(page, 'the new link with its QR code');
	await shot(page, 'link');
	await link.getByRole('button', { name: 'Done' }).click();
	await page.getByRole('cell', { name: /^Open until/ }).waitFor();
});

test('the client answers PHQ-9 on a phone through the link, once, in the link’s language', async () => {
	phone = await launchBrowser({ locale: 'nb-NO', viewport: { width: 375, height: 667 } });
	const p = phone.page;
	await p.goto(linkUrl);
	await p.getByRole('heading', { level: 1, name: 'PHQ-9 (depression)' }).waitFor();
	assert.equal(await p.evaluate(() => document.documentElement.lang), 'en');
	assert.equal(await p.evaluate(() => location.hash), '', 'the token leaves the address bar');
	assert.equal(await p.locator('nav, header').count(), 0, 'nothing else of kvalab is on the screen');
	assert.ok(!(await p.content()).includes(clientCode), 'nothing about the client is shown');
	await p.getByText('Over the last 2 weeks, how often have you been bothered by any of the following problems?').waitFor();
	assert.equal(await p.locator('.oc-q-item').count(), 10);
	await assertAccessible(p, 'the answer page on a phone');
	// Nothing wider than the phone; the choices are big enough to tap.
	assert.ok((await p.evaluate(() => document.documentElement.scrollWidth)) <= 375);
	const box = await p.locator('.oc-q-choice').first().boundingBox();
	assert.ok(box.height >= 44 && box.width >= 300, JSON.stringify(box));

	await p.getByRole('button', { name: 'Send my answers' }).click();
	const summary = p.locator('.oc-q-summary');
	await summary.filter({ hasText: '9 questions are not answered yet.' }).waitFor();
	assert.equal(await summary.getByRole('button').count(), 9);
	await shot(p, 'phone-unanswered', { fullPage: false });
	await assertAccessible(p, 'the answer page with unanswered questions');

	// Much worse than at intake: "Nearly every day" on 1-8 and "Several days" on item 9.
	const items = p.locator('.oc-q-item');
	for (let i = 0; i < 8; i++) await items.nth(i).getByText('Nearly every day').click();
	await items.nth(8).getByText('Several days').click();
	await p.getByText('9 of 9 answered').waitFor();
	assert.equal(await summary.count(), 0, 'the list of unanswered questions empties as they are answered');
	await shot(p, 'phone-answered');
	await p.getByRole('button', { name: 'Send my answers' }).click();
	await p.getByRole('heading', { level: 1, name: 'Thank you' }).waitFor();
	await p.getByText('Your answers have been sent to your therapist.').waitFor();
	await assertAccessible(p, 'the thank-you page');

	// Once: the same link again says so and changes nothing.
	await p.goto('about:blank');
	await p.goto(linkUrl);
	await p.getByText('The answers have been sent already.').waitFor();
	assert.equal(await p.evaluate(() => document.documentElement.lang), 'en');
	assert.deepEqual(phone.problems, []);
});

test('the therapist sees the trajectory, the not-on-track flag and the risk answer, and corrects with a reason', async () => {
	await page.goto(clientUrl);
	await page.getByText('Latest: 25 (session 2), a change of +17:').waitFor();
	const section = page.locator('section.oc-trajectory').first();
	await section.getByText('Reliably deteriorated').waitFor();
	await section.locator('.oc-flag').filter({ hasText: 'Not on track: the client is reliably worse than at intake' }).waitFor();
	await page.locator('.oc-flag').filter({ hasText: 'The latest answers need your attention' }).waitFor();
	assert.equal(await section.locator('.oc-chart-point').count(), 2);
	assert.equal(await section.locator('.oc-chart-point-alert').count(), 1);
	assert.equal(await section.locator('.oc-chart-cutoff').count(), 1);
	assert.equal(await section.locator('.oc-chart-rc').count(), 1);
	const chart = section.getByRole('img', { name: /Scores on PHQ-9/ });
	await chart.waitFor();
	await section.getByRole('cell', { name: 'The client (link)' }).waitFor();
	await page.getByText('The expected band appears when the lab has 50 clients').waitFor();
	await assertAccessible(page, 'the client with a deterioration');
	await shot(page, 'client');

	// The intake was typed wrong: item 1 was "More than half the days". A new version with a reason.
	await section.getByRole('button', { name: 'Correct session 1' }).click();
	const correct = page.locator('#correct-answers');
	await correct.waitFor();
	assert.ok(await page.locator('#correct-item-1-1').isChecked(), 'the form starts from the version corrected');
	await page.locator('#correct-item-1-2').check();
	await correct.getByRole('button', { name: 'Save the correction' }).click();
	await page.locator('#correct-reason-error').filter({ hasText: 'Say why' }).waitFor();
	await page.locator('#correct-reason').fill('Item 1 was typed wrong from the paper form.');
	await correct.getByRole('button', { name: 'Save the correction' }).click();
	await page.locator('.status-line').filter({ hasText: 'saved as a new version' }).waitFor();
	await page.getByText('Intake: 9 (session 1).').waitFor();
	await page.getByText('Latest: 25 (session 2), a change of +16:').waitFor();
	await section.getByRole('button', { name: 'Versions session 1' }).click();
	const history = page.locator('#answers-history');
	await history.getByRole('cell', { name: 'Item 1 was typed wrong from the paper form.' }).waitFor();
	await history.getByRole('cell', { name: 'First version' }).waitFor();
	await assertAccessible(page, 'the versions of an answer set');
	await history.getByRole('button', { name: 'Close' }).click();

	// The caseload puts the client first, with the flag and the risk answer.
	await page.getByRole('link', { name: 'Back to my clients' }).click();
	const row = page.locator('tbody tr').first();
	await row.getByRole('link', { name: clientCode }).waitFor();
	await row.getByText('Not on track').waitFor();
	await row.getByText('Risk answer').waitFor();
	await assertAccessible(page, 'the caseload');

	await page.getByRole('link', { name: 'My effectiveness' }).click();
	await page.getByRole('heading', { level: 1, name: 'My effectiveness' }).waitFor();
	await page.getByText('No treatment with a follow-up score ended in this period.').waitFor();
	await assertAccessible(page, 'my effectiveness');
	assert.deepEqual(desktop.problems, []);
});

test('the lab admin reaches the aggregates from the overview, and sees no figures below five therapists', async () => {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.locator('#login-email').fill(srv.admin.email);
	await page.locator('#login-password').fill(srv.admin.password);
	await page.locator('#login-password').press('Enter');
	const code = await freshTotp(srv.admin.totpSecret, srv.admin.lastCode);
	srv.admin.lastCode = code;
	await page.locator('#login-totp').fill(code);
	await page.locator('#login-totp').press('Enter');
	await page.locator('nav.app-nav').waitFor();
	assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'Clients' }).count(), 0);
	await page.getByRole('link', { name: 'Client outcomes' }).click();
	await page.getByRole('heading', { level: 1, name: 'Client outcomes' }).waitFor();
	const phq = page.locator('section.card').filter({ has: page.getByRole('heading', { name: 'PHQ-9 (depression)' }) });
	await phq.getByText('Fewer than 5 therapists have ended treatments on this measure (0 so far)').waitFor();
	await assertAccessible(page, 'the aggregates');
	assert.deepEqual(desktop.problems, []);
});
