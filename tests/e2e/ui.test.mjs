// The browser UI against an in-memory stand-in for the API (tests/lib/browser.mjs): the paths a
// real server rarely takes on demand — throttling, a wrong current password, an expired session,
// a taken email, long audit logs — plus the default language, keyboard access and axe-core on
// every screen. Needs only web/dist and Chromium, not the C server.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { totp, freshTotp } from '../lib/totp.mjs';
import { assertAccessible, createMockApi, launchBrowser, serveWeb } from '../lib/browser.mjs';

describe('with a fresh lab', () => {
	let mock;
	let web;
	let browser;
	let page;
	let lastCode = '';
	const PW = 'willow river stone 2026';

	before(async () => {
		mock = createMockApi({ throttleAfter: 3, retryAfter: 42 });
		web = await serveWeb(mock.handler);
		browser = await launchBrowser({ locale: 'en-GB' });
		page = browser.page;
	});
	after(async () => {
		await browser?.close();
		await web?.stop();
	});

	async function signInAdmin(password) {
		await page.locator('#login-email').fill(mock.admin.email);
		await page.locator('#login-password').fill(password);
		await page.getByRole('button', { name: /Sign in|Logg inn|Log ind/ }).click();
		await page.locator('#login-totp').waitFor();
		lastCode = await freshTotp(mock.admin.totpSecret, lastCode);
		await page.locator('#login-totp').fill(lastCode);
		await page.getByRole('button', { name: /Sign in|Logg inn|Log ind/ }).click();
	}

	test('a wrong code is refused and the field is cleared', async () => {
		await page.goto(`${web.url}/`);
		await page.locator('#login-email').fill(mock.admin.email);
		await page.locator('#login-password').fill(mock.admin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.locator('#login-totp').waitFor();
		const near = [-1, 0, 1].map((o) => totp(mock.admin.totpSecret, Date.now(), o));
		await page.locator('#login-totp').fill(['123456', '654321'].find((c) => !near.includes(c)));
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('alert').filter({ hasText: 'The code was not accepted' }).waitFor();
		assert.equal(await page.locator('#login-totp').inputValue(), '');
		await page.locator('#login-totp').fill('12');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('alert').filter({ hasText: 'Enter the six digits' }).waitFor();
	});

	test('the forced password change shows the server’s field errors next to the field', async () => {
		await page.goto(`${web.url}/`);
		await signInAdmin(mock.admin.password);
		await page.locator('#fpw-current').waitFor();
		await page.locator('#lang-bare').selectOption('en');
		await page.locator('#fpw-current').fill('not-the-one-time-password');
		await page.locator('#fpw-new').fill(PW);
		await page.locator('#fpw-repeat').fill(PW);
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.locator('#fpw-current-error').filter({ hasText: 'The current password is wrong.' }).waitFor();
		assert.equal(await page.locator('#fpw-current').getAttribute('aria-invalid'), 'true');
		assert.match(await page.locator('#fpw-current').getAttribute('aria-describedby'), /fpw-current-error/);

		await page.locator('#fpw-current').fill(mock.admin.password);
		await page.locator('#fpw-new').fill('Password1234');
		await page.locator('#fpw-repeat').fill('Password1234');
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.locator('#fpw-new-error').filter({ hasText: 'too common' }).waitFor();
		assert.equal(await page.locator('#fpw-current-error').count(), 0);

		await page.locator('#fpw-repeat').fill('Password12345');
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.locator('#fpw-repeat-error').filter({ hasText: 'not the same' }).waitFor();
		await assertAccessible(page, 'the password form with errors');

		await page.locator('#fpw-new').fill(PW);
		await page.locator('#fpw-repeat').fill(PW);
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.locator('nav.app-nav').waitFor();
	});

	test('every request that changes something carries the CSRF token', async () => {
		const seen = [];
		const listener = (req) => {
			if (req.url().includes('/api/') && !['GET', 'HEAD'].includes(req.method())) seen.push([req.method(), req.headers()['x-csrf-token'] ?? '']);
		};
		page.on('request', listener);
		await page.locator('nav.app-nav').getByRole('link', { name: 'Account' }).click();
		await page.locator('#acc-name').fill('Ada Admin');
		await page.getByRole('button', { name: 'Save profile' }).click();
		await page.getByRole('status').filter({ hasText: 'Your profile has been saved.' }).waitFor();
		page.off('request', listener);
		assert.ok(seen.length > 0);
		for (const [method, token] of seen) assert.match(token, /^[0-9a-f]{32}$/, `${method} without X-CSRF-Token`);
	});

	test('creating a user with a taken email shows the conflict at the field', async () => {
		await page.locator('nav.app-nav').getByRole('link', { name: 'Users' }).click();
		await page.getByRole('button', { name: 'New user' }).click();
		const dialog = page.getByRole('dialog', { name: 'New user' });
		await dialog.getByLabel('Email').fill(mock.admin.email);
		await dialog.getByRole('button', { name: 'Create user' }).click();
		await dialog.locator('#cu-email-error').filter({ hasText: 'already exists' }).waitFor();
		await assertAccessible(page, 'the create-user dialog with an error');
		await page.keyboard.press('Escape');
		await dialog.waitFor({ state: 'detached' });
		assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'New user', 'focus returns to the opener');
	});

	test('a user can be managed: role, reset password, disable and enable', async () => {
		await page.getByRole('button', { name: 'New user' }).click();
		let dialog = page.getByRole('dialog', { name: 'New user' });
		await dialog.getByLabel('Email').fill('therapist@clinic.example');
		await dialog.getByLabel('Role').selectOption('therapist');
		await dialog.getByLabel(/Institution ID/).fill('7');
		await dialog.getByRole('button', { name: 'Create user' }).click();
		await dialog.locator('#cu-otp').waitFor();
		await dialog.getByRole('button', { name: 'Done' }).click();

		await page.getByRole('button', { name: 'Manage therapist@clinic.example' }).click();
		dialog = page.getByRole('dialog', { name: 'Manage therapist@clinic.example' });
		await dialog.waitFor();
		await assertAccessible(page, 'the manage-user dialog');
		await dialog.getByLabel('Role').selectOption('supervisor');
		await dialog.getByRole('button', { name: 'Change role' }).click();
		await dialog.getByText('The role is now Supervisor.').waitFor();

		await dialog.getByRole('button', { name: 'Reset password' }).click();
		await dialog.getByRole('button', { name: 'Yes, continue' }).click();
		const otp = dialog.locator('#mu-otp');
		await otp.waitFor();
		assert.ok((await otp.inputValue()).length >= 8);

		await dialog.getByRole('button', { name: 'Disable account' }).click();
		await dialog.getByRole('button', { name: 'Yes, continue' }).click();
		await dialog.getByText('The account has been disabled.').waitFor();
		await dialog.getByRole('button', { name: 'Close', exact: true }).first().click();
		await page.getByRole('row').filter({ hasText: 'therapist@clinic.example' }).waitFor({ state: 'detached' });
		await page.getByLabel('Show disabled accounts').check();
		await page.getByRole('row').filter({ hasText: 'therapist@clinic.example' }).filter({ hasText: 'Disabled' }).waitFor();
	});

	test('the audit log pages through long results', async () => {
		mock.fillAudit(120);
		await page.locator('nav.app-nav').getByRole('link', { name: 'Audit log' }).click();
		await page.getByText(/Entries 1–50 of \d+/).waitFor();
		const pages = page.getByRole('navigation', { name: 'Pages' });
		await pages.getByText(/Page 1 of 3/).waitFor();
		await pages.getByRole('button', { name: 'Next page' }).click();
		await pages.getByText('Page 2 of 3').waitFor();
		await page.getByText(/Entries 51–100 of/).waitFor();
		await page.locator('#au-action').fill('test.event');
		await page.locator('#au-from').fill('2020-01-01');
		await page.locator('#au-to').fill('2019-01-01');
		await page.getByRole('button', { name: 'Show entries' }).click();
		await page.locator('#au-to-error').filter({ hasText: 'after' }).waitFor();
		await page.locator('#au-to').fill('');
		await page.getByRole('button', { name: 'Show entries' }).click();
		await page.getByText('Entries 1–50 of 120').waitFor();
		await assertAccessible(page, 'the audit log with filters and pages');
	});

	test('an expired session leads back to sign-in with a message', async () => {
		mock.expireSessions();
		await page.locator('nav.app-nav').getByRole('link', { name: 'API tokens' }).click();
		await page.getByText('Your session has expired. Please sign in again.').waitFor();
		await signInAdmin(PW);
		await page.getByRole('heading', { level: 1, name: 'API tokens' }).waitFor();
	});

	test('too many attempts are throttled with the wait from Retry-After', async () => {
		await page.getByRole('button', { name: 'Sign out' }).click();
		for (let i = 0; i < 3; i++) {
			await page.locator('#login-email').fill(mock.admin.email);
			await page.locator('#login-password').fill(`wrong ${i}`);
			await page.getByRole('button', { name: 'Sign in' }).click();
			await page.getByRole('alert').filter({ hasText: 'Wrong email or password.' }).waitFor();
		}
		await page.locator('#login-password').fill('wrong again');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('alert').filter({ hasText: 'Too many attempts. Try again in 42 seconds.' }).waitFor();
		assert.ok(await page.getByRole('button', { name: 'Sign in' }).isDisabled(), 'the button waits out Retry-After');
		assert.deepEqual(browser.problems, []);
	});
});

