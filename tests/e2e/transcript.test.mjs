// Issue 5, the transcript, in a real browser against a real kvalab server: a rater opens the
// workspace, is told what a bad file is wrong with (the server's words, with the line), imports a
// WebVTT transcript, plays the video and sees the line being spoken marked and kept in view,
// scrolls away (following pauses) and back (Follow the video), searches, plays from a line, and
// codes interventions from lines by clicking, with Enter and with T; they are saved, show in the
// list and are still there after a reload. axe-core checks the panel empty, filled, searched and
// with the code picker open from a line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient } from '../lib/client.mjs';
import { assign, setupLab, submissionWithRecording, withTotp } from '../lib/flow.mjs';
import { ROOT, assertAccessible, launchBrowser, signIn, waitForHealth } from '../lib/browser.mjs';
import { assertCatalogues } from '../lib/i18n.mjs';

let srv, admin, rater, sub, browser, page;

// KV_SHOTS=tests/.tmp/shots keeps screenshots of the steps, to look at.
const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(name) {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// 19 lines of about a second each over the 20-second test recording, two speakers taking turns.
const clock = (ms) => `00:00:${String(Math.floor(ms / 1000)).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
const LINES = Array.from({ length: 19 }, (_, i) => ({
  start: i * 1000,
  end: i * 1000 + 900,
  speaker: i % 2 ? 'Pasient' : 'Terapeut',
  text: i === 11 ? `Replikk ${i + 1}: jeg tenkte på sjokolade` : `Replikk ${i + 1}`,
}));
const VTT = `WEBVTT\n\n${LINES.map((l) => `${clock(l.start)} --> ${clock(l.end)}\n<v ${l.speaker}>${l.text}`).join('\n\n')}\n`;

before(async () => {
  srv = await startServer();
  await waitForHealth(srv.url);
  admin = await adminClient(srv);
  const lab = await setupLab(srv, admin, { institution: 'Lesemedklinikken', supervisor: false });
  rater = await withTotp(srv, admin, 'rater');
  await rater.client.patch('/api/me', { locale: 'en', display_name: 'Tuva Transkripsjon' });
  sub = await submissionWithRecording(lab);
  await assign(lab, sub.id, [rater]);
  browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
  page = browser.page;
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the transcript panel’s messages exist in nb, da and en with the same placeholders', () => {
  assertCatalogues('transcript', { more: 25 });
});

const video = () => page.locator('video.ws-media');
const spokenId = () => page.evaluate(() => document.querySelector('#ws-tr-list [aria-current="true"]')?.id ?? null);
const saved = () => page.locator('.ws-save[data-status="saved"]').waitFor();
const followButton = () => page.getByRole('button', { name: 'Follow the video' });

async function ratingNow() {
  const q = (await rater.client.get('/api/me/assignments')).json.items.find((a) => a.submission_id === sub.id);
  return (await rater.client.get(`/api/ratings/${q.rating_id}`)).json;
}

async function importFile(name, text) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('.ws-transcript').getByRole('button', { name: /^(Import transcript|Replace)…$/ }).click()]);
  await chooser.setFiles({ name, mimeType: name.endsWith('.srt') ? 'application/x-subrip' : 'text/vtt', buffer: Buffer.from(text) });
}

// The code picker is open: choose the code and quality with the keys and save.
async function codeWithKeys(code, quality) {
  await page.waitForFunction(() => document.activeElement?.id === 'ws-code');
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
  await page.keyboard.press(String(quality));
  await page.keyboard.press('Enter');
  await page.locator('.ws-picker').waitFor({ state: 'detached' });
}

// Whether line i of the list is wholly within the list's visible box.
const lineInView = (i) =>
  page.evaluate((id) => {
    const box = document.getElementById('ws-tr-list').getBoundingClientRect();
    const r = document.getElementById(id).getBoundingClientRect();
    return r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  }, `ws-tr-${i}`);

test('a rater imports a transcript, reads along with the video, and codes interventions from its lines', async () => {
  await signIn(page, srv.url, rater);
  await page.locator('nav.app-nav').getByRole('link', { name: 'My ratings' }).click();
  await page.getByRole('link', { name: /^Open the rating/ }).click();
  await page.getByRole('heading', { level: 1, name: /^Rating/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('video')?.readyState >= 2);
  const panel = page.locator('.ws-transcript');
  await panel.getByText('No transcript yet.', { exact: false }).waitFor();
  await assertAccessible(page, 'the workspace with no transcript');
  await shot('tr-1-empty');

  /* A bad file: the server's words, with the line. Nothing is imported. */
  await importFile('session.vtt', 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHei\n\n00:00:05.000 --> 00:00:03.000\nHå\n');
  await panel.getByRole('alert').filter({ hasText: 'The transcript was not imported: line 6: end time 00:00:03.000 is before start 00:00:05.000' }).waitFor();
  await importFile('other-session.srt', '1\n00:00:31,000 --> 00:00:32,000\nfor sent\n');
  await panel.getByRole('alert').filter({ hasText: /line 2: the cue starts at 00:00:31,000, after the end of the recording/ }).waitFor();
  await shot('tr-2-refused');
  assert.equal((await rater.client.get(`/api/submissions/${sub.id}/transcript`)).status, 404);

  /* The good one. */
  await importFile('session.vtt', VTT);
  await panel.getByRole('heading', { name: 'Transcript (19)' }).waitFor();
  assert.equal(await panel.getByRole('alert').count(), 0);
  assert.equal(await page.locator('#ws-tr-list [role="option"]').count(), 19);
  await page.locator('#ws-tr-0').filter({ hasText: 'Terapeut: Replikk 1' }).waitFor();
  await assertAccessible(page, 'the workspace with a transcript');

  /* Playing marks the line being spoken and keeps it in view. */
  await video().evaluate((v) => { v.currentTime = 9.95; });
  await page.locator('h1').focus();
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('#ws-tr-list [aria-current="true"]')?.id === 'ws-tr-11', null, { timeout: 10000 });
  assert.ok(await lineInView(11), 'the line being spoken is scrolled into view');
  assert.ok(await page.locator('#ws-tr-list').evaluate((el) => el.scrollTop > 0));
  assert.equal(await followButton().getAttribute('aria-pressed'), 'true');
  await shot('tr-3-following');
  /* Scrolling the list to read: following stops, the list stays where the rater put it. */
  await page.locator('#ws-tr-list').hover();
  await page.mouse.wheel(0, -2000);
  await page.waitForFunction(() => document.getElementById('ws-tr-list').scrollTop === 0);
  assert.equal(await followButton().getAttribute('aria-pressed'), 'false');
  await page.getByText('Not following the video while you read', { exact: false }).waitFor();
  await page.waitForFunction(() => document.querySelector('#ws-tr-list [aria-current="true"]')?.id === 'ws-tr-13', null, { timeout: 10000 });
  assert.equal(await page.locator('#ws-tr-list').evaluate((el) => el.scrollTop), 0);
  assert.equal(await lineInView(13), false);
  /* Follow the video: back to the line being spoken at once. */
  await followButton().click();
  assert.equal(await followButton().getAttribute('aria-pressed'), 'true');
  await page.waitForFunction(() => {
    const cur = document.querySelector('#ws-tr-list [aria-current="true"]');
    const box = document.getElementById('ws-tr-list').getBoundingClientRect();
    const r = cur?.getBoundingClientRect();
    return r && r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
  });
  await page.locator('h1').focus();
  await page.keyboard.press('k');
  await page.waitForFunction(() => document.querySelector('video').paused);

  /* Search keeps the lines with the words, and marks them. */
  await page.locator('#ws-tr-q').fill('SJOKOLADE');
  await page.getByText('1 of 19 lines').waitFor();
  assert.equal(await page.locator('#ws-tr-list [role="option"]').count(), 1);
  assert.equal(await page.locator('#ws-tr-list mark').textContent(), 'sjokolade');
  await assertAccessible(page, 'the transcript searched');
  await shot('tr-4-search');
  await page.locator('#ws-tr-q').press('Escape');
  await page.locator('#ws-tr-list [role="option"]').nth(18).waitFor();

  /* A line's time plays from there. */
  await page.locator('#ws-tr-2 .ws-tr-time').click();
  await page.waitForFunction(() => Math.abs(document.querySelector('video').currentTime - 2) < 0.05);
  assert.equal(await spokenId(), 'ws-tr-2');

  /* Clicking a line's text codes an intervention over the line: the picker at its start. */
  await page.locator('#ws-tr-4 .ws-tr-text').click();
  await page.locator('.ws-picker').getByRole('heading', { name: 'New intervention at 0:04.0' }).waitFor();
  assert.equal(await page.locator('#ws-end').inputValue(), '0:04.9');
  await assertAccessible(page, 'the code picker opened from a line');
  await shot('tr-5-picker');
  await codeWithKeys('16', 5);
  await saved();
  /* Enter on the chosen line, from the keyboard. */
  await page.locator('#ws-tr-list').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#ws-tr-list').getAttribute('aria-activedescendant'), 'ws-tr-7');
  await page.keyboard.press('Enter');
  await page.locator('.ws-picker').getByRole('heading', { name: 'New intervention at 0:07.0' }).waitFor();
  await codeWithKeys('2', 6);
  await saved();
  /* T codes the line being spoken, from anywhere. */
  await video().evaluate((v) => { v.currentTime = 12.4; });
  await page.waitForFunction(() => document.querySelector('#ws-tr-list [aria-current="true"]')?.id === 'ws-tr-12');
  await page.locator('h1').focus();
  await page.keyboard.press('t');
  await page.locator('.ws-picker').getByRole('heading', { name: 'New intervention at 0:12.0' }).waitFor();
  await codeWithKeys('3', 4);
  await saved();

  const expected = [[4000, 4900, '16', 5], [7000, 7900, '2', 6], [12000, 12900, '3', 4]];
  let r = await ratingNow();
  assert.deepEqual(r.interventions.map((x) => [x.start_ms, x.end_ms, x.code, x.quality]), expected);
  assert.ok(r.interventions.every((x) => x.note === ''), 'what was said is not copied into the rating');
  await page.locator('#ws-list [role="option"]').filter({ hasText: '0:04.0–0:04.9' }).waitFor();
  assert.equal(await page.locator('#ws-list [role="option"]').count(), 3);

  /* After a reload: the interventions and the transcript are still there. */
  await page.reload();
  await page.getByRole('heading', { level: 1, name: /^Rating/ }).waitFor();
  await page.locator('.ws-transcript').getByRole('heading', { name: 'Transcript (19)' }).waitFor();
  await page.locator('#ws-list [role="option"]').nth(2).waitFor();
  assert.deepEqual(await page.locator('#ws-list [role="option"] .ws-iv-time').allTextContents(), ['0:04.0–0:04.9', '0:07.0–0:07.9', '0:12.0–0:12.9']);
  r = await ratingNow();
  assert.deepEqual(r.interventions.map((x) => [x.start_ms, x.end_ms, x.code, x.quality]), expected);
  /* Every load of the transcript was a read on the record. */
  const reads = (await admin.get(`/api/audit?action=transcript.read&actor=${encodeURIComponent(rater.email)}`)).json;
  assert.ok(reads.total >= 1);
  assert.deepEqual(browser.problems, []);
});
