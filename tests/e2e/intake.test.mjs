// Issue 3 in a real browser against a real kvalab server: the lab admin activates an institution's
// data processing agreement (set up through the API: institution, therapist as member and signatory,
// a draft with a signed PDF); the therapist runs the requisition wizard end to end — a new patient
// case, consent, session details with a fødselsnummer refused at the field, declarations, sending —
// and the lab admin finds the submission in the inbox; the institution admin sees the agreement and
// counts only. axe-core checks each new screen.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';
import { freshTotp } from '../lib/totp.mjs';
import { assertAccessible, launchBrowser, waitForHealth } from '../lib/browser.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const FNR = '15076500565';

let srv;
let browser;
let page;
let admin;
let therapist;
let inst;
let agreement;
let lastCode = '';

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	lastCode = srv.admin.lastCode ?? '';
	let r = await admin.patch('/api/me', { locale: 'en' });
	assert.equal(r.status, 200, r.text);

	r = await admin.post('/api/institutions', { name: 'Oslo MBT-klinikk', org_number: '974760673', country: 'NO', retention_days: 30 });
	assert.equal(r.status, 201, r.text);
	inst = r.json;
	therapist = await makeUser(srv, admin, 'therapist');
	r = await therapist.client.patch('/api/me', { locale: 'en', display_name: 'Tora Terapeut' });
	assert.equal(r.status, 200, r.text);
	r = await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [] });
	assert.equal(r.status, 200, r.text);
	r = await admin.post(`/api/institutions/${inst.id}/agreements`, {
		version: '2026-1', signed_date: '2026-01-10', valid_from: '2026-01-15', valid_until: '2028-12-31',
		manager_name: 'Mona Leder', manager_title: 'Avdelingssjef', manager_level: 'nivå 3', signatory_ids: [therapist.id],
	});
	assert.equal(r.status, 201, r.text);
	agreement = r.json;
	r = await admin.put(`/api/agreements/${agreement.id}/document`, undefined, { raw: PDF, headers: { 'content-type': 'application/pdf' } });
	assert.equal(r.status, 200, r.text);
	assert.equal(r.json.has_document, true);

	browser = await launchBrowser({ locale: 'en-GB' });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

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

async function loaded() {
	await page.locator('.loading').first().waitFor({ state: 'detached' });
}

test('the lab admin activates the institution’s agreement', async () => {
	await signInAdmin();
	await page.locator('nav.app-nav').getByRole('link', { name: 'Institutions' }).click();
	await page.getByRole('heading', { level: 1, name: 'Institutions' }).waitFor();
	await page.getByRole('link', { name: 'Oslo MBT-klinikk' }).waitFor();
	await assertAccessible(page, 'the institutions page');
	await page.getByRole('link', { name: 'Oslo MBT-klinikk' }).click();
	await page.getByRole('heading', { level: 1, name: 'Oslo MBT-klinikk' }).waitFor();
	await loaded();
	const row = page.getByRole('row').filter({ hasText: '2026-1' });
	await row.filter({ hasText: 'Draft' }).waitFor();
	await page.getByText('No agreement is in force', { exact: false }).waitFor();
	await page.getByRole('row').filter({ hasText: therapist.email }).waitFor();
	await assertAccessible(page, 'the institution page with a draft agreement');

	/* The signed PDF opens in a new tab from the API, and is a PDF. */
	const pdf = row.getByRole('link', { name: /View PDF/ });
	assert.equal(await pdf.getAttribute('target'), '_blank');
	const href = await pdf.getAttribute('href');
	const got = await page.evaluate(async (u) => {
		const r = await fetch(u);
		return { status: r.status, type: r.headers.get('content-type'), head: (await r.text()).slice(0, 5) };
	}, href);
	assert.deepEqual(got, { status: 200, type: 'application/pdf', head: '%PDF-' });

	await row.getByRole('button', { name: 'Activate version 2026-1' }).click();
	const dialog = page.getByRole('dialog', { name: 'Activate version 2026-1' });
	await dialog.waitFor();
	await assertAccessible(page, 'the activate confirmation');
	await dialog.getByRole('button', { name: 'Activate' }).click();
	await dialog.waitFor({ state: 'detached' });
	await row.filter({ hasText: 'In force' }).waitFor();
	await page.getByText('In force: version 2026-1', { exact: false }).waitFor();
	await page.getByRole('status').filter({ hasText: 'Version 2026-1 is now in force for Oslo MBT-klinikk.' }).waitFor();
	const r = await admin.get(`/api/agreements/${agreement.id}`);
	assert.equal(r.json.status, 'active');
	await signOut();
});

