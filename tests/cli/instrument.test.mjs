// kvalab instrument: importing the shipped scales, immutable versions, refusals with the path of
// the first error, and the list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kvalab, ROOT } from '../lib/server.mjs';

const TMP = join(ROOT, 'tests/.tmp');
mkdirSync(TMP, { recursive: true });

const SHIPPED = [
  { file: 'mbt-i-aqs-1.json', code: 'mbt-i-aqs', version: '1', items: 17 },
  { file: 'ctrs-1.json', code: 'ctrs', version: '1', items: 11 },
  { file: 'cts-r-1.json', code: 'cts-r', version: '1', items: 12 },
  { file: 'miti-4.2.1.json', code: 'miti', version: '4.2.1', items: 10 },
];

function shipped(file) {
  return join(ROOT, 'instruments', file);
}

function freshData() {
  const base = mkdtempSync(join(TMP, 'instr-'));
  const data = join(base, 'var');
  const r = kvalab(['init', '--data', data, '--admin', 'admin@lab.example']);
  assert.equal(r.status, 0, r.stderr);
  return { base, data };
}

// Writes a variant of a shipped file into dir and returns its path.
function variant(dir, file, name, change) {
  const def = JSON.parse(readFileSync(shipped(file), 'utf8'));
  change(def);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(def, null, 2));
  return path;
}

