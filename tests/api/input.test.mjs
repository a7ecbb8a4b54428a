// Bad input of every kind gets a specific error and changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { adminClient } from '../lib/client.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
});
after(async () => { await srv.stop(); });

async function userCount() {
  return (await admin.get('/api/users?include_disabled=true')).json.items.length;
}

test('malformed JSON is a 400 that names the problem and its position', async () => {
  const n = await userCount();
  const r = await admin.post('/api/users', undefined, { raw: '{"email": "a@b.no", "role": }', headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_json');
  assert.match(r.json.error.message, /not valid JSON.*line 1, column \d+/);
  assert.equal(await userCount(), n);
});

test('a body that is not an object, or nests too deeply, is refused', async () => {
  let r = await admin.post('/api/users', ['a']);
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /JSON object/);
  r = await admin.post('/api/users', undefined, { raw: '{"a":' + '['.repeat(40) + ']'.repeat(40) + '}' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /nested too deeply/);
});

test('duplicate keys are refused rather than silently picking one', async () => {
  const r = await admin.post('/api/users', undefined, { raw: '{"email":"x@y.no","email":"z@y.no","role":"rater"}' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_json');
});

test('each invalid field is named with its reason', async () => {
  const n = await userCount();
  const r = await admin.post('/api/users', { email: 'not-an-address', role: 'king', display_name: 7, colour: 'blue' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_input');
  const f = r.json.error.fields;
  assert.match(f.email, /e-mail address/);
  assert.match(f.role, /allowed values/);
  assert.match(f.display_name, /string/);
  assert.match(f.colour, /not a field/);
  assert.equal(await userCount(), n);
});

test('missing required fields are named', async () => {
  const r = await admin.post('/api/users', {});
  assert.equal(r.status, 400);
  assert.equal(r.json.error.fields.email, 'is required');
  assert.equal(r.json.error.fields.role, 'is required');
});

test('control characters and embedded NUL in text are refused', async () => {
  let r = await admin.patch('/api/me', { display_name: 'bad\u0007bell' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.display_name, /control characters/);
  r = await admin.patch('/api/me', { display_name: 'nul\u0000inside' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /u0000/);
  assert.equal((await admin.get('/api/me')).json.display_name, '');
});

test('a body larger than the route accepts is 413 before it is parsed', async () => {
  const big = JSON.stringify({ name: 'x'.repeat(64 * 1024) });
  const r = await admin.post('/api/tokens', undefined, { raw: big, headers: { 'content-type': 'application/json' } });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'too_large');
  const list = await admin.get('/api/tokens');
  assert.equal(list.json.items.length, 0);
});

test('bad query parameters are named: unknown ones, wrong types, impossible dates', async () => {
  let r = await admin.get('/api/audit?page=zero');
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.page, /whole number/);
  r = await admin.get('/api/audit?per_page=5000');
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.per_page, /out of range/);
  r = await admin.get('/api/audit?from=2026-02-30');
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.from, /ISO 8601/);
  r = await admin.get('/api/audit?sort=desc');
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.sort, /not a parameter/);
  r = await admin.get('/api/audit?from=2026-11-23&to=2026-11-22');
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.to);
});

test('path ids must be positive whole numbers', async () => {
  for (const p of ['/api/users/0', '/api/users/-1', '/api/users/abc', '/api/users/99999999999999999999']) {
    const r = await admin.get(p);
    assert.equal(r.status, 404, p);
  }
  const r = await admin.get('/api/users/424242');
  assert.equal(r.status, 404);
  assert.equal(r.json.error.message, 'no such user');
});
