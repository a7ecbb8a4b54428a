// Signing in and out: TOTP, first-password change, throttling, CSRF, and what is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client, adminClient, makeUser, totp, freshTotp } from '../lib/client.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
});
after(async () => { await srv.stop(); });

test('a lab admin needs a TOTP code: without it 401 totp_required, with a wrong one 401 invalid_totp', async () => {
  const c = new Client(srv.url);
  let r = await c.post('/api/session', { email: srv.admin.email, password: srv.admin.password });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'totp_required');
  assert.equal(c.cookie, null);
  const wrong = totp(srv.admin.totpSecret, Date.now() + 10 * 60 * 1000);
  r = await c.post('/api/session', { email: srv.admin.email, password: srv.admin.password, totp: wrong });
  assert.equal(r.status, 401);
  assert.equal(r.json.error.code, 'invalid_totp');
});

test('a lab admin signs in with password and TOTP and gets an HttpOnly SameSite=Strict cookie', async () => {
  const c = new Client(srv.url);
  const code = await freshTotp(srv.admin.totpSecret, srv.admin.lastCode);
  srv.admin.lastCode = code;
  const res = await fetch(`${srv.url}/api/session`, {
    method: 'POST',
    body: JSON.stringify({ email: srv.admin.email, password: srv.admin.password, totp: code }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie');
  assert.match(cookie, /kv_session=[A-Za-z0-9_-]{40,}/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  const body = await res.json();
  assert.equal(body.user.role, 'lab_admin');
  assert.ok(body.csrf_token.length >= 40);
  // The same code cannot be used twice.
  const again = await c.post('/api/session', { email: srv.admin.email, password: srv.admin.password, totp: code });
  assert.equal(again.status, 401);
  assert.equal(again.json.error.code, 'invalid_totp');
});

test('a therapist signs in without TOTP and must change the one-time password first', async () => {
  const u = await makeUser(srv, admin, 'therapist', { activate: false });
  const c = new Client(srv.url);
  let r = await c.post('/api/session', { email: u.email.toUpperCase(), password: u.password });
  assert.equal(r.status, 200);
  assert.equal(r.json.user.must_change_password, true);
  r = await c.get('/api/tokens');
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'password_change_required');
  r = await c.put('/api/me/password', { current_password: u.password, new_password: 'short' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.new_password, /at least 12/);
  r = await c.put('/api/me/password', { current_password: u.password, new_password: 'password1234' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'weak_password');
  r = await c.put('/api/me/password', { current_password: 'not-the-password', new_password: 'A-much-better-one-42' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'wrong_current_password');
  r = await c.put('/api/me/password', { current_password: u.password, new_password: 'A-much-better-one-42' });
  assert.equal(r.status, 200);
  assert.equal(r.json.must_change_password, false);
  r = await c.get('/api/tokens');
  assert.equal(r.status, 200);
  // The one-time password no longer works.
  r = await new Client(srv.url).post('/api/session', { email: u.email, password: u.password });
  assert.equal(r.status, 401);
});

test('five wrong passwords lock the account: the sixth attempt is 429 even with the right password, and failures are audited', async () => {
  const u = await makeUser(srv, admin, 'therapist');
  const c = new Client(srv.url);
  for (let i = 0; i < 5; i++) {
    const r = await c.post('/api/session', { email: u.email, password: `wrong-password-${i}` });
    assert.equal(r.status, 401, `attempt ${i + 1}`);
    assert.equal(r.json.error.code, 'invalid_credentials');
  }
  const r = await c.post('/api/session', { email: u.email, password: u.password });
  assert.equal(r.status, 429);
  assert.equal(r.json.error.code, 'throttled');
  const retry = Number(r.headers.get('retry-after'));
  assert.ok(retry > 800 && retry <= 900, `Retry-After ${retry}`);
  const audit = await admin.get(`/api/audit?actor=${encodeURIComponent(u.email)}&action=session.login`);
  assert.equal(audit.status, 200);
  const outcomes = audit.json.items.map((e) => e.outcome);
  assert.equal(outcomes.filter((o) => o === 'failure').length, 5);
  assert.equal(outcomes.filter((o) => o === 'throttled').length, 1);
  // A lab admin's password reset lifts the lock.
  const reset = await admin.post(`/api/users/${u.id}/reset-password`, {});
  assert.equal(reset.status, 200);
  const again = await c.post('/api/session', { email: u.email, password: reset.json.one_time_password });
  assert.equal(again.status, 200);
});

test('unknown addresses are throttled the same way and answer like wrong passwords', async () => {
  const c = new Client(srv.url);
  for (let i = 0; i < 5; i++) {
    const r = await c.post('/api/session', { email: 'nobody@nowhere.example', password: 'whatever-password' });
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'invalid_credentials');
  }
  const r = await c.post('/api/session', { email: 'nobody@nowhere.example', password: 'whatever-password' });
  assert.equal(r.status, 429);
});

test('a mutating request with the session cookie but no CSRF header is 403 and changes nothing', async () => {
  const before = await admin.get('/api/tokens');
  const r = await admin.post('/api/tokens', { name: 'should not exist' }, { csrf: false });
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'csrf');
  const wrong = await admin.post('/api/tokens', { name: 'nor this' }, { csrf: false, headers: { 'x-csrf-token': 'x'.repeat(43) } });
  assert.equal(wrong.status, 403);
  const after = await admin.get('/api/tokens');
  assert.equal(after.json.items.length, before.json.items.length);
});

test('GET /api/session returns the user and CSRF token; without a cookie it is 401', async () => {
  const r = await admin.get('/api/session');
  assert.equal(r.status, 200);
  assert.equal(r.json.user.email, srv.admin.email);
  assert.equal(r.json.csrf_token, admin.csrf);
  const anon = await new Client(srv.url).get('/api/session');
  assert.equal(anon.status, 401);
  assert.equal(anon.json.error.code, 'unauthenticated');
});

test('logging out ends the session on the server', async () => {
  const u = await makeUser(srv, admin, 'researcher');
  const c = u.client;
  const saved = c.cookie;
  const r = await c.del('/api/session');
  assert.equal(r.status, 204);
  c.cookie = saved; // replaying the old cookie must not work
  const after = await c.get('/api/me');
  assert.equal(after.status, 401);
});

test('a rater must enrol TOTP before using kvalab, and then needs it to sign in', async () => {
  const u = await makeUser(srv, admin, 'rater');
  const c = u.client;
  let r = await c.get('/api/tokens');
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'totp_enrolment_required');
  r = await c.post('/api/me/totp/confirm', { code: '123456' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'totp_not_started');
  r = await c.post('/api/me/totp', {});
  assert.equal(r.status, 200);
  assert.match(r.json.secret, /^[A-Z2-7]{32}$/);
  assert.match(r.json.otpauth_uri, /^otpauth:\/\/totp\/kvalab:.*secret=/);
  assert.match(r.json.qr_svg, /^<svg [^>]*viewBox/);
  const secret = r.json.secret;
  r = await c.post('/api/me/totp/confirm', { code: totp(secret, Date.now() + 5 * 60 * 1000) });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'invalid_totp');
  const code = totp(secret);
  r = await c.post('/api/me/totp/confirm', { code });
  assert.equal(r.status, 200);
  assert.equal(r.json.totp_enabled, true);
  r = await c.get('/api/tokens');
  assert.equal(r.status, 200);
  r = await c.post('/api/me/totp', {});
  assert.equal(r.status, 409);
  const fresh = new Client(srv.url);
  r = await fresh.post('/api/session', { email: u.email, password: u.password });
  assert.equal(r.json.error.code, 'totp_required');
  r = await fresh.post('/api/session', { email: u.email, password: u.password, totp: await freshTotp(secret, code) });
  assert.equal(r.status, 200);
});

test('changing language and display name is saved on the account', async () => {
  const u = await makeUser(srv, admin, 'therapist');
  const r = await u.client.patch('/api/me', { locale: 'da', display_name: 'Kirsten Ø. Ærø' });
  assert.equal(r.status, 200);
  assert.equal(r.json.locale, 'da');
  assert.equal(r.json.display_name, 'Kirsten Ø. Ærø');
  const bad = await u.client.patch('/api/me', { locale: 'sv' });
  assert.equal(bad.status, 400);
  assert.ok(bad.json.error.fields.locale);
});