test('the therapist completes the requisition wizard', async () => {
	await page.locator('#login-email').fill(therapist.email);
	await page.locator('#login-password').fill(therapist.password);
	await page.locator('#login-password').press('Enter');
	await page.locator('nav.app-nav').waitFor();
	assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Overview', 'Submissions', 'Patient cases', 'Clients', 'My feedback', 'Practice', 'API tokens', 'Account']);
	await page.locator('nav.app-nav').getByRole('link', { name: 'Submissions' }).click();
	await page.getByText('You have not started any submissions.').waitFor();
	await assertAccessible(page, 'the therapist’s submissions');

	/* 1: a new pseudonymous case. */
	await page.getByRole('link', { name: 'New submission' }).click();
	await page.getByRole('heading', { level: 2, name: /Step 1 of 5/ }).waitFor();
	await loaded();
	assert.equal(await page.locator('#wc-institution option:checked').textContent(), 'Oslo MBT-klinikk');
	await page.locator('#wc-age').selectOption('36_45');
	await page.locator('#wc-gender').selectOption('male');
	await assertAccessible(page, 'wizard: patient case');
	await page.getByRole('button', { name: 'Save and continue' }).click();

	/* 2: consent, saved to the case. */
	await page.getByRole('heading', { level: 2, name: /Step 2 of 5: Consent/ }).waitFor();
	await loaded();
	const subId = Number(/\/submissions\/(\d+)\/consent$/.exec(page.url())?.[1]);
	assert.ok(subId > 0, `the draft exists on the server: ${page.url()}`);
	await page.locator('#cs-date').fill('2026-02-01');
	await page.getByRole('group', { name: 'Quality assurance' }).getByLabel('Yes').check();
	await page.getByRole('group', { name: 'Training of raters' }).getByLabel('Yes').check();
	await page.getByRole('group', { name: 'Research' }).getByLabel('No').check();
	await assertAccessible(page, 'wizard: consent');
	await page.getByRole('button', { name: 'Save and continue' }).click();

	/* 3: session details; a fødselsnummer in the questions is refused at the field. */
	await page.getByRole('heading', { level: 2, name: /Step 3 of 5: Session/ }).waitFor();
	await loaded();
	await page.locator('#ss-date').fill('2026-02-03');
	await page.locator('#ss-number').fill('12');
	await page.getByLabel('Middle').check();
	await page.getByLabel('Individual').check();
	const instruments = (await therapist.client.get('/api/instruments')).json.items;
	const mbt = instruments.find((i) => /^mbt-i/.test(i.code)) ?? instruments[0];
	assert.ok(mbt, 'the server has a rating scale loaded');
	await page.locator('#ss-instrument').selectOption(String(mbt.id));
	await page.locator('#ss-questions').fill(`The patient (${FNR}) said I was too kind. How do I challenge more?`);
	await page.getByRole('button', { name: 'Save and continue' }).click();
	await page.locator('#ss-questions-error').filter({ hasText: 'valid Norwegian national identity number' }).waitFor();
	assert.equal(await page.locator('#ss-questions').getAttribute('aria-invalid'), 'true');
	assert.ok(await page.locator('#ss-questions').evaluate((el) => el === document.activeElement), 'focus on the refused field');
	await assertAccessible(page, 'wizard: session with the identity number refused');
	let r = await therapist.client.get(`/api/submissions/${subId}`);
	assert.ok(!String(r.json.questions ?? '').includes(FNR), 'the number was not stored');
	await page.locator('#ss-questions').fill('The patient said I was too kind. How do I challenge more?');
	await page.getByRole('button', { name: 'Save and continue' }).click();

	/* 4: declarations and sending. */
	await page.getByRole('heading', { level: 2, name: /Step 4 of 5/ }).waitFor();
	await page.getByText('How do I challenge more?', { exact: false }).waitFor();
	await page.getByLabel(/The patient gave written consent/).check();
	await page.getByLabel(/The recording contains no full names/).check();
	await assertAccessible(page, 'wizard: declarations');
	await page.getByRole('button', { name: 'Send the requisition' }).click();

	/* 5: the recording comes next. */
	await page.getByRole('heading', { level: 2, name: /Step 5 of 5: Upload the recording/ }).waitFor();
	await page.getByRole('status').filter({ hasText: 'has been sent to the lab' }).waitFor();
	await assertAccessible(page, 'wizard: the recording step');
	r = await therapist.client.get(`/api/submissions/${subId}`);
	assert.equal(r.json.state, 'submitted');
	assert.equal(r.json.next_step, 'upload_recording');
	assert.equal(r.json.session_number, 12);
	assert.equal(r.json.treatment_phase, 'middle');

	await page.locator('nav.app-nav').getByRole('link', { name: 'Submissions' }).click();
	await page.getByRole('row').filter({ hasText: 'Submitted' }).filter({ hasText: 'Recording to be uploaded' }).waitFor();
	await page.locator('nav.app-nav').getByRole('link', { name: 'Patient cases' }).click();
	await page.getByRole('row').filter({ hasText: 'Signed 1 Feb 2026' }).filter({ hasText: '36–45 · Male' }).waitFor();
	await assertAccessible(page, 'the therapist’s patient cases');
	await signOut();
});