// How many rows the audit chain has (kvalab check verifies it).
function auditRows(data) {
  const r = kvalab(['check', '--data', data]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return Number(r.stdout.match(/audit chain intact \((\d+) rows\)/)[1]);
}

// The list's rows as objects keyed by the header's column names.
function listRows(data) {
  const r = kvalab(['instrument', 'list', '--data', data]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^id\s+code\s+version\s+kind\s+name\s+items$/);
  return lines.slice(1).map((line) => {
    const m = line.match(/^(\d+)\s+(\S+)\s+(\S+)\s+(fidelity|outcome)\s+(.+?)\s+(\d+|-)$/);
    assert.ok(m, `unexpected row: ${line}`);
    return { id: Number(m[1]), code: m[2], version: m[3], kind: m[4], name: m[5], items: m[6] };
  });
}

test('instrument --help prints usage and exits 0', () => {
  for (const args of [['instrument', '--help'], ['instrument', 'import', '--help'], ['instrument', 'list', '--help']]) {
    const r = kvalab(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /usage: kvalab instrument import --data DIR FILE/);
  }
  const top = kvalab(['--help']);
  assert.match(top.stdout, /instrument\s+import and list rating scales and outcome measures/);
});

test('bad usage exits 2', () => {
  assert.equal(kvalab(['instrument']).status, 2);
  assert.equal(kvalab(['instrument', 'frob']).status, 2);
  let r = kvalab(['instrument', 'list']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--data DIR is required/);
  const { data } = freshData();
  r = kvalab(['instrument', 'import', '--data', data]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /give at least one FILE/);
  r = kvalab(['instrument', 'list', '--data', data, 'extra']);
  assert.equal(r.status, 2);
});

test('a new data folder lists the seeded scales without definitions', () => {
  const { data } = freshData();
  const rows = listRows(data);
  for (const s of SHIPPED) {
    const row = rows.find((x) => x.code === s.code && x.version === s.version);
    assert.ok(row, `${s.code} ${s.version} seeded`);
    assert.equal(row.items, '-');
    assert.equal(row.kind, 'fidelity');
  }
});

test('each shipped file imports, fills its seeded row, and is audited', () => {
  const { data } = freshData();
  const before = listRows(data);
  const events = auditRows(data);
  for (const s of SHIPPED) {
    const r = kvalab(['instrument', 'import', '--data', data, shipped(s.file)]);
    assert.equal(r.status, 0, r.stderr);
    const seeded = before.find((x) => x.code === s.code && x.version === s.version);
    assert.equal(r.stdout.trim(), `imported ${s.code} ${s.version} (id ${seeded.id})`);
  }
  const after = listRows(data);
  assert.equal(after.length, before.length, 'no duplicate rows for seeded scales');
  for (const s of SHIPPED) {
    const row = after.find((x) => x.code === s.code && x.version === s.version);
    assert.equal(row.items, String(s.items), s.code);
  }
  assert.equal(after.find((x) => x.code === 'mbt-i-aqs').name,
    'MBT adherence and quality scale, individual (17 items)');
  // Four audit events more, and the chain still verifies.
  assert.equal(auditRows(data), events + 4);
});

test('re-importing an identical definition is "already imported"; key order does not matter', () => {
  const { base, data } = freshData();
  const events = auditRows(data);
  let r = kvalab(['instrument', 'import', '--data', data, ...SHIPPED.map((s) => shipped(s.file))]);
  assert.equal(r.status, 0, r.stderr);
  r = kvalab(['instrument', 'import', '--data', data, shipped('miti-4.2.1.json')]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^miti 4\.2\.1: already imported \(id \d+\)$/m);
  // The same definition, compact and with the keys in another order.
  const def = JSON.parse(readFileSync(shipped('ctrs-1.json'), 'utf8'));
  const reordered = Object.fromEntries(Object.entries(def).reverse());
  const path = join(base, 'ctrs-reordered.json');
  writeFileSync(path, JSON.stringify(reordered));
  r = kvalab(['instrument', 'import', '--data', data, path]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ctrs 1: already imported/);
  // Nothing was written: still one event per import.
  assert.equal(auditRows(data), events + 4);
});

test('an altered definition under the same version is refused; a new version imports', () => {
  const { base, data } = freshData();
  assert.equal(kvalab(['instrument', 'import', '--data', data, shipped('ctrs-1.json')]).status, 0);
  const altered = variant(base, 'ctrs-1.json', 'ctrs-altered.json', (d) => {
    d.thresholds[0].bands[1].from = 36;
  });
  let r = kvalab(['instrument', 'import', '--data', data, altered]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /ctrs 1 is already on file with a different definition; versions are immutable; give it a new version/);
  const v2 = variant(base, 'ctrs-1.json', 'ctrs-2.json', (d) => {
    d.version = '2';
    d.name.en = 'CTRS, lab cut-off 36';
    d.thresholds[0].bands[1].from = 36;
  });
  r = kvalab(['instrument', 'import', '--data', data, v2]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^imported ctrs 2 \(id \d+\)$/m);
  const rows = listRows(data).filter((x) => x.code === 'ctrs');
  assert.deepEqual(rows.map((x) => [x.version, x.items, x.name]),
    [['1', '11', 'Cognitive Therapy Rating Scale (CTRS)'], ['2', '11', 'CTRS, lab cut-off 36']]);
});

test('a file that breaks the schema exits 2 with the path of the first error', () => {
  const { base, data } = freshData();
  const broken = variant(base, 'ctrs-1.json', 'broken.json', (d) => {
    d.items[3].range = { min: 6, max: 0 };
  });
  let r = kvalab(['instrument', 'import', '--data', data, broken]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /broken\.json: items\[3\]\.range\.max: must be greater than min$/m);
  const badCode = variant(base, 'miti-4.2.1.json', 'bad-code.json', (d) => {
    d.codes[2].item = 'nope';
  });
  r = kvalab(['instrument', 'import', '--data', data, badCode]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /codes\[2\]\.item: no item 'nope'/);
  const noLanguage = variant(base, 'mbt-i-aqs-1.json', 'no-da.json', (d) => {
    delete d.items[16].label.da;
  });
  r = kvalab(['instrument', 'import', '--data', data, noLanguage]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /items\[16\]\.label\.da: is required/);
  // Not JSON at all, and duplicate keys.
  const notJson = join(base, 'not.json');
  writeFileSync(notJson, '{"schema": 1,\n  "code": }');
  r = kvalab(['instrument', 'import', '--data', data, notJson]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not\.json: not valid JSON: line 2, column \d+/);
  const dup = join(base, 'dup.json');
  writeFileSync(dup, '{"schema": 1, "code": "a", "code": "b"}');
  r = kvalab(['instrument', 'import', '--data', data, dup]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /duplicate object key/);
  // Too big to parse.
  const big = join(base, 'big.json');
  writeFileSync(big, ' '.repeat(1024 * 1024 + 1));
  r = kvalab(['instrument', 'import', '--data', data, big]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /larger than 1048576 bytes/);
  // Nothing was put on file.
  assert.ok(listRows(data).every((x) => x.items === '-'));
});

test('instrument check validates files without a data folder', () => {
  const { base } = freshData();
  let r = kvalab(['instrument', 'check', ...SHIPPED.map((s) => shipped(s.file))]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mbt-i-aqs-1\.json: ok \(mbt-i-aqs 1, 17 items\)/);
  const broken = variant(base, 'cts-r-1.json', 'cts-r-broken.json', (d) => {
    d.thresholds[0].bands[1].and[0].index = 'lowest';
  });
  r = kvalab(['instrument', 'check', broken]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /thresholds\[0\]\.bands\[1\]\.and\[0\]\.index: no derived index 'lowest'/);
});
