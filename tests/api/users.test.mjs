// User administration by lab admins, and refusals for everyone else.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { Client, adminClient, makeUser } from '../lib/client.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
});
after(async () => { await srv.stop(); });

test('a lab admin creates a user and gets a one-time password shown once', async () => {
  const r = await admin.post('/api/users', { email: 'Kari.Nordmann@Klinikk.example', role: 'supervisor', display_name: 'Kari Nordmann' });
  assert.equal(r.status, 201);
  assert.equal(r.json.user.email, 'kari.nordmann@klinikk.example');
  assert.equal(r.json.user.role, 'supervisor');
  assert.equal(r.json.user.must_change_password, true);
  assert.equal(r.json.user.totp_required, true);
  assert.match(r.json.one_time_password, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  const got = await admin.get(`/api/users/${r.json.user.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.json.one_time_password, undefined);
  assert.equal(got.json.password_hash, undefined);
  const dup = await admin.post('/api/users', { email: 'kari.nordmann@klinikk.example', role: 'rater' });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'email_taken');
});

test('an institution id must name a registered institution', async () => {
  const r = await admin.post('/api/users', { email: 'inst@clinic.example', role: 'institution_admin', institution_id: 77 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'institution_not_found');
  assert.ok(r.json.error.fields.institution_id);
});

test('the user list filters by role, text and disabled state', async () => {
  await makeUser(srv, admin, 'researcher', { activate: false });
  const t = await makeUser(srv, admin, 'therapist', { activate: false });
  let r = await admin.get('/api/users?role=therapist');
  assert.ok(r.json.items.length >= 1);
  assert.ok(r.json.items.every((u) => u.role === 'therapist'));
  r = await admin.get(`/api/users?q=${encodeURIComponent(t.email.slice(0, 12))}`);
  assert.ok(r.json.items.some((u) => u.email === t.email));
  await admin.patch(`/api/users/${t.id}`, { disabled: true });
  r = await admin.get('/api/users?role=therapist');
  assert.ok(!r.json.items.some((u) => u.email === t.email));
  r = await admin.get('/api/users?role=therapist&include_disabled=true');
  assert.ok(r.json.items.some((u) => u.email === t.email && u.disabled));
});

test('a therapist calling a lab admin route gets 403, and the refusal is audited', async () => {
  const t = await makeUser(srv, admin, 'therapist');
  for (const [m, p, b] of [['GET', '/api/users'], ['POST', '/api/users', { email: 'x@y.no', role: 'lab_admin' }], ['GET', '/api/audit'], ['POST', '/api/users/1/reset-password', {}]]) {
    const r = await t.client.request(m, p, b);
    assert.equal(r.status, 403, `${m} ${p}`);
    assert.equal(r.json.error.code, 'forbidden');
  }
  const audit = await admin.get(`/api/audit?actor=${encodeURIComponent(t.email)}&action=access.denied`);
  assert.equal(audit.json.total, 4);
  assert.equal(audit.json.items[0].outcome, 'denied');
});

test('every role other than lab admin is refused user administration', async () => {
  for (const role of ['supervisor', 'rater', 'institution_admin', 'researcher']) {
    const u = await makeUser(srv, admin, role);
    const r = await u.client.get('/api/users');
    assert.equal(r.status, 403, role);
  }
});

test('disabling a user ends their sessions and stops sign-in', async () => {
  const u = await makeUser(srv, admin, 'therapist');
  assert.equal((await u.client.get('/api/me')).status, 200);
  const r = await admin.patch(`/api/users/${u.id}`, { disabled: true });
  assert.equal(r.status, 200);
  assert.equal(r.json.disabled, true);
  assert.equal((await u.client.get('/api/me')).status, 401);
  const login = await new Client(srv.url).post('/api/session', { email: u.email, password: u.password });
  assert.equal(login.status, 401);
  await admin.patch(`/api/users/${u.id}`, { disabled: false });
  const again = await new Client(srv.url).post('/api/session', { email: u.email, password: u.password });
  assert.equal(again.status, 200);
});

test('a lab admin cannot disable or demote themselves', async () => {
  const me = (await admin.get('/api/me')).json;
  let r = await admin.patch(`/api/users/${me.id}`, { disabled: true });
  assert.equal(r.status, 422);
  r = await admin.patch(`/api/users/${me.id}`, { role: 'rater' });
  assert.equal(r.status, 422);
  assert.equal((await admin.get('/api/me')).json.role, 'lab_admin');
});

test('changing a role and name is saved and audited', async () => {
  const u = await makeUser(srv, admin, 'therapist', { activate: false });
  const r = await admin.patch(`/api/users/${u.id}`, { role: 'supervisor', display_name: 'Ola Veileder' });
  assert.equal(r.status, 200);
  assert.equal(r.json.role, 'supervisor');
  const audit = await admin.get(`/api/audit?object_type=user&object_id=${u.id}&action=user.update`);
  assert.equal(audit.json.total, 1);
  assert.match(audit.json.items[0].detail, /role=supervisor/);
});

test('resetting a password gives a new one-time password and ends sessions', async () => {
  const u = await makeUser(srv, admin, 'therapist');
  const r = await admin.post(`/api/users/${u.id}/reset-password`, {});
  assert.equal(r.status, 200);
  assert.equal((await u.client.get('/api/me')).status, 401);
  const old = await new Client(srv.url).post('/api/session', { email: u.email, password: u.password });
  assert.equal(old.status, 401);
  const c = new Client(srv.url);
  const fresh = await c.post('/api/session', { email: u.email, password: r.json.one_time_password });
  assert.equal(fresh.status, 200);
  assert.equal(fresh.json.user.must_change_password, true);
});

test('resetting TOTP makes the user enrol again', async () => {
  const u = await makeUser(srv, admin, 'rater');
  const { totp } = await import('../lib/totp.mjs');
  const s = await u.client.post('/api/me/totp', {});
  await u.client.post('/api/me/totp/confirm', { code: totp(s.json.secret) });
  assert.equal((await admin.get(`/api/users/${u.id}`)).json.totp_enabled, true);
  const r = await admin.post(`/api/users/${u.id}/reset-totp`, {});
  assert.equal(r.status, 200);
  assert.equal(r.json.totp_enabled, false);
  const c = new Client(srv.url);
  const login = await c.post('/api/session', { email: u.email, password: u.password });
  assert.equal(login.status, 200);
  assert.equal((await c.get('/api/tokens')).json.error.code, 'totp_enrolment_required');
});