test('the lab admin sees the submission in the inbox', async () => {
	await signInAdmin();
	await page.locator('nav.app-nav').getByRole('link', { name: 'Inbox' }).click();
	await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
	await loaded();
	const row = page.getByRole('row').filter({ hasText: 'Oslo MBT-klinikk' });
	await row.filter({ hasText: 'Tora Terapeut' }).filter({ hasText: 'Submitted' }).filter({ hasText: 'Recording to be uploaded' }).waitFor();
	const chips = page.getByRole('navigation', { name: 'Submissions by state' });
	assert.match(await chips.getByRole('button', { name: /^Submitted/ }).textContent(), /Submitted\s*1/);
	await assertAccessible(page, 'the lab inbox');
	await row.getByRole('button', { name: /Details of the submission/ }).click();
	const dialog = page.getByRole('dialog', { name: /Submission for case P-/ });
	await dialog.getByText('How do I challenge more?', { exact: false }).waitFor();
	await assertAccessible(page, 'the submission details');
	await page.keyboard.press('Escape');
	await dialog.waitFor({ state: 'detached' });
});

test('the institution admin sees the agreement in force and counts only', async () => {
	const email = 'leder@oslo-mbt.example';
	let r = await admin.post('/api/users', { email, role: 'institution_admin', display_name: 'Ine Leder', institution_id: inst.id });
	assert.equal(r.status, 201, r.text);
	const otp = r.json.one_time_password;
	const password = 'a calm and long passphrase 7';
	await signOut();
	await page.locator('#login-email').fill(email);
	await page.locator('#login-password').fill(otp);
	await page.locator('#login-password').press('Enter');
	await page.locator('#fpw-current').fill(otp);
	await page.locator('#fpw-new').fill(password);
	await page.locator('#fpw-repeat').fill(password);
	await page.locator('#fpw-repeat').press('Enter');
	await page.locator('nav.app-nav').waitFor();
	await page.locator('#lang-header').selectOption('en');
	await page.locator('nav.app-nav').getByRole('link', { name: 'My institution' }).click();
	await page.getByRole('heading', { level: 2, name: 'Oslo MBT-klinikk' }).waitFor();
	await loaded();
	await page.getByText('Version 2026-1').waitFor();
	await page.getByText('1 in all').waitFor();
	const counts = page.getByRole('table', { name: 'Submissions of Oslo MBT-klinikk by state' });
	assert.match(await counts.getByRole('row', { name: /Submitted/ }).textContent(), /1$/);
	assert.equal(await page.getByText(/P-[0-9A-Z]{4}-/).count(), 0, 'no case codes');
	await assertAccessible(page, 'my institution');
	assert.deepEqual(browser.problems, [], 'no page errors or CSP violations');
});