describe('language', () => {
	for (const [nav, want, heading] of [['nb-NO', 'nb', 'Logg inn'], ['nn-NO', 'nb', 'Logg inn'], ['da-DK', 'da', 'Log ind'], ['de-DE', 'en', 'Sign in']]) {
		test(`a browser in ${nav} starts in ${want}`, async () => {
			const mock = createMockApi();
			const web = await serveWeb(mock.handler);
			const browser = await launchBrowser({ locale: nav });
			try {
				await browser.page.goto(`${web.url}/`);
				await browser.page.getByRole('heading', { level: 1, name: heading }).waitFor();
				assert.equal(await browser.page.evaluate(() => document.documentElement.lang), want);
			} finally {
				await browser.close();
				await web.stop();
			}
		});
	}

	test('a language chosen before signing in is kept on this device', async () => {
		const mock = createMockApi();
		const web = await serveWeb(mock.handler);
		const browser = await launchBrowser({ locale: 'en-US' });
		try {
			const { page } = browser;
			await page.goto(`${web.url}/`);
			await page.locator('#lang-bare').selectOption('da');
			await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
			await page.reload();
			await page.getByRole('heading', { level: 1, name: 'Log ind' }).waitFor();
			assert.equal(await page.getByLabel('Adgangskode').count(), 1);
		} finally {
			await browser.close();
			await web.stop();
		}
	});
});

