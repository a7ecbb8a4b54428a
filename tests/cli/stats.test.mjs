// End-to-end tests of `kvalab stats`: CSV files in a temp folder in, JSON or exit 2 out.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const BIN = process.env.KVALAB_BIN ? resolve(ROOT, process.env.KVALAB_BIN) : join(ROOT, 'build/kvalab');
const DIR = mkdtempSync(join(tmpdir(), 'kvalab-stats-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

function write(name, text) {
  const path = join(DIR, name);
  writeFileSync(path, text);
  return path;
}

// Runs `kvalab stats ARGS` in DIR so error messages show the bare file name.
function stats(args, input) {
  const r = spawnSync(BIN, ['stats', ...args], { cwd: DIR, encoding: 'utf8', input });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args, input) {
  const r = stats(args, input);
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function fails(args, pattern) {
  const r = stats(args);
  assert.equal(r.status, 2, `expected exit 2, got ${r.status}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, pattern);
  return r;
}

function near(actual, expected, rel = 1e-9) {
  const scale = Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= rel * scale, `${actual} is not ${expected} (rel ${rel})`);
}

// Shrout & Fleiss (1979): 6 targets x 4 judges.
const SF = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]];

function iccCsv() {
  // Columns out of order, an extra column, quoting, CRLF, and a subject missing a rater.
  const rows = ['score,"rater",note,subject'];
  SF.forEach((r, i) => r.forEach((v, j) => rows.push(`${v},J${j + 1},"a, ""note""",T${i + 1}`)));
  rows.push('4,J2,,T7');
  return rows.join('\r\n') + '\r\n';
}

test('icc reproduces Shrout & Fleiss and reports dropped subjects', () => {
  const out = ok(['icc', write('icc.csv', iccCsv())]);
  assert.equal(out.n_subjects, 6);
  assert.equal(out.n_raters, 4);
  assert.deepEqual(out.dropped_subjects, ['T7']);
  near(out.anova.MSB, 1349 / 120, 1e-12);
  near(out.anova.MSW, 451 / 72, 1e-12);
  near(out.anova.MSJ, 2339 / 72, 1e-12);
  near(out.anova.MSE, 367 / 360, 1e-12);
  assert.equal(out.anova.df_rows, 5);
  assert.equal(out.anova.df_raters, 3);
  assert.equal(out.anova.df_residual, 15);
  near(out.ICC1.icc, 0.1657417684054754, 1e-12);
  near(out.ICC2.icc, 0.28976377952755905, 1e-12);
  near(out.ICC3.icc, 0.7148407148407149, 1e-12);
  near(out.ICC1k.icc, 0.4427971336792686, 1e-12);
  near(out.ICC2k.icc, 0.620050547598989, 1e-12);
  near(out.ICC3k.icc, 0.9093155423770695, 1e-12);
  assert.equal(out.ICC1.df2, 18);
  near(out.ICC3.F, 11.02724795640327, 1e-12);
  // psych::ICC's interval for ICC2 (Satterthwaite df).
  near(out.ICC2.ci95_lower, 0.018786513374712047, 1e-9);
  near(out.ICC2.ci95_upper, 0.7610843696489531, 1e-9);
  near(out.ICC3.p, 0.00013456651648433693, 1e-9);
  for (const k of ['ICC1', 'ICC2', 'ICC3', 'ICC1k', 'ICC2k', 'ICC3k'])
    assert.deepEqual(Object.keys(out[k]), ['icc', 'F', 'df1', 'df2', 'p', 'ci95_lower', 'ci95_upper']);
});

test('numbers are printed with at least 12 significant digits', () => {
  const r = stats(['icc', write('icc2.csv', iccCsv())]);
  assert.match(r.stdout, /"icc": 0\.16574176840547/);
});

// Cohen (1968): 200 subjects, 3 categories.
const COHEN = [[88, 14, 18], [10, 40, 10], [2, 6, 12]];

test('kappa from a count table reproduces Cohen 1968 with FCE standard errors', () => {
  const rows = ['rater_a,rater_b,count'];
  COHEN.forEach((r, i) => r.forEach((n, j) => rows.push(`${i + 1},${j + 1},${n}`)));
  const out = ok(['kappa', write('table.csv', rows.join('\n'))]);
  assert.equal(out.n, 200);
  assert.deepEqual(out.categories, ['1', '2', '3']);
  near(out.kappa, 29 / 59, 1e-12);
  assert.equal(out.kappa.toFixed(3), '0.492');
  near(out.p_observed, 0.7, 1e-12);
  near(out.p_expected, 0.41, 1e-12);
  near(out.se, 0.05100181557607785, 1e-12);
  near(out.se0, 0.05197893635659544, 1e-12);
  near(out.z, 9.456242435527358, 1e-12);
  near(out.ci95_lower, 0.3915637020535469, 1e-12);
  near(out.ci95_upper, 0.59148714540407998, 1e-12);
  assert.ok(out.p < 1e-15);
});

test('kappa from long data with linear and quadratic weights', () => {
  const rows = ['rater,subject,category'];
  let s = 0;
  COHEN.forEach((r, i) => r.forEach((n, j) => {
    for (let k = 0; k < n; k++) {
      s++;
      rows.push(`A,s${s},${i + 1}`, `B,s${s},${j + 1}`);
    }
  }));
  rows.push('A,lonely,2');
  const file = write('long.csv', rows.join('\n') + '\n');
  const lin = ok(['kappa', file, '--weights', 'linear']);
  assert.equal(lin.n, 200);
  assert.deepEqual(lin.dropped_subjects, ['lonely']);
  near(lin.kappa, 9 / 19, 1e-12);
  near(lin.se, 0.05443230917764151, 1e-12);
  near(lin.se0, 0.054696341291648756, 1e-12);
  const quad = ok(['kappa', '--weights=quadratic', file]);
  near(quad.kappa, 5 / 11, 1e-12);
  near(quad.se, 0.06645368159107816, 1e-12);
  const none = ok(['kappa', file]);
  near(none.kappa, 29 / 59, 1e-12);
});

test('kappa orders numeric categories numerically and others by bytes', () => {
  const num = ok(['kappa', write('num.csv', 'subject,rater,category\n1,a,10\n1,b,9\n2,a,2\n2,b,10\n3,a,9\n3,b,9\n')]);
  assert.deepEqual(num.categories, ['2', '9', '10']);
  const txt = ok(['kappa', write('txt.csv', 'subject,rater,category\n1,a,b\n1,b,B\n2,a,a\n2,b,b\n')]);
  assert.deepEqual(txt.categories, ['B', 'a', 'b']);
});

// Fleiss (1971): 30 patients x 6 psychiatrists.
const FLEISS = [
  [0, 0, 0, 6, 0], [0, 3, 0, 0, 3], [0, 1, 4, 0, 1], [0, 0, 0, 0, 6], [0, 3, 0, 3, 0], [2, 0, 4, 0, 0],
  [0, 0, 4, 0, 2], [2, 0, 3, 1, 0], [2, 0, 0, 4, 0], [0, 0, 0, 0, 6], [1, 0, 0, 5, 0], [1, 1, 0, 4, 0],
  [0, 3, 3, 0, 0], [1, 0, 0, 5, 0], [0, 2, 0, 3, 1], [0, 0, 5, 0, 1], [3, 0, 0, 1, 2], [5, 1, 0, 0, 0],
  [0, 2, 0, 4, 0], [1, 0, 2, 0, 3], [0, 0, 0, 0, 6], [0, 1, 0, 5, 0], [0, 2, 0, 1, 3], [2, 0, 0, 4, 0],
  [1, 0, 0, 4, 1], [0, 5, 0, 1, 0], [4, 0, 0, 0, 2], [0, 2, 0, 4, 0], [1, 0, 5, 0, 0], [0, 0, 0, 0, 6],
];

function checkFleiss(out) {
  assert.equal(out.n_subjects, 30);
  assert.equal(out.n_raters, 6);
  near(out.kappa, 0.43024452006014086, 1e-12);
  assert.equal(out.kappa.toFixed(3), '0.430');
  near(out.p_bar, 5 / 9, 1e-12);
  near(out.p_e, 0.21993827160493828, 1e-12);
  near(out.se0, 0.024373932099411157, 1e-12);
  near(out.z, 17.651830582991366, 1e-12);
  assert.deepEqual(out.categories.map((c) => c.category), ['1', '2', '3', '4', '5']);
  assert.deepEqual(out.categories.map((c) => c.kappa.toFixed(3)), ['0.245', '0.245', '0.520', '0.471', '0.566']);
}

test('fleiss reproduces Fleiss 1971 from counts and from long data', () => {
  const counts = ['subject,category,count'];
  const long = ['subject,rater,category'];
  FLEISS.forEach((r, i) => {
    let rater = 0;
    r.forEach((n, j) => {
      if (n) counts.push(`p${i + 1},${j + 1},${n}`);
      for (let k = 0; k < n; k++) long.push(`p${i + 1},r${++rater},${j + 1}`);
    });
  });
  checkFleiss(ok(['fleiss', write('fleiss_counts.csv', counts.join('\n'))]));
  checkFleiss(ok(['fleiss', write('fleiss_long.csv', long.join('\n'))]));
});

// Krippendorff (2011): 4 observers x 12 units, "." missing.
const KRIPP = {
  A: '1 2 3 3 2 1 4 1 2 . . .',
  B: '1 2 3 3 2 2 4 1 2 5 . 3',
  C: '. 3 3 3 2 3 4 2 2 5 1 .',
  D: '1 2 3 3 2 4 4 1 2 5 1 .',
};

test('alpha reproduces Krippendorff 2011 for all four metrics', () => {
  const rows = ['coder,unit,value'];
  for (const [coder, values] of Object.entries(KRIPP))
    values.split(' ').forEach((v, u) => { if (v !== '.') rows.push(`${coder},u${u + 1},${v}`); });
  const file = write('kripp.csv', rows.join('\n'));
  const want = { nominal: 0.743421052631579, ordinal: 0.8153875037548813, interval: 0.8491071428571428, ratio: 0.797402774711612 };
  for (const [metric, alpha] of Object.entries(want)) {
    const out = ok(['alpha', file, '--metric', metric]);
    assert.equal(out.metric, metric);
    assert.equal(out.n_pairable, 40);
    near(out.alpha, alpha, 1e-12);
  }
  assert.equal(ok(['alpha', file]).metric, 'nominal');
});

// Two raters' ratings of 400 subjects on a 1-5 scale ("3" also written "3.0"), a few subjects
// rated once; as an export sorted by subject, which kvalab reads the fast way, and as the
// same rows shuffled, quoted or with CRLF, which go through the general reader.
function twoRaterFiles(names) {
  let seed = 11;
  const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const rows = [];
  for (let s = 1; s <= 400; s++) {
    const a = 1 + rand(5), b = rand(3) ? a : 1 + rand(5);
    const id = `s${String(s).padStart(4, '0')}`;
    if (s % 37 !== 0) rows.push([id, 'A', a === 3 && s % 2 ? '3.0' : `${a}`]);
    if (s % 41 !== 0) rows.push([id, 'B', `${b}`]);
  }
  const head = names.join(',');
  const line = (r) => r.join(',');
  const shuffled = rows.slice();
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  return {
    sorted: [head, ...rows.map(line)].join('\n') + '\n',
    shuffled: [head, ...shuffled.map(line)].join('\n') + '\n',
    quoted: [head, ...rows.map((r) => r.map((f) => `"${f}"`).join(','))].join('\n') + '\n',
    crlf: [head, ...rows.map(line)].join('\r\n'),
  };
}

test('kappa and alpha give the same answers however the file is read', () => {
  const kap = twoRaterFiles(['subject', 'rater', 'category']);
  for (const weights of ['none', 'linear', 'quadratic']) {
    const outs = Object.entries(kap).map(([k, text]) => ok(['kappa', write(`k_${k}.csv`, text), '--weights', weights]));
    for (const out of outs.slice(1)) {
      for (const key of ['n', 'kappa', 'p_observed', 'p_expected', 'se', 'se0', 'z', 'ci95_lower', 'ci95_upper'])
        near(out[key], outs[0][key], 1e-12);
      assert.deepEqual(out.categories, outs[0].categories);
      assert.deepEqual([...out.dropped_subjects].sort(), [...outs[0].dropped_subjects].sort());
    }
    assert.deepEqual(outs[0].categories, ['1', '2', '3', '4', '5']);
    assert.equal(outs[0].dropped_subjects.length, 10 + 9);
  }
  const alp = twoRaterFiles(['unit', 'coder', 'value']);
  for (const metric of ['nominal', 'ordinal', 'interval', 'ratio']) {
    const outs = Object.entries(alp).map(([k, text]) => ok(['alpha', write(`a_${k}.csv`, text), '--metric', metric]));
    for (const out of outs.slice(1)) {
      near(out.alpha, outs[0].alpha, 1e-12);
      assert.equal(out.n_pairable, outs[0].n_pairable);
    }
    assert.equal(outs[0].n_pairable, 2 * (400 - 19));
  }
  // A rating given twice in a file the fast way would take is still reported where it is.
  fails(['kappa', write('k_twice.csv', 'subject,rater,category\n1,a,x\n1,b,x\n2,a,y\n2,a,x\n')],
    /k_twice\.csv:5: subject "2" rated twice by rater "a" \(also on line 4\)/);
  fails(['alpha', write('a_twice.csv', 'unit,coder,value\n1,a,1\n1,a,2\n'), '--metric', 'interval'],
    /a_twice\.csv:3: unit "1" coded twice by "a" \(also on line 2\)/);
});

test('rci classifies clients and computes cut-offs', () => {
  const file = write('rci.csv', 'client,pre,post\nc1,22,6\nc2,22,15\nc3,30,14\nc4,10,25\n');
  const out = ok(['rci', file, '--sd', '10', '--reliability', '0.75', '--dys-mean', '20', '--dys-sd', '5',
    '--func-mean', '8', '--func-sd', '4', '--lower-is-better']);
  near(out.se, 5, 1e-14);
  near(out.s_diff, 5 * Math.SQRT2, 1e-14);
  near(out.threshold, 1.96 * 5 * Math.SQRT2, 1e-14);
  near(out.cutoffs.a, 10, 1e-14);
  near(out.cutoffs.b, 16, 1e-14);
  near(out.cutoffs.c, 120 / 9, 1e-14);
  assert.deepEqual(out.clients.map((c) => c.category), ['recovered', 'unchanged', 'improved', 'deteriorated']);
  assert.deepEqual(out.clients.map((c) => c.reliable), [true, false, true, true]);
  assert.deepEqual(out.clients.map((c) => c.crossed_cutoff), [true, false, false, false]);
  assert.equal(out.clients[0].client, 'c1');
  near(out.clients[0].change, -16, 0);
  near(out.clients[0].rci, -16 / (5 * Math.SQRT2), 1e-14);
});

test('rci without norms gives null cut-offs and higher-is-better by default', () => {
  const file = write('rci2.csv', 'client,pre,post\nc1,22,6\nc2,10,25\n');
  const out = ok(['rci', file, '--sd=10', '--reliability=0.75']);
  assert.deepEqual(out.cutoffs, { a: null, b: null, c: null });
  assert.equal(out.clients[0].crossed_cutoff, null);
  assert.deepEqual(out.clients.map((c) => c.category), ['deteriorated', 'improved']);
});

test('therapist-effects matches lme4 on unbalanced caseloads', () => {
  const y = [3, 5, 4, 7, 8, 2, 4, 3, 5, 1, 6, 9, 7, 8, 10];
  const g = [1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 5, 5, 5, 5];
  const rows = ['client,therapist,change'];
  y.forEach((v, i) => rows.push(`c${i},t${g[i]},${v}`));
  const out = ok(['therapist-effects', write('te.csv', rows.join('\n'))]);
  assert.equal(out.n, 15);
  assert.equal(out.n_groups, 5);
  assert.equal(out.method, 'REML');
  near(out.var_between, 5.11741362279205, 1e-7);
  near(out.var_within, 1.71702137111667, 1e-7);
  near(out.intercept, 5.76648208839952, 1e-8);
  near(out.se_intercept, 1.08285645086816, 1e-7);
  near(out.icc, out.var_between / (out.var_between + out.var_within), 1e-12);
  const renamed = rows.map((r) => r.replace('therapist,change', 'clinician,phq_change'));
  const out2 = ok(['therapist-effects', write('te2.csv', renamed.join('\n')), '--group', 'clinician', '--outcome', 'phq_change']);
  near(out2.var_between, out.var_between, 1e-14);
});

// 6 therapists with 3, 5, 2, 4, 1 and 6 clients: baseline score and change.
const TE_COV = {
  y: [-9, -12, -6, -5, -3, -1, -4, -4, -7, 0, -1, -5, -8, 1, -8, -3, -7, -6, 0, -7, -3],
  x: [22, 22, 13, 13, 11, 9, 20, 13, 10, 9, 8, 14, 24, 8, 16, 10, 16, 17, 8, 20, 11],
  g: [0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5, 5, 5, 5, 5],
};

test('therapist-effects --covariate matches lme4 with a baseline covariate', () => {
  // Rows out of therapist order and an extra column: neither may change the fit.
  const rows = TE_COV.y.map((v, i) => `c${i},t${TE_COV.g[i]},${v},${TE_COV.x[i]}`);
  rows.reverse();
  const file = write('te_cov.csv', ['client,therapist,change,phq_pre', ...rows].join('\n') + '\n');
  const out = ok(['therapist-effects', file, '--covariate', 'phq_pre']);
  assert.equal(out.n, 21);
  assert.equal(out.n_groups, 6);
  assert.equal(out.method, 'REML');
  // lme4::lmer(change ~ phq_pre + (1 | therapist), REML = TRUE)
  assert.deepEqual(out.coefficients.map((c) => c.name), ['(intercept)', 'phq_pre']);
  near(out.coefficients[0].estimate, 2.49814007089196, 1e-7);
  near(out.coefficients[0].se, 1.2897745437036878, 1e-6);
  near(out.coefficients[1].estimate, -0.52069348441889, 1e-7);
  near(out.coefficients[1].se, 0.0839765274352097, 1e-6);
  near(out.var_between, 0.549645009576349, 1e-6);
  near(out.var_within, 3.465105368471886, 1e-6);
  near(out.icc, out.var_between / (out.var_between + out.var_within), 1e-12);
  // intercept and se_intercept keep meaning the intercept, now of the model with the covariate.
  assert.equal(out.intercept, out.coefficients[0].estimate);
  assert.equal(out.se_intercept, out.coefficients[0].se);
  for (const c of out.coefficients) assert.deepEqual(Object.keys(c), ['name', 'estimate', 'se']);
  // Without --covariate there is no coefficients array, and the fit is the one-way model.
  const plain = ok(['therapist-effects', file]);
  assert.equal(plain.coefficients, undefined);
  near(plain.var_between, 2.48754685771014, 1e-6);
  near(plain.intercept, -4.87267136757609, 1e-7);
});

test('therapist-effects --covariate refuses unusable covariates with exit 2', () => {
  const base = TE_COV.y.map((v, i) => `t${TE_COV.g[i]},${v},${TE_COV.x[i]}`);
  const file = write('te_cov2.csv', ['therapist,change,baseline', ...base].join('\n'));
  fails(['therapist-effects', file, '--covariate', 'intake'], /te_cov2\.csv:1: missing column "intake"/);
  const flat = write('te_flat.csv', ['therapist,change,baseline', ...TE_COV.y.map((v, i) => `t${TE_COV.g[i]},${v},12`)].join('\n'));
  fails(['therapist-effects', flat, '--covariate', 'baseline'], /column "baseline" does not vary/);
  const bad = write('te_bad.csv', ['therapist,change,baseline', 't1,2,10', 't1,3,', 't2,4,9'].join('\n'));
  fails(['therapist-effects', bad, '--covariate', 'baseline'], /te_bad\.csv:3: column "baseline": "" is not a number/);
  // The outcome as its own covariate leaves nothing to vary within therapists.
  fails(['therapist-effects', file, '--covariate', 'change'],
    /need 2 or more therapists, one with 2 or more rows, and variation in "change" within therapists that "change" does not explain/);
  fails(['therapist-effects', file, '--covariate'], /option --covariate needs a value/);
});

test('duplicates are found where they occur in large files, sorted or not', () => {
  // 3000 sessions rated by A and B, ids in order, then one pair again at the very end.
  const id = (s) => `S${String(s).padStart(5, '0')}`;
  const rows = ['subject,rater,score'];
  for (let s = 1; s <= 3000; s++) rows.push(`${id(s)},A,${s % 7 + 1}`, `${id(s)},B,${s % 5 + 1}`);
  const lineOf = (lines, prefix) => lines.findIndex((r) => r.startsWith(prefix)) + 1;
  const sorted = [...rows, 'S01234,B,3'];
  assert.equal(lineOf(sorted, 'S01234,B,'), 2469);
  fails(['icc', write('big_sorted.csv', sorted.join('\n') + '\n')],
    /big_sorted\.csv:6002: subject "S01234" rated twice by rater "B" \(also on line 2469\)/);
  // Ids in descending order (so not sorted), then the same duplicate.
  const shuffled = [rows[0], ...rows.slice(1).reverse(), 'S01234,B,3'];
  assert.equal(lineOf(shuffled, 'S01234,B,'), 3534);
  fails(['icc', write('big_shuffled.csv', shuffled.join('\n') + '\n')],
    /big_shuffled\.csv:6002: subject "S01234" rated twice by rater "B" \(also on line 3534\)/);
  // A subject that comes back after others, far from its first rows.
  const back = [...rows.slice(0, 4001), 'S00010,A,1'];
  fails(['icc', write('big_back.csv', back.join('\n'))],
    /big_back\.csv:4002: subject "S00010" rated twice by rater "A" \(also on line 20\)/);
  // A blank line and a quoted line break move later rows down a line each.
  const moved = [rows[0], rows[1], '', '"S00001",B,"2"', '"S0\n0002",A,1', ...rows.slice(5, 10), 'S00003,A,4'];
  fails(['icc', write('moved.csv', moved.join('\n'))],
    /moved\.csv:12: subject "S00003" rated twice by rater "A" \(also on line 7\)/);
  // A subject coming back switches to per-subject rater masks, and a 65th rater to a hash set.
  const many = ['subject,rater,score', 's1,r0,1', 's1,r1,2', 's1,r2,3', 's2,r0,1', 's1,r3,2'];
  for (let k = 4; k < 70; k++) many.push(`s1,r${k},${k % 5}`);
  fails(['icc', write('masks.csv', [...many.slice(0, 6), 's2,r3,1', 's1,r0,5'].join('\n'))],
    /masks\.csv:8: subject "s1" rated twice by rater "r0" \(also on line 2\)/);
  fails(['icc', write('pairs.csv', [...many, 's3,r65,1', 's2,r0,4'].join('\n'))],
    /pairs\.csv:74: subject "s2" rated twice by rater "r0" \(also on line 5\)/);
  // Without errors, the order of the rows does not change the answer.
  const a = ok(['icc', write('big_ok.csv', rows.join('\n'))]);
  const b = ok(['icc', write('big_ok2.csv', [rows[0], ...rows.slice(1).reverse()].join('\n'))]);
  assert.equal(a.n_subjects, 3000);
  near(a.ICC3.icc, b.ICC3.icc, 1e-12);
});

test('FILE - reads standard input', () => {
  const out = ok(['alpha', '-'], 'unit,coder,value\n1,a,x\n1,b,x\n2,a,y\n2,b,z\n');
  // o_xx = 2, o_yz = o_zy = 1; n_x = 2, n_y = n_z = 1: alpha = 1 - 3 * 2 / 10.
  near(out.alpha, 1 - (3 * 2) / 10, 1e-12);
});

test('--help prints usage on stdout and exits 0', () => {
  for (const args of [['--help'], ['icc', '--help'], ['rci', '-h']]) {
    const r = stats(args);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /usage: kvalab stats/);
  }
});

test('a value that is not a number names the file, line and column', () => {
  const file = write('ratings.csv', 'subject,rater,score\ns1,r1,1\ns1,r2,2\ns2,r1,3\ns2,r2,abc\n');
  const r = fails(['icc', file], /ratings\.csv:5: column "score": "abc" is not a number/);
  assert.match(r.stderr, /^kvalab stats icc: /);
});

test('bad input exits 2 with a message naming the line', () => {
  fails(['icc', write('dup.csv', 'subject,rater,score\ns1,r1,1\ns2,r1,2\ns1,r1,3\n')],
    /dup\.csv:4: subject "s1" rated twice by rater "r1" \(also on line 2\)/);
  fails(['icc', write('empty.csv', '')], /empty\.csv: empty file/);
  fails(['icc', write('header.csv', 'subject,rater,score\n')], /header\.csv: no data rows/);
  fails(['icc', write('nocol.csv', 'subject,rater,points\ns1,r1,1\n')], /nocol\.csv:1: missing column "score"/);
  fails(['icc', write('onerater.csv', 'subject,rater,score\ns1,r1,1\ns2,r1,2\n')], /need at least 2 raters, found 1/);
  fails(['icc', write('onesubj.csv', 'subject,rater,score\ns1,r1,1\ns1,r2,2\ns2,r1,3\n')],
    /need at least 2 subjects with a score from every rater, found 1/);
  fails(['icc', write('quote.csv', 'subject,rater,score\ns1,r1,1\ns1,"r2,2\n')],
    /quote\.csv:3: column 2: unterminated quoted field/);
  fails(['icc', write('short.csv', 'subject,rater,score\ns1,r1,1\ns1,r2\n')],
    /short\.csv:3: 2 fields, but the header has 3/);
  fails(['icc', write('twice.csv', 'subject,rater,score,rater\n')], /twice\.csv:1: column "rater" appears twice/);
  fails(['kappa', write('three.csv', 'subject,rater,category\n1,a,x\n1,b,y\n2,c,x\n')],
    /three\.csv:4: a third rater "c"/);
  fails(['kappa', write('negcount.csv', 'rater_a,rater_b,count\nx,y,-1\n')],
    /negcount\.csv:2: column "count": "-1" is not a count/);
  fails(['fleiss', write('uneven.csv', 'subject,rater,category\n1,a,x\n1,b,y\n2,a,x\n')],
    /uneven\.csv:4: subject "2" has 1 ratings but subject "1" has 2/);
  const alnum = write('alnum.csv', 'unit,coder,value\n1,a,1\n1,b,2\n2,a,high\n2,b,1\n');
  fails(['alpha', alnum, '--metric', 'interval'], /alnum\.csv:4: column "value": "high" is not a number/);
  fails(['alpha', alnum, '--metric', 'cubic'], /--metric: unknown value "cubic"/);
  fails(['alpha', write('alneg.csv', 'unit,coder,value\n1,a,1\n1,b,-2\n'), '--metric', 'ratio'],
    /alneg\.csv:3: column "value": -2 is negative/);
  fails(['rci', write('rcidup.csv', 'client,pre,post\nc1,1,2\nc1,3,4\n'), '--sd', '1', '--reliability', '0.8'],
    /rcidup\.csv:3: client "c1" again \(also on line 2\)/);
  fails(['therapist-effects', write('te1.csv', 'therapist,change\nt1,1\nt1,2\n')], /need 2 or more therapists/);
});

test('bad arguments exit 2', () => {
  const file = write('ok.csv', 'subject,rater,score\ns1,r1,1\ns1,r2,2\ns2,r1,3\ns2,r2,5\n');
  fails(['icc', file, '--bogus'], /unknown option --bogus/);
  fails(['icc'], /no input FILE given/);
  fails(['icc', file, file], /unexpected argument/);
  fails(['nonsense', file], /unknown statistic "nonsense"/);
  fails(['kappa', file, '--weights'], /option --weights needs a value/);
  fails(['kappa', file, '--weights', 'cubic'], /option --weights: unknown value "cubic"/);
  fails(['rci', file, '--sd', '10'], /--sd and --reliability are required/);
  fails(['rci', file, '--sd', 'ten', '--reliability', '0.8'], /option --sd: "ten" is not a number/);
  fails(['rci', file, '--sd', '10', '--reliability', '1.5'], /--reliability in \[0, 1\)/);
  fails(['rci', file, '--sd', '10', '--reliability', '0.8', '--dys-mean', '20'], /give norms as pairs/);
  fails(['icc', 'does-not-exist.csv'], /does-not-exist\.csv: cannot open/);
});
