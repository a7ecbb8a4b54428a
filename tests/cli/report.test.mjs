// End-to-end tests of `kvalab report`: a rating file to a profile, a profile to a PDF.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kvalab, ROOT } from '../lib/server.mjs';

const DIR = mkdtempSync(join(tmpdir(), 'kvalab-report-'));
after(() => rmSync(DIR, { recursive: true, force: true }));
const MBT = join(ROOT, 'instruments/mbt-i-aqs-1.json');
const RATING = join(ROOT, 'bench/report/rating.json');
const FEEDBACK = join(ROOT, 'bench/report/feedback.json');

test('report profile prints the profile of a rating', () => {
  const r = kvalab(['report', 'profile', '--instrument', MBT, '--rating', RATING, '--duration', '3000', '--lang', 'en']);
  assert.equal(r.status, 0, r.stderr);
  const p = JSON.parse(r.stdout);
  assert.equal(p.counts.total, 12);
  assert.equal(p.counts.per_minute, 0.24);
  assert.deepEqual(p.counts.most_used, ['16', '2', '6']);
  assert.equal(p.balance.verdict, 'support_heavy');
  assert.deepEqual(p.improvements.map((i) => i.item), ['3', '8', '6']);
  assert.equal(p.reference.available, false);
});

test('report render writes a PDF with the names and clip times', () => {
  const r0 = kvalab(['report', 'profile', '--instrument', MBT, '--rating', RATING, '--duration', '3000']);
  assert.equal(r0.status, 0, r0.stderr);
  const profile = join(DIR, 'profile.json');
  const pdf = join(DIR, 'report.pdf');
  writeFileSync(profile, r0.stdout);
  const r = kvalab(['report', 'render', '--profile', profile, '--feedback', FEEDBACK, '--out', pdf,
    '--therapist', 'Åse Ødegård', '--institution', 'Sørlandet sykehus', '--date', '2026-03-01']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-');
  const text = spawnSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).stdout;
  assert.match(text, /Åse Ødegård/);
  assert.match(text, /Klipp 12:05–13:10/);
  assert.match(text, /Side 1 av \d/);
});

test('report refuses missing options and bad files with exit 2', () => {
  let r = kvalab(['report', 'render', '--out', join(DIR, 'x.pdf')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /give --profile and --out/);
  const bad = join(DIR, 'bad.json');
  writeFileSync(bad, '{"scores": ');
  r = kvalab(['report', 'profile', '--instrument', MBT, '--rating', bad]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /bad\.json: line 1/);
  r = kvalab(['report', 'frob']);
  assert.equal(r.status, 2);
  r = kvalab(['report', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: kvalab report/);
});