describe('keyboard and small screens', () => {
	test('the skip link comes first and the sign-in form works from the keyboard', async () => {
		const mock = createMockApi();
		const web = await serveWeb(mock.handler);
		const browser = await launchBrowser({ locale: 'en-US' });
		try {
			const { page } = browser;
			await page.goto(`${web.url}/`);
			await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
			await page.keyboard.press('Tab');
			assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to main content');
			await page.keyboard.press('Enter');
			await page.keyboard.press('Tab');
			assert.equal(await page.evaluate(() => document.activeElement?.id), 'login-email');
			await page.keyboard.type(mock.admin.email);
			await page.keyboard.press('Tab');
			await page.keyboard.type(mock.admin.password);
			await page.keyboard.press('Enter');
			await page.locator('#login-totp').waitFor();
			assert.equal(await page.evaluate(() => document.activeElement?.id), 'login-totp');
			const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
			assert.equal(ring, 'solid', 'focus is visible');
		} finally {
			await browser.close();
			await web.stop();
		}
	});

	test('the app fits a phone screen without sideways scrolling', async () => {
		const mock = createMockApi();
		const web = await serveWeb(mock.handler);
		const browser = await launchBrowser({ locale: 'en-US', viewport: { width: 375, height: 740 } });
		const overflow = () => browser.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		try {
			const { page } = browser;
			await page.goto(`${web.url}/`);
			await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
			assert.ok((await overflow()) <= 0, 'sign-in page fits');
			await assertAccessible(page, 'the sign-in page on a phone');
			await page.locator('#login-email').fill(mock.admin.email);
			await page.locator('#login-password').fill(mock.admin.password);
			await page.locator('#login-password').press('Enter');
			await page.locator('#login-totp').fill(await freshTotp(mock.admin.totpSecret, ''));
			await page.locator('#login-totp').press('Enter');
			await page.locator('#fpw-current').fill(mock.admin.password);
			await page.locator('#fpw-new').fill('calm morning tide 31');
			await page.locator('#fpw-repeat').fill('calm morning tide 31');
			await page.locator('#fpw-repeat').press('Enter');
			await page.locator('#lang-header').selectOption('en');
			for (const path of ['/', '/users', '/audit', '/tokens', '/account']) {
				await page.goto(`${web.url}${path}`);
				await page.locator('nav.app-nav').waitFor();
				await page.locator('.loading').waitFor({ state: 'detached' });
				assert.ok((await overflow()) <= 0, `${path} is wider than the screen`);
			}
			await assertAccessible(page, 'the account page on a phone');
		} finally {
			await browser.close();
			await web.stop();
		}
	});

});

