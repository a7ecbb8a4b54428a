// The audit log: what is written, how it is read, and `kvalab check` catching tampering.
// Also the data folder's life: online backup, and SIGTERM draining.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, kvalab } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';

function sql(db, statement) {
  return execFileSync('sqlite3', [db, statement], { encoding: 'utf8' });
}

test('sign-ins, changes and refusals are audited with actor, role, object and outcome; reads are paged and filtered', async () => {
  const srv = await startServer({ web: false });
  try {
    const admin = await adminClient(srv);
    const t = await makeUser(srv, admin, 'therapist');
    const all = await admin.get('/api/audit?per_page=200');
    assert.equal(all.status, 200);
    const actions = all.json.items.map((e) => e.action);
    for (const a of ['system.init', 'user.create', 'session.login', 'user.password_change']) {
      assert.ok(actions.includes(a), `missing ${a} in ${actions.join(' ')}`);
    }
    const create = all.json.items.find((e) => e.action === 'user.create' && e.object_id === String(t.id));
    assert.equal(create.actor_email, srv.admin.email);
    assert.equal(create.role, 'lab_admin');
    assert.equal(create.object_type, 'user');
    assert.equal(create.outcome, 'success');
    assert.equal(create.ip, '127.0.0.1');
    assert.match(create.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/);
    // Newest first, paged.
    const p1 = await admin.get('/api/audit?action=user.&per_page=2&page=1');
    const p2 = await admin.get('/api/audit?action=user.&per_page=2&page=2');
    assert.equal(p1.json.items.length, 2);
    assert.ok(p1.json.items[0].id > p1.json.items[1].id);
    assert.ok(p1.json.items[1].id > p2.json.items[0].id);
    assert.equal(p1.json.total, p2.json.total);
    // Time filters.
    const future = await admin.get('/api/audit?from=2099-01-01');
    assert.equal(future.json.total, 0);
    const today = new Date().toISOString().slice(0, 10);
    const day = await admin.get(`/api/audit?from=${today}&to=${today}&action=user.create`);
    assert.ok(day.json.total >= 1);
    // Reading the audit log is itself audited.
    const reads = await admin.get('/api/audit?action=audit.read');
    assert.ok(reads.json.total >= 5);
    // Nothing secret is written: no passwords, no tokens.
    const dump = sql(join(srv.data, 'kvalab.db'), 'SELECT * FROM audit_log');
    assert.doesNotMatch(dump, new RegExp(t.password.replace(/[-]/g, '\\-')));
    assert.doesNotMatch(dump, /kv_[A-Za-z0-9_-]{43}/);
  } finally {
    await srv.stop();
  }
});

test('kvalab check passes on an intact log and names the row that was edited directly', async () => {
  const srv = await startServer({ web: false });
  try {
    const admin = await adminClient(srv);
    await makeUser(srv, admin, 'therapist');
    let r = kvalab(['check', '--data', srv.data]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /ok: audit chain intact \(\d+ rows\)/);
    const db = join(srv.data, 'kvalab.db');
    // The table refuses updates and deletes; an attacker with the file drops the guard first.
    assert.throws(() => sql(db, "UPDATE audit_log SET outcome = 'success' WHERE id = 3"), /append-only/);
    sql(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_email = 'someone@else.example' WHERE id = 3");
    r = kvalab(['check', '--data', srv.data]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /FAIL: audit log: row 3 was changed after it was written/);
  } finally {
    await srv.stop();
  }
});

test('kvalab check notices deleted rows, in the middle and at the end', async () => {
  const srv = await startServer({ web: false });
  try {
    const admin = await adminClient(srv);
    await makeUser(srv, admin, 'therapist');
    await srv.stop({ keep: true });
    const db = join(srv.data, 'kvalab.db');
    const last = Number(sql(db, 'SELECT max(id) FROM audit_log').trim());
    sql(db, `DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = ${last}`);
    let r = kvalab(['check', '--data', srv.data]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /rows were cut from the end/);
    sql(db, 'DELETE FROM audit_log WHERE id = 2');
    r = kvalab(['check', '--data', srv.data]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /row 2 is missing/);
  } finally {
    await srv.stop();
  }
});

test('kvalab check reports a wrong master key and a damaged database file', async () => {
  const srv = await startServer({ web: false });
  await srv.stop({ keep: true });
  const { writeFileSync, readFileSync } = await import('node:fs');
  const key = join(srv.data, 'master.key');
  const saved = readFileSync(key);
  writeFileSync(key, Buffer.alloc(32, 7), { mode: 0o600 });
  let r = kvalab(['check', '--data', srv.data]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /audit key cannot be unwrapped with this master key/);
  writeFileSync(key, saved, { mode: 0o600 });
  execFileSync('chmod', ['0644', key]);
  r = kvalab(['check', '--data', srv.data]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /must have mode 0600/);
  execFileSync('chmod', ['0600', key]);
  writeFileSync(join(srv.data, 'kvalab.db'), 'not a database at all');
  r = kvalab(['check', '--data', srv.data]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /FAIL/);
  await srv.stop();
});

test('kvalab backup copies the database while the server is writing, and the copy checks clean', async () => {
  const srv = await startServer({ web: false });
  try {
    const admin = await adminClient(srv);
    const writes = Promise.all([1, 2, 3].map(() => makeUser(srv, admin, 'therapist', { activate: false })));
    const to = join(srv.data, '..', 'backup.db');
    const r = kvalab(['backup', '--data', srv.data, '--to', to]);
    await writes;
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(to));
    assert.equal(statSync(to).mode & 0o777, 0o600);
    assert.equal(sql(to, 'PRAGMA integrity_check').trim(), 'ok');
    assert.ok(Number(sql(to, 'SELECT count(*) FROM users').trim()) >= 1);
    const again = kvalab(['backup', '--data', srv.data, '--to', to]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /already exists/);
  } finally {
    await srv.stop();
  }
});

test('SIGTERM lets a request in flight finish and the server exits with status 0', async () => {
  const srv = await startServer({ web: false });
  const login = fetch(`${srv.url}/api/session`, {
    method: 'POST',
    body: JSON.stringify({ email: srv.admin.email, password: 'wrong-but-hashed-anyway' }),
  });
  await new Promise((r) => setTimeout(r, 20));
  const exited = new Promise((r) => srv.proc.once('exit', (code, signal) => r({ code, signal })));
  srv.proc.kill('SIGTERM');
  const res = await login;
  assert.equal(res.status, 401);
  const { code, signal } = await exited;
  assert.equal(signal, null);
  assert.equal(code, 0);
  assert.match(srv.log(), /SIGTERM received/);
  await srv.stop();
});
