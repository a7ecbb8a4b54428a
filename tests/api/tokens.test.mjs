// Personal API tokens: Bearer authentication for scripts, shown once, revocable.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, kvalab } from '../lib/server.mjs';
import { Client, adminClient, makeUser } from '../lib/client.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
});
after(async () => { await srv.stop(); });

test('a token created in the API works as a Bearer token without CSRF, until it is revoked', async () => {
  const u = await makeUser(srv, admin, 'therapist');
  const r = await u.client.post('/api/tokens', { name: 'export script', days: 30 });
  assert.equal(r.status, 201);
  assert.match(r.json.token, /^kv_[A-Za-z0-9_-]{43}$/);
  const exp = new Date(r.json.item.expires_at) - new Date(r.json.item.created_at);
  assert.equal(Math.round(exp / 86400000), 30);
  const script = new Client(srv.url);
  script.bearer = r.json.token;
  let me = await script.get('/api/me');
  assert.equal(me.status, 200);
  assert.equal(me.json.email, u.email);
  const patch = await script.patch('/api/me', { display_name: 'via token' });
  assert.equal(patch.status, 200);
  const list = await u.client.get('/api/tokens');
  assert.equal(list.json.items.length, 1);
  assert.ok(list.json.items[0].last_used_at);
  assert.equal(list.json.items[0].token, undefined);
  const del = await u.client.del(`/api/tokens/${r.json.item.id}`);
  assert.equal(del.status, 204);
  me = await script.get('/api/me');
  assert.equal(me.status, 401);
  const after = await u.client.get('/api/tokens');
  assert.ok(after.json.items[0].revoked_at);
  assert.equal((await u.client.del(`/api/tokens/${r.json.item.id}`)).status, 404);
});

test('a user cannot see or revoke another user\'s token', async () => {
  const a = await makeUser(srv, admin, 'therapist');
  const b = await makeUser(srv, admin, 'therapist');
  const r = await a.client.post('/api/tokens', { name: 'mine' });
  assert.equal((await b.client.get('/api/tokens')).json.items.length, 0);
  assert.equal((await b.client.del(`/api/tokens/${r.json.item.id}`)).status, 404);
  const script = new Client(srv.url);
  script.bearer = r.json.token;
  assert.equal((await script.get('/api/me')).status, 200);
});

test('kvalab token create prints a working token; garbage tokens are refused', async () => {
  const u = await makeUser(srv, admin, 'researcher');
  const out = kvalab(['token', 'create', '--data', srv.data, '--email', u.email, '--days', '7', '--name', 'cron']);
  assert.equal(out.status, 0, out.stderr);
  const token = out.stdout.trim();
  assert.match(token, /^kv_/);
  const script = new Client(srv.url);
  script.bearer = token;
  assert.equal((await script.get('/api/me')).json.email, u.email);
  script.bearer = 'kv_' + 'A'.repeat(43);
  const bad = await script.get('/api/me');
  assert.equal(bad.status, 401);
  const basic = await fetch(`${srv.url}/api/me`, { headers: { authorization: 'Basic Zm9vOmJhcg==' } });
  assert.equal(basic.status, 401);
});

test('a token of a user who must still change the password is held to the same rule', async () => {
  const u = await makeUser(srv, admin, 'therapist', { activate: false });
  const out = kvalab(['token', 'create', '--data', srv.data, '--email', u.email]);
  const script = new Client(srv.url);
  script.bearer = out.stdout.trim();
  const r = await script.get('/api/tokens');
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'password_change_required');
});

test('token names and lifetimes are validated', async () => {
  let r = await admin.post('/api/tokens', { name: '' });
  assert.equal(r.status, 400);
  r = await admin.post('/api/tokens', { name: 'x', days: 400 });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.days, /out of range/);
});
