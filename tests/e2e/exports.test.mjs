// Issue 7 in a real browser against a real kvalab server: a researcher asks for a research export
// (rating scale, period, rows, variables by group, purpose), the lab admin reviews and approves it,
// and the researcher downloads the SPSS file. axe-core checks the request form, the list, the
// review page and its approval dialog. One approved session is set up through the API
// (tests/lib/flow.mjs). The export pages' messages are checked in nb, da and en too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';
import { approvedSubmission, setupLab, withTotp } from '../lib/flow.mjs';
import { ROOT, assertAccessible, launchBrowser, signIn, signOut, waitForHealth } from '../lib/browser.mjs';
import { assertCatalogues } from '../lib/i18n.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(name) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

let srv, admin, researcher, browser, page;

before(async () => {
	srv = await startServer();
	await waitForHealth(srv.url);
	admin = await adminClient(srv);
	await admin.patch('/api/me', { locale: 'en' });
	// One session rated to an approved consensus, at an institution that allows research, with
	// the patient's consent to research.
	const lab = await setupLab(srv, admin, { institution: 'Forskningsklinikken', research: true });
	const rater = await withTotp(srv, admin, 'rater');
	await approvedSubmission(lab, [rater], { seconds: 6, sessionNumber: 9, consent: { research: true }, fields: { treatment_phase: 'early' }, score: () => 5 });
	researcher = await makeUser(srv, admin, 'researcher');
	await researcher.client.patch('/api/me', { locale: 'en', display_name: 'Rut Researcher' });
	browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
	page = browser.page;
});

after(async () => {
	await browser?.close();
	await srv?.stop();
});

test('a researcher asks, the lab admin approves, the researcher downloads the .sav', async () => {
	await signIn(page, srv.url, researcher);
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
	await signOut(page);

	await signIn(page, srv.url, srv.admin);
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
	await signOut(page);

	await signIn(page, srv.url, researcher);
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
