// Issue 6: mail through a real SMTP server on loopback (tests/lib/smtp.mjs). `kvalab mail test`
// delivers with the right headers; the outbox worker of `kvalab serve` retries a message the
// server refuses for now, shows it failed after max_attempts, sends it again on a lab admin's
// retry, delivers what was queued while the server was down, and never sends anything twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, BIN, ROOT } from '../lib/server.mjs';
import { adminClient, makeUser, totp } from '../lib/client.mjs';
import { startSmtp } from '../lib/smtp.mjs';

const SMTP_USER = 'kvalab-lab';
const SMTP_PASS = 'pass with spaces & ø';
let smtp, srv, admin, secrets;

// Runs kvalab without blocking this process: the SMTP server lives in it.
function kvalab(args) {
  return new Promise((ok) => {
    execFile(BIN, args, { encoding: 'utf8', timeout: 60000 }, (err, stdout, stderr) => {
      ok({ status: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

async function queue(to, extra = []) {
  const r = await kvalab(['mail', 'test', '--data', srv.data, to, '--queue', ...extra]);
  assert.equal(r.status, 0, r.stderr);
  const m = r.stdout.match(/^queued: (\d+)$/m);
  assert.ok(m, r.stdout);
  return Number(m[1]);
}

async function outbox(client, query = '') {
  const r = await client.get(`/api/outbox${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

// Polls until fn() returns something truthy.
async function until(fn, what, timeout = 30000) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  smtp = await startSmtp({ auth: { user: SMTP_USER, pass: SMTP_PASS } });
  mkdirSync(join(ROOT, 'tests/.tmp'), { recursive: true });
  secrets = mkdtempSync(join(ROOT, 'tests/.tmp/smtp-secret-'));
  writeFileSync(join(secrets, 'password'), `${SMTP_PASS}\n`, { mode: 0o600 });
  srv = await startServer({
    web: false,
    config: [
      '[mail]',
      `url = smtp://127.0.0.1:${smtp.port}`,
      'from = Kvalitetslaben Ås <lab@lab.example>',
      `username = ${SMTP_USER}`,
      `password_file = ${join(secrets, 'password')}`,
      'timeout = 5',
      'max_attempts = 3',
      'retry_base_seconds = 1',
      'poll_seconds = 1',
    ].join('\n'),
  });
  admin = await adminClient(srv);
});

after(async () => {
  await srv?.stop();
  await smtp?.stop();
  if (secrets) rmSync(secrets, { recursive: true, force: true });
});

test('kvalab mail test delivers a MIME message with the right headers and an invitation', async () => {
  const r = await kvalab(['mail', 'test', '--data', srv.data, 'direct@clinic.example', '--invite']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^sent: direct@clinic\.example through smtp:\/\/127\.0\.0\.1:\d+$/m);
  const [msg] = await smtp.waitFor(1, { to: 'direct@clinic.example' });
  assert.equal(msg.from, 'lab@lab.example');
  assert.deepEqual(msg.to, ['direct@clinic.example']);
  const m = msg.mail;
  assert.equal(m.subject, 'kvalab test message – æ ø å');
  assert.match(m.headers.subject, /^=\?UTF-8\?B\?/); // encoded, not raw 8-bit
  assert.equal(m.from, 'Kvalitetslaben Ås <lab@lab.example>');
  assert.equal(m.to, 'direct@clinic.example');
  assert.equal(m.headers['mime-version'], '1.0');
  assert.match(m.headers['message-id'], /^<[^<>@\s]+@lab\.example>$/);
  assert.ok(Math.abs(Date.parse(m.headers.date) - Date.now()) < 120000, m.headers.date);
  assert.equal(m.contentType, 'multipart/mixed');
  assert.match(m.text, /æ ø å Æ Ø Å/);
  assert.equal(m.calendar.method, 'REQUEST');
  assert.match(m.calendar.text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(m.calendar.text, /\r\nMETHOD:REQUEST\r\n/);
  assert.match(m.calendar.text, /\r\nSEQUENCE:0\r\n/);
  assert.match(m.calendar.text.replace(/\r\n /g, ''), /ATTENDEE;[^\r]*:mailto:direct@clinic\.example\r\n/);
  const ics = m.attachments.find((a) => a.filename === 'invite.ics');
  assert.ok(ics, 'invite.ics is attached');
  assert.equal(ics.text, m.calendar.text);
  // The password reached the server (it accepted AUTH) but never the log or the output.
  assert.ok(!srv.log().includes(SMTP_PASS) && !r.stdout.includes(SMTP_PASS) && !r.stderr.includes(SMTP_PASS));
});

test('a message the server refuses for now is retried, then shown failed; a lab admin sends it again', async () => {
  smtp.mode = 'tempfail';
  const id = await queue('retry@clinic.example');
  const failed = await until(async () => (await outbox(admin, '?state=failed')).find((x) => x.id === id), 'the message to fail');
  assert.equal(failed.attempts, 3);
  assert.equal(failed.max_attempts, 3);
  assert.equal(failed.kind, 'test');
  assert.equal(failed.to_addr, 'retry@clinic.example');
  assert.equal(failed.subject, 'kvalab test message – æ ø å');
  assert.equal(failed.sent_at, null);
  assert.match(failed.last_error, /451/);
  assert.equal(failed.body, undefined, 'the list has no bodies');
  assert.equal(smtp.rcptAttempts.filter((a) => a === 'retry@clinic.example').length, 3);
  assert.equal(smtp.to('retry@clinic.example').length, 0);

  // Each attempt is audited, the last as mail.failed.
  const audit = (await admin.get('/api/audit?action=mail.&per_page=200')).json.items.filter((e) => e.object_id === String(id));
  assert.equal(audit.filter((e) => e.action === 'mail.attempt_failed').length, 2);
  assert.equal(audit.filter((e) => e.action === 'mail.failed' && e.outcome === 'failure').length, 1);

  // Who may look and who may send again.
  const supervisor = await makeUser(srv, admin, 'supervisor');
  const e = await supervisor.client.post('/api/me/totp', {});
  await supervisor.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
  assert.ok((await outbox(supervisor.client, '?state=failed')).some((x) => x.id === id));
  assert.equal((await supervisor.client.post(`/api/outbox/${id}/retry`, {})).status, 403);
  const therapist = await makeUser(srv, admin, 'therapist');
  assert.equal((await therapist.client.get('/api/outbox')).status, 403);
  assert.equal((await admin.get('/api/outbox?state=lost')).status, 400);
  assert.equal((await admin.post('/api/outbox/999999/retry', {})).status, 404);

  smtp.mode = 'ok';
  const retry = await admin.post(`/api/outbox/${id}/retry`, {});
  assert.equal(retry.status, 200, retry.text);
  assert.equal(retry.json.id, id);
  assert.ok(['queued', 'sending', 'sent'].includes(retry.json.state), retry.json.state);
  const [msg] = await smtp.waitFor(1, { to: 'retry@clinic.example' });
  assert.equal(msg.mail.subject, 'kvalab test message – æ ø å');
  const sent = await until(async () => (await outbox(admin, '?state=sent')).find((x) => x.id === id), 'the message to show sent');
  assert.equal(sent.attempts, 1);
  assert.ok(sent.sent_at);
  const again = await admin.post(`/api/outbox/${id}/retry`, {});
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'not_failed');
  const reads = (await admin.get('/api/audit?action=mail.retry')).json.items;
  assert.ok(reads.some((x) => x.object_id === String(id) && x.actor_email === srv.admin.email));
  assert.ok((await admin.get('/api/audit?action=outbox.list')).json.total >= 1);
});

test('a message queued while the mail server is down is delivered once it is back', async () => {
  const port = smtp.port;
  await smtp.stop();
  const id = await queue('late@clinic.example', ['--invite']);
  const tried = await until(async () => (await outbox(admin)).find((x) => x.id === id && x.attempts >= 1 && x.last_error), 'a failed attempt');
  // Queued for the next attempt (or, for a moment, making it: refused at once again).
  assert.ok(['queued', 'sending'].includes(tried.state), tried.state);
  await smtp.start(port);
  const [msg] = await smtp.waitFor(1, { to: 'late@clinic.example' });
  assert.equal(msg.mail.calendar.method, 'REQUEST');
  await until(async () => (await outbox(admin, '?state=sent')).some((x) => x.id === id), 'the message to show sent');
});

test('a server that hangs up counts as a failed attempt, and nothing was ever sent twice', async () => {
  smtp.mode = 'refuse';
  const id = await queue('hangup@clinic.example');
  const tried = await until(async () => (await outbox(admin)).find((x) => x.id === id && x.attempts >= 1 && x.last_error), 'a failed attempt');
  assert.match(tried.last_error, /421|server|reply|connect/i);
  smtp.mode = 'ok';
  await smtp.waitFor(1, { to: 'hangup@clinic.example' });
  // Give a duplicate the chance to show up.
  await sleep(2500);
  const byRecipient = {};
  for (const m of smtp.messages) for (const to of m.to) byRecipient[to] = (byRecipient[to] ?? 0) + 1;
  assert.deepEqual(byRecipient, {
    'direct@clinic.example': 1,
    'retry@clinic.example': 1,
    'late@clinic.example': 1,
    'hangup@clinic.example': 1,
  });
  const ids = new Set(smtp.messages.map((m) => m.mail.headers['message-id']));
  assert.equal(ids.size, smtp.messages.length);
  const items = await outbox(admin);
  assert.ok(items.every((x) => x.state === 'sent'), JSON.stringify(items.map((x) => [x.id, x.state])));
  const check = await kvalab(['check', '--data', srv.data]);
  assert.equal(check.status, 0, check.stdout);
  assert.match(check.stdout, /^ok: mail goes through smtp:\/\/127\.0\.0\.1:\d+ from Kvalitetslaben Ås <lab@lab\.example> \(0 messages queued\)$/m);
  assert.ok(!check.stdout.includes(SMTP_PASS));
});

test('without [mail] url messages stay queued, and the server and kvalab check say so', async () => {
  const off = await startServer({ web: false });
  try {
    const r = await kvalab(['mail', 'test', '--data', off.data, 'nobody@clinic.example', '--queue']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /note: mail is not configured/);
    const direct = await kvalab(['mail', 'test', '--data', off.data, 'nobody@clinic.example']);
    assert.equal(direct.status, 1);
    assert.match(direct.stderr, /mail is not configured/);
    await sleep(1500);
    const c = await adminClient(off);
    const [item] = await outbox(c);
    assert.equal(item.state, 'queued');
    assert.equal(item.attempts, 0);
    const check = await kvalab(['check', '--data', off.data]);
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stdout, /^note: mail is not configured .*1 message waits in the outbox$/m);
    // A restart reads the configuration again and says what waits.
    await off.whileStopped(() => {});
    assert.match(off.log(), /mail is not configured \(\[mail\] url in .*kvalab\.ini\); 1 message\(s\) wait in the outbox/);
  } finally {
    await off.stop();
  }
});

test('kvalab mail list and retry look after the outbox from the command line', async () => {
  smtp.mode = 'reject';
  const id = await queue('cli@clinic.example');
  await until(async () => (await outbox(admin, '?state=failed')).some((x) => x.id === id), 'the message to fail', 40000);
  let r = await kvalab(['mail', 'list', '--data', srv.data, '--failed']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^${id}\\s+failed\\s+3/3\\s+test\\s+cli@clinic\\.example\\s+\\S+\\s+.*550`, 'm'));
  smtp.mode = 'ok';
  r = await kvalab(['mail', 'retry', '--data', srv.data, String(id)]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^queued again: ${id}$`, 'm'));
  await smtp.waitFor(1, { to: 'cli@clinic.example' });
  r = await kvalab(['mail', 'retry', '--data', srv.data, String(id)]);
  assert.equal(r.status, 1);
  r = await kvalab(['mail', 'list', '--data', srv.data, '--state', 'bogus']);
  assert.equal(r.status, 2);
});
