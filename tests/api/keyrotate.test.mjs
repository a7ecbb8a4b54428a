// kvalab key rotate: a new master key, every wrapped key rewrapped, nothing re-encrypted, and
// everything still readable afterwards; an interrupted rotation is finished on the next start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, renameSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startServer, kvalab } from '../lib/server.mjs';
import { Client, adminClient, freshTotp } from '../lib/client.mjs';
import { setupLab, submissionWithRecording } from '../lib/flow.mjs';

const PDF = Buffer.from('%PDF-1.4\n% rotation test document\n%%EOF\n');
const VTT = 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Terapeut>Hva skjedde da?\n';
const sealedOf = (srv, id) => execFileSync('sqlite3', [join(srv.data, 'kvalab.db'), `SELECT hex(sealed) FROM transcripts WHERE id = ${id}`], { encoding: 'utf8' }).trim();

test('rotating the master key keeps TOTP, documents, transcripts and the audit chain working; the old key no longer opens anything', async () => {
  const srv = await startServer({ web: false });
  try {
    const admin = await adminClient(srv);
    const inst = (await admin.post('/api/institutions', { name: 'Rotasjonsklinikken' })).json;
    const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1' })).json;
    await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: PDF, headers: { 'content-type': 'application/pdf' } });
    // A transcript: its cues are sealed under the master key itself, so they are resealed.
    const sub = await submissionWithRecording(await setupLab(srv, admin, { institution: 'Transkripsjonsklinikken', supervisor: false }));
    const tr = await admin.request('PUT', `/api/submissions/${sub.id}/transcript`, undefined, { raw: Buffer.from(VTT), headers: { 'content-type': 'text/vtt' } });
    assert.equal(tr.status, 201, tr.text);
    const sealedBefore = sealedOf(srv, tr.json.id);
    const keyPath = join(srv.data, 'master.key');
    const oldKey = readFileSync(keyPath);

    const busy = kvalab(['key', 'rotate', '--data', srv.data]);
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /stop it first/);

    let out;
    await srv.whileStopped(async () => {
      out = kvalab(['key', 'rotate', '--data', srv.data]);
      assert.equal(out.status, 0, out.stderr);
      assert.match(out.stdout, /master key rotated; \d+ wrapped keys rewrapped/);
      assert.notDeepEqual(readFileSync(keyPath), oldKey);
      assert.ok(!existsSync(`${keyPath}.new`));
      assert.equal(kvalab(['check', '--data', srv.data]).status, 0);
      // The old key opens nothing any more.
      const newKey = readFileSync(keyPath);
      writeFileSync(keyPath, oldKey, { mode: 0o600 });
      const check = kvalab(['check', '--data', srv.data]);
      assert.equal(check.status, 1);
      assert.match(check.stdout, /audit key cannot be unwrapped/);
      writeFileSync(keyPath, newKey, { mode: 0o600 });
    });
    // Sign in again with TOTP: the seed was rewrapped.
    const again = new Client(srv.url);
    const code = await freshTotp(srv.admin.totpSecret, srv.admin.lastCode);
    const r = await again.post('/api/session', { email: srv.admin.email, password: srv.admin.password, totp: code });
    assert.equal(r.status, 200, r.text);
    const doc = await fetch(`${srv.url}/api/agreements/${ag.id}/document`, { headers: { cookie: again.cookie } });
    assert.deepEqual(Buffer.from(await doc.arrayBuffer()), PDF);
    const audit = await again.get('/api/audit?action=system.key_rotate');
    assert.equal(audit.json.total, 1);
    const read = await again.get(`/api/submissions/${sub.id}/transcript`);
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json.cues, tr.json.cues);
    assert.notEqual(sealedOf(srv, tr.json.id), sealedBefore);
  } finally {
    await srv.stop();
  }
});

test('a rotation interrupted after its commit is finished when the data folder is next opened', async () => {
  const srv = await startServer({ web: false });
  try {
    await srv.whileStopped(async () => {
      const keyPath = join(srv.data, 'master.key');
      const oldKey = readFileSync(keyPath);
      assert.equal(kvalab(['key', 'rotate', '--data', srv.data]).status, 0);
      // Put the world back as it was between the commit and the rename.
      renameSync(keyPath, `${keyPath}.new`);
      writeFileSync(keyPath, oldKey, { mode: 0o600 });
      const check = kvalab(['check', '--data', srv.data]);
      assert.equal(check.status, 0, check.stdout + check.stderr);
      assert.match(check.stderr, /finished an interrupted key rotation/);
      assert.ok(!existsSync(`${keyPath}.new`));
      // A leftover that does not belong to the database is simply removed.
      copyFileSync(keyPath, `${keyPath}.tmp`);
      writeFileSync(`${keyPath}.new`, Buffer.alloc(32, 9), { mode: 0o600 });
      assert.equal(kvalab(['check', '--data', srv.data]).status, 0);
      assert.ok(!existsSync(`${keyPath}.new`));
    });
    assert.equal((await fetch(`${srv.url}/api/health`)).status, 200);
  } finally {
    await srv.stop();
  }
});
