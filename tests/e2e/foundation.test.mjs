// The Foundation flow in a real browser against a real kvalab server: the first admin signs in
// with TOTP, chooses a password, creates a rater, switches language, manages tokens, reads the
// audit log and signs out; the rater signs in with the one-time password, is made to choose a
// password and set up TOTP, and lands in the app with a rater's navigation. axe-core checks
// every screen on the way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { totp } from '../lib/totp.mjs';
import { assertAccessible, launchBrowser, waitForHealth } from '../lib/browser.mjs';

const ADMIN_PASSWORD = 'quiet harbour lantern 1987';
const RATER = { email: 'rater.one@lab.example', name: 'Rita Rater', password: 'seven blue herons at dawn' };

let srv;
let browser;
let page;
let raterOtp = '';

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	browser = await launchBrowser({ locale: 'en-US' });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

async function navLinks() {
	await page.locator('nav.app-nav a').first().waitFor();
	return page.locator('nav.app-nav a').allTextContents();
}

async function setLanguage(locale) {
	const select = page.locator('select[id^="lang-"]').first();
	await select.selectOption(locale);
	await page.waitForFunction((l) => document.documentElement.lang === l, locale);
}

test('the sign-in page is accessible and asks the admin for a TOTP code', async () => {
	await page.goto(`${srv.url}/`);
	await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
	assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
	await assertAccessible(page, 'the sign-in page');

	await page.locator('#login-email').fill(srv.admin.email);
	await page.locator('#login-password').fill('not the password at all');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();

	await page.locator('#login-password').fill(srv.admin.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	const code = page.locator('#login-totp');
	await code.waitFor();
	assert.ok(await code.evaluate((el) => el === document.activeElement), 'focus moves to the code field');
	await assertAccessible(page, 'the sign-in page asking for a code');
	await code.fill(totp(srv.admin.totpSecret));
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.locator('#fpw-current').waitFor();
});

test('the first password change is forced, with rules and field errors', async () => {
	await setLanguage('en');
	await page.getByRole('heading', { level: 1, name: 'Choose your own password' }).waitFor();
	await page.getByText('be at least 12 characters long').waitFor();
	await assertAccessible(page, 'the forced password change');

	await page.locator('#fpw-current').fill(srv.admin.password);
	await page.locator('#fpw-new').fill('short');
	await page.locator('#fpw-repeat').fill('short');
	await page.getByRole('button', { name: 'Change password' }).click();
	assert.match(await page.locator('#fpw-new-error').textContent(), /at least 12 characters/);

	/* The server refuses a common password; its answer appears next to the field. */
	await page.locator('#fpw-new').fill('password1234');
	await page.locator('#fpw-repeat').fill('password1234');
	await page.getByRole('button', { name: 'Change password' }).click();
	await page.locator('#fpw-new-error').filter({ hasText: /too common/ }).waitFor();
	await assertAccessible(page, 'the password change with errors');

	await page.locator('#fpw-new').fill(ADMIN_PASSWORD);
	await page.locator('#fpw-repeat').fill(ADMIN_PASSWORD);
	await page.getByRole('button', { name: 'Change password' }).click();
	assert.deepEqual(await navLinks(), ['Overview', 'Inbox', 'Feedback', 'Institutions', 'Users', 'Audit log', 'Export requests', 'Reliability', 'Lab figures', 'API tokens', 'Account']);
	await assertAccessible(page, 'the lab admin overview');
});

test('the admin creates a rater and sees the one-time password once', async () => {
	await page.locator('nav.app-nav').getByRole('link', { name: 'Users' }).click();
	await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
	await page.getByRole('row').filter({ hasText: srv.admin.email }).first().waitFor();
	await assertAccessible(page, 'the users page');

	await page.getByRole('button', { name: 'New user' }).click();
	const dialog = page.getByRole('dialog', { name: 'New user' });
	await dialog.waitFor();
	await assertAccessible(page, 'the create-user dialog');
	await dialog.getByLabel('Email').fill(RATER.email);
	await dialog.getByLabel(/Display name/).fill(RATER.name);
	await dialog.getByLabel('Role').selectOption('rater');
	await dialog.getByRole('button', { name: 'Create user' }).click();
	const otp = dialog.locator('#cu-otp');
	await otp.waitFor();
	raterOtp = await otp.inputValue();
	assert.ok(raterOtp.length >= 8, `one-time password shown (${raterOtp.length} characters)`);
	await dialog.getByRole('button', { name: 'Copy' }).waitFor();
	await assertAccessible(page, 'the create-user dialog showing the one-time password');
	await dialog.getByRole('button', { name: 'Done' }).click();
	await dialog.waitFor({ state: 'detached' });

	const row = page.getByRole('row').filter({ hasText: RATER.email });
	await row.waitFor();
	assert.match(await row.textContent(), /Rater/);
	assert.match(await row.textContent(), /Has not chosen a password/);

	/* Filters: by role, and text search. */
	await page.locator('#users-role').selectOption('rater');
	await page.getByRole('row').filter({ hasText: srv.admin.email }).waitFor({ state: 'detached' });
	assert.equal(await page.getByRole('row').filter({ hasText: RATER.email }).count(), 1);
	await page.locator('#users-role').selectOption('');
	await page.locator('#users-q').fill('nobody-matches-this');
	await page.getByText('No users match these filters.').waitFor();
	await page.locator('#users-q').fill('');
	await page.getByRole('row').filter({ hasText: RATER.email }).waitFor();
});

test('the language switches nb → en → da and is kept in the profile', async () => {
	await setLanguage('nb');
	await page.getByRole('heading', { level: 1, name: 'Brukere' }).waitFor();
	assert.deepEqual(await navLinks(), ['Oversikt', 'Innboks', 'Tilbakemeldinger', 'Institusjoner', 'Brukere', 'Revisjonslogg', 'Uttrekksforespørsler', 'Pålitelighet', 'Laboratoriets tall', 'API-nøkler', 'Konto']);
	assert.equal(await page.getByRole('button', { name: 'Logg ut' }).count(), 1);

	await setLanguage('en');
	await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
	assert.deepEqual(await navLinks(), ['Overview', 'Inbox', 'Feedback', 'Institutions', 'Users', 'Audit log', 'Export requests', 'Reliability', 'Lab figures', 'API tokens', 'Account']);

	await setLanguage('da');
	await page.getByRole('heading', { level: 1, name: 'Brugere' }).waitFor();
	assert.deepEqual(await navLinks(), ['Oversigt', 'Indbakke', 'Feedback', 'Institutioner', 'Brugere', 'Revisionslog', 'Anmodninger om udtræk', 'Pålidelighed', 'Laboratoriets tal', 'API-nøgler', 'Konto']);
	assert.equal(await page.getByRole('button', { name: 'Log ud' }).count(), 1);

	await page.waitForFunction(async () => (await (await fetch('/api/me')).json()).locale === 'da');
	assert.equal(await page.evaluate(() => localStorage.getItem('kvalab.locale')), 'da');
	await page.reload();
	await page.getByRole('heading', { level: 1, name: 'Brugere' }).waitFor();
	await setLanguage('en');
});

test('API tokens: create one, see it once, revoke it', async () => {
	await page.locator('nav.app-nav').getByRole('link', { name: 'API tokens' }).click();
	await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
	await page.getByText('You have no API tokens.').waitFor();
	await assertAccessible(page, 'the API tokens page');

	await page.locator('#tok-name').fill('monthly export');
	await page.locator('#tok-days').fill('30');
	await page.getByRole('button', { name: 'Create token' }).click();
	const token = page.locator('#tok-new');
	await token.waitFor();
	assert.match(await token.inputValue(), /^kv_/);
	const row = page.getByRole('row').filter({ hasText: 'monthly export' });
	await row.waitFor();
	assert.match(await row.textContent(), /Active/);
	await assertAccessible(page, 'the API tokens page with a new token');

	await row.getByRole('button', { name: 'Revoke token monthly export' }).click();
	const dialog = page.getByRole('dialog', { name: 'Revoke token' });
	await dialog.waitFor();
	await assertAccessible(page, 'the revoke confirmation');
	await dialog.getByRole('button', { name: 'Revoke token' }).click();
	await dialog.waitFor({ state: 'detached' });
	await page.getByRole('row').filter({ hasText: 'monthly export' }).filter({ hasText: 'Revoked' }).waitFor();
	await page.getByRole('status').filter({ hasText: 'has been revoked' }).waitFor();
});

test('the audit log lists what happened and filters by actor', async () => {
	await page.locator('nav.app-nav').getByRole('link', { name: 'Audit log' }).click();
	await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
	await page.locator('table tbody tr').first().waitFor();
	assert.ok((await page.locator('table tbody tr').count()) > 0);
	await assertAccessible(page, 'the audit log');

	await page.locator('#au-actor').fill('nobody@nowhere.example');
	await page.getByRole('button', { name: 'Show entries' }).click();
	await page.getByText('No entries match these filters.').waitFor();
	await page.locator('#au-actor').fill(srv.admin.email);
	await page.getByRole('button', { name: 'Show entries' }).click();
	await page.locator('table tbody tr').first().waitFor();
	const actors = await page.locator('table tbody tr td:nth-child(2)').allTextContents();
	assert.ok(actors.length > 0 && actors.every((a) => a === srv.admin.email), `only the admin's entries: ${actors.join(', ')}`);
	await page.getByRole('button', { name: 'Clear filters' }).click();
});

test('the account page shows profile and sign-in security', async () => {
	await page.locator('nav.app-nav').getByRole('link', { name: 'Account' }).click();
	await page.getByRole('heading', { level: 1, name: 'Account' }).waitFor();
	await page.getByText('Two-step sign-in is on', { exact: false }).first().waitFor();
	await page.locator('#acc-name').fill('Lab Admin');
	await page.getByRole('button', { name: 'Save profile' }).click();
	await page.getByRole('status').filter({ hasText: 'Your profile has been saved.' }).waitFor();
	assert.match(await page.locator('.user-badge').textContent(), /Lab Admin/);
	await assertAccessible(page, 'the account page');
});

test('signing out returns to the sign-in page', async () => {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
	await page.getByText('You are signed out.').waitFor();
	const r = await page.evaluate(async () => (await fetch('/api/session')).status);
	assert.equal(r, 401);
});

test('the rater signs in with the one-time password, must choose a password and set up TOTP', async () => {
	assert.ok(raterOtp, 'the one-time password from the create-user step');
	await page.locator('#login-email').fill(RATER.email);
	await page.locator('#login-password').fill(raterOtp);
	await page.getByRole('button', { name: 'Sign in' }).click();

	await page.locator('#fpw-current').waitFor();
	await setLanguage('en');
	await page.locator('#fpw-current').fill(raterOtp);
	await page.locator('#fpw-new').fill(RATER.password);
	await page.locator('#fpw-repeat').fill(RATER.password);
	await page.getByRole('button', { name: 'Change password' }).click();

	await page.getByRole('heading', { level: 1, name: 'Set up two-step sign-in' }).waitFor();
	const secretBox = page.locator('#ftotp-secret');
	await secretBox.waitFor();
	const img = page.locator('img.qr');
	assert.match(await img.getAttribute('src'), /^data:image\/svg\+xml;base64,/);
	assert.ok(await img.evaluate((el) => el.complete && el.naturalWidth > 0), 'the QR code image loads under the CSP');
	await assertAccessible(page, 'the TOTP enrolment');

	const secret = (await secretBox.inputValue()).replace(/\s+/g, '');
	const near = [-1, 0, 1].map((o) => totp(secret, Date.now(), o));
	const wrong = ['000000', '111111', '222222', '333333'].find((c) => !near.includes(c));
	await page.locator('#ftotp-code').fill(wrong);
	await page.getByRole('button', { name: 'Confirm and turn on' }).click();
	await page.locator('#ftotp-code-error').waitFor();

	await page.locator('#ftotp-code').fill(totp(secret));
	await page.getByRole('button', { name: 'Confirm and turn on' }).click();

	assert.deepEqual(await navLinks(), ['Overview', 'My ratings', 'Feedback', 'My calibration', 'API tokens', 'Account']);
	await page.getByRole('heading', { level: 1, name: /Welcome/ }).waitFor();
	await page.getByText('You code the therapist’s interventions', { exact: false }).waitFor();
	await assertAccessible(page, 'the rater overview');

	/* The admin pages are not offered, and not shown when typed in. */
	await page.goto(`${srv.url}/users`);
	await page.getByRole('heading', { level: 1, name: 'No access' }).waitFor();
	assert.equal(await page.getByRole('link', { name: 'Users' }).count(), 0);
});

test('a lost session sends the user back to sign in with a message', async () => {
	await browser.context.clearCookies();
	await page.locator('nav.app-nav').getByRole('link', { name: 'API tokens' }).click();
	await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
	await page.getByText('Your session has expired. Please sign in again.').waitFor();
	assert.deepEqual(browser.problems, [], 'no page errors or CSP violations');
});