describe('a therapist (two-step sign-in optional)', () => {
	test('chooses a password, is not forced to set up TOTP, turns it on from Account, and then needs it to sign in', async () => {
		const mock = createMockApi();
		const otp = 'one-time-pass-42';
		mock.addUser({ email: 'terapeut@klinikk.example', role: 'therapist', display_name: 'Tora Terapeut', password: otp });
		const web = await serveWeb(mock.handler);
		const browser = await launchBrowser({ locale: 'nb-NO' });
		try {
			const { page } = browser;
			await page.goto(`${web.url}/`);
			await page.locator('#login-email').fill('terapeut@klinikk.example');
			await page.locator('#login-password').fill(otp);
			await page.getByRole('button', { name: 'Logg inn' }).click();
			await page.getByRole('heading', { level: 1, name: 'Velg ditt eget passord' }).waitFor();
			await page.locator('#fpw-current').fill(otp);
			await page.locator('#fpw-new').fill('lang og rolig setning');
			await page.locator('#fpw-repeat').fill('lang og rolig setning');
			await page.getByRole('button', { name: 'Bytt passord' }).click();
			await page.getByRole('heading', { level: 1, name: 'Velkommen, Tora Terapeut' }).waitFor();
			assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Oversikt', 'Innsendinger', 'Pasientsaker', 'Klienter', 'Mine tilbakemeldinger', 'Øving', 'API-nøkler', 'Konto']);
			await page.getByText('Du sender inn opptak av dine egne timer', { exact: false }).waitFor();

			await page.locator('nav.app-nav').getByRole('link', { name: 'Konto' }).click();
			await page.getByText('Tofaktorinnlogging er av.').waitFor();
			await page.getByText('valgfritt for rollen din', { exact: false }).waitFor();
			await page.getByRole('button', { name: 'Sett opp tofaktorinnlogging' }).click();
			const secret = (await page.locator('#acc-totp-secret').inputValue()).replace(/\s+/g, '');
			await assertAccessible(page, 'TOTP set-up from the account page');
			const code = totp(secret);
			await page.locator('#acc-totp-code').fill(code);
			await page.getByRole('button', { name: 'Bekreft og slå på' }).click();
			await page.getByRole('status').filter({ hasText: 'Tofaktorinnlogging er nå slått på.' }).waitFor();
			await page.getByText('Tofaktorinnlogging er på', { exact: false }).first().waitFor();

			await page.getByRole('button', { name: 'Logg ut' }).click();
			await page.locator('#login-email').fill('terapeut@klinikk.example');
			await page.locator('#login-password').fill('lang og rolig setning');
			await page.getByRole('button', { name: 'Logg inn' }).click();
			await page.locator('#login-totp').fill(await freshTotp(secret, code));
			await page.getByRole('button', { name: 'Logg inn' }).click();
			await page.getByRole('heading', { level: 1, name: 'Velkommen, Tora Terapeut' }).waitFor();
			assert.deepEqual(browser.problems, []);
		} finally {
			await browser.close();
			await web.stop();
		}
	});
});
