// The HTTP layer: health, security headers, JSON errors for unknown routes, the UI's files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('health answers without login with status and version', async () => {
  const r = await fetch(`${srv.url}/api/health`);
  assert.equal(r.status, 200);
  const body = await r.json();
  assert.equal(body.status, 'ok');
  assert.match(body.version, /^\d+\.\d+\.\d+$/);
});

test('a fresh server imports the shipped instruments without a warning', () => {
  assert.doesNotMatch(srv.log(), /warning/, srv.log());
});

test('API responses carry the security headers and no-store', async () => {
  const r = await fetch(`${srv.url}/api/health`);
  assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('referrer-policy'), 'no-referrer');
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('unknown API route is a 404 with a JSON error', async () => {
  const r = await fetch(`${srv.url}/api/no-such-thing`);
  assert.equal(r.status, 404);
  const body = await r.json();
  assert.equal(body.error.code, 'not_found');
  assert.match(body.error.message, /no-such-thing/);
  assert.deepEqual(body.error.fields, {});
});

test('a known path with the wrong method is a 405 in JSON', async () => {
  const r = await fetch(`${srv.url}/api/health`, { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.equal((await r.json()).error.code, 'method_not_allowed');
});

test('the UI is served with a CSP that forbids inline script', async () => {
  const r = await fetch(`${srv.url}/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.match(await r.text(), /<script type="module"[^>]* src="\/assets\//);
});

test('client-side routes fall back to the UI, missing assets are 404', async () => {
  const page = await fetch(`${srv.url}/users`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">|<div id="root">|<body/);
  const missing = await fetch(`${srv.url}/assets/nothing-here.js`);
  assert.equal(missing.status, 404);
});

test('paths that climb out of the web folder are refused', async () => {
  for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/.git/config', '/assets/../../README.md']) {
    const r = await fetch(`${srv.url}${p}`);
    const text = await r.text();
    assert.doesNotMatch(text, /root:x:0:0|\[core\]|# kvalab/, p);
  }
});

test('only GET and HEAD are allowed outside /api', async () => {
  const r = await fetch(`${srv.url}/index.html`, { method: 'POST', body: 'x' });
  assert.equal(r.status, 405);
});
