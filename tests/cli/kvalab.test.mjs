// The kvalab command line: forms that scripts and the README depend on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kvalab, field, ROOT } from '../lib/server.mjs';

const TMP = join(ROOT, 'tests/.tmp');
mkdirSync(TMP, { recursive: true });

function freshDir() {
  return join(mkdtempSync(join(TMP, 'cli-')), 'var');
}

test('kvalab version prints the version', () => {
  const r = kvalab(['version']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^kvalab \d+\.\d+\.\d+$/m);
});

test('every subcommand answers --help with usage and status 0', () => {
  for (const cmd of ['init', 'serve', 'user', 'token', 'backup', 'check', 'stats', 'routes', 'retention', 'key', 'instrument', 'mail']) {
    const r = kvalab([cmd, '--help']);
    assert.equal(r.status, 0, `${cmd}: ${r.stderr}`);
    assert.match(r.stdout, /usage: kvalab/, cmd);
  }
  const top = kvalab(['--help']);
  assert.equal(top.status, 0);
  assert.match(top.stdout, /commands:/);
});

test('unknown commands and missing options exit 2 with a message', () => {
  let r = kvalab(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  r = kvalab(['init', '--data', freshDir()]);
  assert.equal(r.status, 2);
  r = kvalab(['init', '--data', freshDir(), '--admin', 'not-an-email']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--admin must be an e-mail address/);
  r = kvalab(['user', 'add', '--data', freshDir(), '--email', 'a@b.no', '--role', 'king']);
  assert.notEqual(r.status, 0);
});

test('init creates the folder with a 0600 key and prints the admin credentials once', () => {
  const dir = freshDir();
  const r = kvalab(['init', '--data', dir, '--admin', 'Lab.Admin@Example.org']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(field(r.stdout, 'admin'), 'lab.admin@example.org');
  assert.match(field(r.stdout, 'one-time password'), /^[a-z2-9-]{19}$/);
  assert.match(field(r.stdout, 'totp secret'), /^[A-Z2-7]{32}$/);
  assert.equal(statSync(join(dir, 'master.key')).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'master.key')).size, 32);
  assert.equal(statSync(join(dir, 'kvalab.db')).mode & 0o077, 0);
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  // The one-time password is not stored in clear anywhere in the folder.
  const pw = field(r.stdout, 'one-time password');
  assert.ok(!readFileSync(join(dir, 'kvalab.db')).includes(Buffer.from(pw)));
  const check = kvalab(['check', '--data', dir]);
  assert.equal(check.status, 0, check.stdout);
});

test('init refuses to overwrite an existing folder', () => {
  const dir = freshDir();
  assert.equal(kvalab(['init', '--data', dir, '--admin', 'a@b.no']).status, 0);
  const before = readFileSync(join(dir, 'master.key'));
  const r = kvalab(['init', '--data', dir, '--admin', 'c@d.no']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already exists and is not empty/);
  assert.deepEqual(readFileSync(join(dir, 'master.key')), before);
});

test('user add, list, disable, enable and reset-password work and are audited', () => {
  const dir = freshDir();
  kvalab(['init', '--data', dir, '--admin', 'a@b.no']);
  let r = kvalab(['user', 'add', '--data', dir, '--email', 'Rater@Lab.no', '--role', 'rater', '--name', 'Rita Rater']);
  assert.equal(r.status, 0, r.stderr);
  const first = field(r.stdout, 'one-time password');
  r = kvalab(['user', 'add', '--data', dir, '--email', 'rater@lab.no', '--role', 'therapist']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /already exists/);
  r = kvalab(['user', 'list', '--data', dir]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /rater@lab\.no\s+rater\s+active/);
  r = kvalab(['user', 'disable', '--data', dir, '--email', 'rater@lab.no']);
  assert.equal(r.status, 0);
  assert.match(kvalab(['user', 'list', '--data', dir]).stdout, /rater@lab\.no\s+rater\s+disabled/);
  assert.equal(kvalab(['user', 'enable', '--data', dir, '--email', 'rater@lab.no']).status, 0);
  r = kvalab(['user', 'reset-password', '--data', dir, '--email', 'rater@lab.no']);
  assert.equal(r.status, 0);
  assert.notEqual(field(r.stdout, 'one-time password'), first);
  r = kvalab(['user', 'disable', '--data', dir, '--email', 'ghost@lab.no']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no user with e-mail ghost@lab.no/);
  r = kvalab(['user', 'add', '--data', dir, '--email', 'x@lab.no', '--role', 'therapist', '--institution', '9']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a registered institution/);
  const check = kvalab(['check', '--data', dir]);
  assert.match(check.stdout, /audit chain intact \(6 rows\)/);
});

test('the INI file is read, and a wrong setting is reported with its line', () => {
  const dir = freshDir();
  kvalab(['init', '--data', dir, '--admin', 'a@b.no']);
  writeFileSync(join(dir, 'kvalab.ini'), '[server]\nthreads = 2\n[sessions]\nidle_minutes = lots\n');
  const r = kvalab(['serve', '--data', dir, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /kvalab\.ini:4: idle_minutes must be a whole number/);
});

test('serve refuses a malformed --listen address', () => {
  const dir = freshDir();
  kvalab(['init', '--data', dir, '--admin', 'a@b.no']);
  const r = kvalab(['serve', '--data', dir, '--listen', 'localhost']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--listen must be ADDRESS:PORT/);
});
