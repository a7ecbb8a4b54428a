// Issue 7 (reliability views): the dashboard's ICC per item and for the totals, cross-checked
// against `kvalab stats icc` on the same scores exported as CSV; kappa on the coded interventions;
// rater drift and its band; calibration against a master, flipping at the lab's threshold; the
// lab's figures with the rule of five therapists; roles, bad input and audit rows.
//
// The sessions are seeded through the API: a therapist submits, uploads a short recording, two
// raters score and code it, rater A makes the consensus from their own rating, a supervisor
// approves. Scores follow simple formulas so every expected figure can be worked out here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tus from 'tus-js-client';
import { ROOT, kvalab, startServer } from '../lib/server.mjs';
import { Client, adminClient, makeUser, totp } from '../lib/client.mjs';
import { playableMp4, bytes } from '../lib/media.mjs';

const today = new Date().toISOString().slice(0, 10);
const year = Number(today.slice(0, 4));
mkdirSync(join(ROOT, 'tests/.tmp'), { recursive: true });
const TMP = mkdtempSync(join(ROOT, 'tests/.tmp/reliability-'));
let srv, admin, supervisor, instrument, vars, r1, r2, trainee;
let instA, instB;
const sessionsA = [];

async function withTotp(role) {
  const u = await makeUser(srv, admin, role);
  const e = await u.client.post('/api/me/totp', {});
  await u.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
  return u;
}

// An institution with a programme, n therapists as members and signatories of an active agreement.
async function institution(name, n) {
  let inst = (await admin.post('/api/institutions', { name })).json;
  inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
  const therapists = [];
  for (let i = 0; i < n; i++) {
    const t = await makeUser(srv, admin, 'therapist');
    await admin.put(`/api/institutions/${inst.id}/members/${t.id}`, { programme_ids: [inst.programmes[0].id] });
    therapists.push(t);
  }
  const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'L', manager_level: '3', signatory_ids: therapists.map((t) => t.id) })).json;
  await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } });
  assert.equal((await admin.post(`/api/agreements/${ag.id}/activate`, {})).status, 200);
  for (const t of therapists) t.token = (await t.client.post('/api/tokens', { name: 't' })).json.token;
  return { ...inst, therapists };
}

// An institution admin of inst, signed in.
async function institutionAdmin(inst) {
  const email = `head-${inst.id}-${Date.now() % 100000}@clinic.example`;
  const r = await admin.post('/api/users', { email, role: 'institution_admin', display_name: 'Head', institution_id: inst.id });
  assert.equal(r.status, 201, r.text);
  const c = new Client(srv.url);
  assert.equal((await c.post('/api/session', { email, password: r.json.one_time_password })).status, 200);
  assert.equal((await c.put('/api/me/password', { current_password: r.json.one_time_password, new_password: 'A-good-long-passphrase-head' })).status, 200);
  return c;
}

async function send(client, ratingId, ops) {
  const r = (await client.get(`/api/ratings/${ratingId}`)).json;
  const c = await client.post(`/api/ratings/${ratingId}/changes`, { client: `t-${ratingId}-${r.version}`, seq: 1, base_version: r.version, ops });
  assert.equal(c.status, 200, c.text);
}

const scoreOps = (f) => vars.map((v, j) => ({ op: 'score', item: v.item, facet: v.facet, value: f(v, j) }));

// An approved session: scores f_k(var, j) and interventions ivs[k] for rater k; rater A makes the
// consensus from their own rating. Returns the submission and the raters' rating ids and scores.
async function approvedSession(therapist, inst, raters, fs, ivs, { training = true } = {}) {
  const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
  await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: training, research: false });
  const s = (await therapist.client.post('/api/submissions', { case_id: c.id, session_date: today, session_number: 3, modality: 'individual', instrument_id: instrument.id, declared_consent: true, declared_no_identifiers: true })).json;
  assert.equal((await therapist.client.post(`/api/submissions/${s.id}/submit`, {})).status, 200);
  await new Promise((resolve, reject) => {
    const up = new tus.Upload(bytes(playableMp4({ seconds: 20, size: '160x120', bitrate: '100k' })), {
      endpoint: `${srv.url}/api/uploads`, headers: { Authorization: `Bearer ${therapist.token}` },
      metadata: { submission_id: String(s.id) }, retryDelays: null, onError: reject, onSuccess: resolve,
    });
    up.start();
  });
  for (let i = 0; i < 300 && (await admin.get(`/api/submissions/${s.id}`)).json.state !== 'recording_ready'; i++) await new Promise((r) => setTimeout(r, 100));
  const a = await admin.post(`/api/submissions/${s.id}/assignments`, { rater_ids: raters.map((r) => r.id) });
  assert.equal(a.status, 201, a.text);
  const ratings = raters.map((r) => a.json.items.find((x) => x.rater_id === r.id).rating_id);
  const scores = [];
  for (let k = 0; k < raters.length; k++) {
    const ops = scoreOps(fs[k]);
    scores.push(Object.fromEntries(vars.map((v, j) => [`${v.item}.${v.facet}`, ops[j].value])));
    (ivs[k] ?? []).forEach(([ms, code], n) => ops.push({ op: 'intervention', client_id: `i${n}`, start_ms: ms, code }));
    await send(raters[k].client, ratings[k], ops);
    const sub = await raters[k].client.post(`/api/ratings/${ratings[k]}/submit`, {});
    assert.equal(sub.status, 200, sub.text);
  }
  const cons = await raters[0].client.post(`/api/submissions/${s.id}/consensus`, { based_on: ratings[0] });
  assert.equal(cons.status, 201, cons.text);
  assert.equal((await raters[0].client.post(`/api/ratings/${cons.json.id}/submit`, {})).status, 200);
  const ok = await supervisor.client.post(`/api/submissions/${s.id}/approve`, {});
  assert.equal(ok.status, 200, ok.text);
  const rec = (await admin.get(`/api/submissions/${s.id}`)).json.recording;
  return { id: s.id, ratings, scores, recording: rec?.id };
}

const clamp = (x) => Math.max(1, Math.min(7, x));
// Rater A: varies between sessions; item 3's quality stays low so rater B's +2 fits the scale.
const scoreA = (i) => (v, j) => (v.item === '3' && v.facet === 'quality' ? 2 + (i % 3) : clamp(1 + ((i * 3 + j * 2) % 7)));
// Rater B: within one point of A, except two points above on item 3's quality.
const scoreB = (i) => (v, j) => (v.item === '3' && v.facet === 'quality' ? scoreA(i)(v, j) + 2 : clamp(scoreA(i)(v, j) + ((i + j) % 3) - 1));
// Codes: both raters code 16 near 1 s; at 5 s A codes 2 and B codes 3, except in the first session
// where B codes 2 too; B codes a 7 at 15 s that A does not.
const ivA = () => [[1000, '16'], [5000, '2']];
const ivB = (i) => [[1500, '16'], [5200, i === 0 ? '2' : '3'], [15000, '7']];

function stats(cmd, csv) {
  const path = join(TMP, `${cmd}-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, csv);
  const out = kvalab(['stats', cmd, path]);
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
}

const near = (a, b, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} is not ${b}`);

before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
  supervisor = await withTotp('supervisor');
  r1 = await withTotp('rater');
  r2 = await withTotp('rater');
  trainee = await withTotp('rater');
  instrument = (await admin.get('/api/instruments')).json.items.find((i) => i.code === 'mbt-i-aqs');
  const def = (await admin.get(`/api/instruments/${instrument.id}`)).json.definition;
  vars = [...def.items.flatMap((it) => it.facets.map((facet) => ({ item: it.id, facet }))), ...def.globals.map((g) => ({ item: 'global', facet: g.id }))];
  instA = await institution('Pålitelighetsklinikken', 5);
  instB = await institution('Lillebyen DPS', 1);
});
after(async () => {
  await srv.stop();
  rmSync(TMP, { recursive: true, force: true });
});

test('the lab figures refuse an institution admin below 5 therapists and open at 5', async () => {
  const headA = await institutionAdmin(instA);
  for (let i = 0; i < 5; i++) {
    if (i === 4) {
      // Four therapists with approved ratings: refused, and the refusal is audited.
      const r = await headA.get(`/api/lab-figures?instrument_id=${instrument.id}`);
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.error.code, 'too_few_therapists');
      assert.equal(r.json.groups, undefined);
    }
    sessionsA.push(await approvedSession(instA.therapists[i], instA, [r1, r2], [scoreA(i), scoreB(i)], [ivA(i), ivB(i)], { training: i !== 4 }));
  }
  const r = await headA.get(`/api/lab-figures?instrument_id=${instrument.id}&year=${year}`);
  assert.equal(r.status, 200, r.text);
  const [lab, own] = r.json.groups;
  assert.equal(lab.group, 'lab');
  assert.equal(own.group, 'institution');
  assert.equal(own.institution_id, instA.id);
  assert.equal(own.n_therapists, 5);
  assert.equal(own.suppressed, false);
  // The consensus is rater A's rating: item 1's median and quartiles by R's type 7.
  const vals = sessionsA.map((s) => s.scores[0]['1.quality']).sort((a, b) => a - b);
  const q = (p) => { const h = (vals.length - 1) * p, lo = Math.floor(h); return vals[lo] + (h - lo) * ((vals[lo + 1] ?? vals[lo]) - vals[lo]); };
  const item1 = own.items.find((x) => x.item === '1' && x.facet === 'quality');
  near(item1.median, q(0.5));
  near(item1.q1, q(0.25));
  near(item1.q3, q(0.75));
  assert.equal(item1.n, 5);
  assert.equal(item1.label.en, 'Engagement, interest and warmth');
  assert.ok(!('min' in item1) && !('max' in item1), 'no single rating is shown');
  assert.ok(own.items.some((x) => x.kind === 'total' && x.facet === 'quality'));
  // Another institution's figures are not the admin's to ask for.
  assert.equal((await headA.get(`/api/lab-figures?instrument_id=${instrument.id}&institution_id=${instB.id}`)).status, 404);
  // One therapist elsewhere: the lab minus this institution would show that therapist, so refused.
  await approvedSession(instB.therapists[0], instB, [r1], [scoreA(7)], [[]]);
  assert.equal((await headA.get(`/api/lab-figures?instrument_id=${instrument.id}`)).status, 422);
  const headB = await institutionAdmin(instB);
  const rb = await headB.get(`/api/lab-figures?instrument_id=${instrument.id}`);
  assert.equal(rb.status, 422);
  // The lab sees the lab (6 therapists) beside B, whose figures stay hidden.
  const lb = await admin.get(`/api/lab-figures?instrument_id=${instrument.id}&institution_id=${instB.id}`);
  assert.equal(lb.status, 200, lb.text);
  assert.equal(lb.json.groups[0].n_therapists, 6);
  assert.equal(lb.json.groups[0].suppressed, false);
  assert.equal(lb.json.groups[1].suppressed, true);
  assert.deepEqual(lb.json.groups[1].items, []);
  // A programme filter: B's programme has one therapist; the lab's programmes of its kind all six.
  const lp = await supervisor.client.get(`/api/lab-figures?instrument_id=${instrument.id}&programme_id=${instB.programmes[0].id}`);
  assert.equal(lp.status, 200, lp.text);
  assert.equal(lp.json.programme_kind, 'mbt_individual');
  assert.equal(lp.json.groups[1].suppressed, true);
  const audit = await admin.get('/api/audit?action=lab_figures.read&per_page=200');
  assert.ok(audit.json.items.some((a) => a.outcome === 'refused' && a.object_id === String(instA.id)), JSON.stringify(audit.json.items.slice(0, 3)));
  assert.ok(audit.json.items.some((a) => a.outcome === 'success'));
});

test('the dashboard ICC per item and for the totals equals kvalab stats icc on the same scores', async () => {
  assert.equal(sessionsA.length, 5);
  const r = await supervisor.client.get(`/api/reliability?instrument_id=${instrument.id}&from=${today}&to=${today}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.form, 'ICC1');
  assert.match(r.json.explanation, /one-way/);
  assert.equal(r.json.n_sessions, 5); // B's single-rated session is not double-rated
  const csvOf = (value) => ['subject,rater,score', ...sessionsA.flatMap((s) => ['A', 'B'].map((slot, k) => `${s.id},${slot},${value(s, k)}`))].join('\n') + '\n';
  for (const key of ['1.quality', '2.adherence', '3.quality', '16.quality', 'global.quality']) {
    const [item, facet] = key.split('.');
    const got = r.json.items.find((x) => x.item === item && x.facet === facet);
    assert.ok(got?.icc, `${key}: ${JSON.stringify(got)}`);
    assert.equal(got.n_sessions, 5);
    const want = stats('icc', csvOf((s, k) => s.scores[k][key]));
    for (const form of ['ICC1', 'ICC1k', 'ICC2', 'ICC3']) {
      near(got.icc[form].icc, want[form].icc);
      near(got.icc[form].ci_lower, want[form].ci95_lower);
      near(got.icc[form].ci_upper, want[form].ci95_upper);
    }
  }
  // The quality total is each rating's mean quality over the items.
  const qualityKeys = vars.filter((v) => v.item !== 'global' && v.facet === 'quality').map((v) => `${v.item}.${v.facet}`);
  const total = r.json.totals.find((x) => x.facet === 'quality');
  const want = stats('icc', csvOf((s, k) => qualityKeys.reduce((a, key) => a + s.scores[k][key], 0) / qualityKeys.length));
  near(total.icc.ICC1.icc, want.ICC1.icc);
  near(total.icc.ICC1.ci_lower, want.ICC1.ci95_lower);
  // Interventions: (16,16) in every session, (2,2) once and (2,3) four times; B's 7 unmatched.
  // po = .6, pe = .5 * .5 + .5 * .1 = .3, kappa = .3 / .7.
  const ev = r.json.events;
  assert.equal(ev.n_sessions, 5);
  assert.equal(ev.n_matched, 10);
  assert.equal(ev.unmatched_a, 0);
  assert.equal(ev.unmatched_b, 5);
  near(ev.kappa, 3 / 7, 1e-12);
  assert.ok(ev.ci_lower < ev.kappa && ev.kappa < ev.ci_upper);
  // A period without ratings has no sessions; a tolerance of 0 s matches nothing.
  const none = await supervisor.client.get(`/api/reliability?instrument_id=${instrument.id}&to=2000-01-01`);
  assert.equal(none.json.n_sessions, 0);
  assert.equal(none.json.items[0].icc, null);
  assert.equal(none.json.items[0].reason, 'too_few_sessions');
  const tight = await admin.get(`/api/reliability?instrument_id=${instrument.id}&tolerance_ms=0`);
  assert.equal(tight.json.events.n_matched, 0);
  assert.equal(tight.json.events.kappa, null);
  const audit = await admin.get('/api/audit?action=reliability.read');
  assert.ok(audit.json.total >= 3);
});

test('drift: rater B two points above the consensus on item 3 is flagged; the band is the lab\'s', async () => {
  let r = await supervisor.client.get(`/api/reliability/drift?instrument_id=${instrument.id}&period=month`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.band, 1);
  assert.deepEqual(r.json.periods, [today.slice(0, 7)]);
  const byId = (id) => r.json.raters.find((x) => x.rater_id === id);
  const a = byId(r1.id), b = byId(r2.id);
  assert.equal(a.n_ratings, 6); // five in A and B's single-rated session
  assert.equal(a.flagged, false, 'the consensus is rater A\'s own rating');
  const b3 = b.items.find((x) => x.item === '3' && x.facet === 'quality');
  assert.equal(b3.mean, 2);
  assert.equal(b3.n, 5);
  assert.equal(b3.flagged, true);
  assert.equal(b3.periods[0].period, today.slice(0, 7));
  assert.equal(b3.periods[0].flagged, true);
  assert.equal(b.flagged, true);
  const j = vars.findIndex((v) => v.item === '2' && v.facet === 'adherence');
  const dev = sessionsA.reduce((acc, s) => acc + s.scores[1]['2.adherence'] - s.scores[0]['2.adherence'], 0) / 5;
  const b2 = b.items.find((x) => x.item === '2' && x.facet === 'adherence');
  near(b2.mean, dev);
  assert.equal(b2.flagged, Math.abs(dev) > 1, `var ${j}`);
  // Only a lab admin sets the band; a tighter one flags more.
  assert.equal((await supervisor.client.put('/api/lab-settings', { drift_band: 0.1 })).status, 403);
  let s = await admin.put('/api/lab-settings', { drift_band: 0 });
  assert.equal(s.status, 400);
  assert.ok(s.json.error.fields.drift_band);
  s = await admin.put('/api/lab-settings', { drift_band: 'wide' });
  assert.equal(s.status, 400);
  assert.ok(s.json.error.fields.drift_band);
  s = await admin.put('/api/lab-settings', { drift_band: 3 });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.drift_band, 3);
  r = await supervisor.client.get(`/api/reliability/drift?instrument_id=${instrument.id}&rater_id=${r2.id}`);
  assert.equal(r.json.period, 'quarter');
  assert.equal(r.json.raters.length, 1);
  assert.equal(r.json.raters[0].flagged, false);
  await admin.put('/api/lab-settings', { drift_band: 1 });
  const audit = await admin.get('/api/audit?action=lab_settings.update');
  assert.ok(audit.json.total >= 2);
  assert.ok((await admin.get('/api/audit?action=reliability.drift')).json.total >= 2);
});

test('calibration: the trainee rates blind, sees the master item by item after submitting, and is calibrated at the threshold', async () => {
  const [s0, s1, , , s4] = sessionsA;
  // The session whose consent does not cover rater training cannot be one.
  let r = await admin.post('/api/calibration/sessions', { submission_id: s4.id });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'consent_scope');
  assert.ok(r.json.error.fields.submission_id);
  r = await admin.post('/api/calibration/sessions', { submission_id: 999999 });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.submission_id);
  assert.equal((await supervisor.client.post('/api/calibration/sessions', { submission_id: s0.id })).status, 403);
  const cand = (await admin.get('/api/calibration/candidates')).json.items.map((x) => x.submission_id);
  assert.ok(cand.includes(s0.id) && !cand.includes(s4.id));
  const c0 = await admin.post('/api/calibration/sessions', { submission_id: s0.id });
  assert.equal(c0.status, 201, c0.text);
  assert.equal(c0.json.master_state, 'submitted');
  assert.equal((await admin.post('/api/calibration/sessions', { submission_id: s0.id })).status, 409);
  const c1 = (await admin.post('/api/calibration/sessions', { submission_id: s1.id })).json;
  // Someone who rated the session has seen its answer.
  r = await admin.post(`/api/calibration/sessions/${c0.json.id}/trainees`, { trainee_ids: [r1.id] });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'already_rated');
  r = await admin.post(`/api/calibration/sessions/${c0.json.id}/trainees`, { trainee_ids: [trainee.id] });
  assert.equal(r.status, 201, r.text);
  const t0 = r.json.trainees[0].rating_id;
  const t1 = (await admin.post(`/api/calibration/sessions/${c1.id}/trainees`, { trainee_ids: [trainee.id] })).json.trainees[0].rating_id;
  assert.equal((await admin.put('/api/lab-settings', { calibration_min_sessions: 2, calibration_icc: 0.7 })).status, 200);

  // Blind: the master and the session's raters' ratings are out of reach; the recording plays.
  let me = (await trainee.client.get('/api/me/calibration')).json;
  assert.equal(me.sessions.length, 2);
  assert.equal(me.sessions[0].comparison, null);
  assert.equal((await trainee.client.get(`/api/ratings/${c0.json.master_rating_id}`)).status, 404);
  assert.equal((await trainee.client.get(`/api/ratings/${s0.ratings[0]}`)).status, 404);
  assert.equal((await trainee.client.get(`/api/submissions/${s0.id}/comparison`)).status, 404);
  assert.equal((await trainee.client.get(`/api/recordings/${me.sessions[0].recording_id}`)).status, 200);
  // ... and the trainee's rating is not the session's raters' to read, nor in its list of ratings.
  assert.equal((await r1.client.get(`/api/ratings/${t0}`)).status, 404);
  assert.ok(!(await r1.client.get(`/api/submissions/${s0.id}/ratings`)).json.items.some((x) => x.id === t0));

  // The trainee scores like the master (a copy of the consensus, rater A's rating) but one point
  // higher on every fifth variable.
  const traineeScore = (s) => (v, j) => clamp(s.scores[0][`${v.item}.${v.facet}`] + (j % 5 === 0 ? 1 : 0));
  await send(trainee.client, t0, scoreOps(traineeScore(s0)));
  assert.equal((await trainee.client.post(`/api/ratings/${t0}/submit`, {})).status, 200);
  me = (await trainee.client.get('/api/me/calibration')).json;
  assert.equal(me.instruments[0].n_sessions, 1);
  assert.equal(me.calibrated, false, 'one session is fewer than the lab asks');
  const cmp = me.sessions[0].comparison;
  assert.equal(cmp.length, vars.length);
  assert.equal(cmp[0].difference, 1);
  assert.equal(cmp[1].difference, 0);
  assert.equal((await admin.get(`/api/submissions/${s0.id}`)).json.state, 'approved', 'the session\'s own workflow is untouched');

  await send(trainee.client, t1, scoreOps(traineeScore(s1)));
  assert.equal((await trainee.client.post(`/api/ratings/${t1}/submit`, {})).status, 200);
  me = (await trainee.client.get('/api/me/calibration')).json;
  const res = me.instruments[0];
  assert.equal(res.n_sessions, 2);
  // Cross-check: ICC(2,1) of (trainee, master) pairs over items x sessions, by kvalab stats.
  const rows = ['subject,rater,score'];
  [s0, s1].forEach((s) => vars.forEach((v, j) => {
    rows.push(`${s.id}.${j},trainee,${traineeScore(s)(v, j)}`, `${s.id}.${j},master,${s.scores[0][`${v.item}.${v.facet}`]}`);
  }));
  const want = stats('icc', rows.join('\n') + '\n');
  near(res.icc.icc, want.ICC2.icc);
  near(res.icc.ci_lower, want.ICC2.ci95_lower);
  assert.ok(res.icc.icc >= 0.7, String(res.icc.icc));
  assert.equal(res.calibrated, true);
  assert.equal(me.calibrated, true);
  // Exactly at the threshold: calibrated; a hair above it: not.
  await admin.put('/api/lab-settings', { calibration_icc: res.icc.icc });
  assert.equal((await trainee.client.get('/api/me/calibration')).json.calibrated, true);
  await admin.put('/api/lab-settings', { calibration_icc: res.icc.icc + 1e-9 });
  const lab = (await supervisor.client.get('/api/calibration/trainees')).json.items.find((x) => x.trainee_id === trainee.id);
  assert.equal(lab.calibrated, false);
  await admin.put('/api/lab-settings', { calibration_icc: 0.7, calibration_min_sessions: 3 });
  assert.equal((await supervisor.client.get(`/api/calibration/trainees/${trainee.id}`)).json.calibrated, false, 'two sessions of three');
  const detail = (await supervisor.client.get(`/api/calibration/sessions/${c0.json.id}`)).json;
  assert.equal(detail.trainees[0].agreement.n_pairs, vars.length);
  assert.equal((await trainee.client.get('/api/calibration/trainees')).status, 403);
  // A retired session takes no more trainees.
  assert.equal((await admin.post(`/api/calibration/sessions/${c1.id}/retire`, {})).status, 200);
  assert.equal((await admin.post(`/api/calibration/sessions/${c1.id}/trainees`, { trainee_ids: [r2.id] })).status, 409);
  await admin.put('/api/lab-settings', { calibration_icc: 0.7, calibration_min_sessions: 5 });
  const audit = await admin.get('/api/audit?action=calibration.read_own');
  assert.ok(audit.json.total >= 3);
  assert.ok((await admin.get('/api/audit?action=calibration.create')).json.total >= 2);
});

test('a new master is filled in by a supervisor; the trainee is compared only once it is submitted', async () => {
  const s2 = sessionsA[2];
  const c = await admin.post('/api/calibration/sessions', { submission_id: s2.id, master: 'new' });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.master_state, 'in_progress');
  const master = c.json.master_rating_id;
  const t = (await admin.post(`/api/calibration/sessions/${c.json.id}/trainees`, { trainee_ids: [trainee.id] })).json.trainees[0].rating_id;
  await send(trainee.client, t, scoreOps(() => 4));
  assert.equal((await trainee.client.post(`/api/ratings/${t}/submit`, {})).status, 200);
  let mine = (await trainee.client.get('/api/me/calibration')).json.sessions.find((x) => x.rating_id === t);
  assert.equal(mine.master_ready, false);
  assert.equal(mine.comparison, null);
  // Neither the trainee nor the session's rater may write the master (the rater, who made the
  // consensus, may read it); a supervisor may.
  assert.equal((await trainee.client.post(`/api/ratings/${master}/changes`, { client: 'x', seq: 1, base_version: 1, ops: [] })).status, 404);
  assert.equal((await r1.client.post(`/api/ratings/${master}/changes`, { client: 'x', seq: 1, base_version: 1, ops: [] })).status, 403);
  await send(supervisor.client, master, scoreOps(() => 5));
  assert.equal((await supervisor.client.post(`/api/ratings/${master}/submit`, {})).status, 200);
  mine = (await trainee.client.get('/api/me/calibration')).json.sessions.find((x) => x.rating_id === t);
  assert.equal(mine.master_ready, true);
  assert.ok(mine.comparison.every((x) => x.difference === -1));
  assert.equal(mine.agreement.within_one, 1);
  assert.equal((await admin.get(`/api/submissions/${s2.id}`)).json.state, 'approved');
});

test('roles: lab staff only for reliability, drift and calibration; institution admins for figures alone', async () => {
  const therapist = instA.therapists[0];
  const researcher = await makeUser(srv, admin, 'researcher');
  const head = await institutionAdmin(instA);
  const q = `instrument_id=${instrument.id}`;
  for (const [who, path] of [[therapist.client, `/api/reliability?${q}`], [r1.client, `/api/reliability?${q}`], [head, `/api/reliability?${q}`],
    [r1.client, `/api/reliability/drift?${q}`], [head, `/api/reliability/drift?${q}`], [r1.client, `/api/lab-figures?${q}`],
    [researcher.client, `/api/lab-figures?${q}`], [therapist.client, `/api/lab-figures?${q}`], [r1.client, '/api/lab-settings'],
    [head, '/api/calibration/sessions'], [therapist.client, '/api/me/calibration'], [supervisor.client, '/api/me/calibration']]) {
    const r = await who.get(path);
    assert.equal(r.status, 403, `${path}: ${r.status}`);
  }
  const denied = await admin.get('/api/audit?action=access.denied&per_page=50');
  assert.ok(denied.json.items.some((a) => (a.detail ?? '').includes('/api/reliability')));
});

test('bad input is answered 400 naming the field', async () => {
  const cases = [
    ['/api/reliability', 'instrument_id'],
    ['/api/reliability?instrument_id=999', 'instrument_id'],
    ['/api/reliability?instrument_id=x', 'instrument_id'],
    [`/api/reliability?instrument_id=${instrument.id}&from=2026-02-30`, 'from'],
    [`/api/reliability?instrument_id=${instrument.id}&from=2026-03-01&to=2026-02-01`, 'to'],
    [`/api/reliability?instrument_id=${instrument.id}&tolerance_ms=-1`, 'tolerance_ms'],
    [`/api/reliability?instrument_id=${instrument.id}&rater=1`, 'rater'],
    [`/api/reliability/drift?instrument_id=${instrument.id}&period=week`, 'period'],
    [`/api/lab-figures?instrument_id=${instrument.id}&year=99`, 'year'],
    [`/api/lab-figures?instrument_id=${instrument.id}&programme_id=999999`, 'programme_id'],
    [`/api/lab-figures?instrument_id=${instrument.id}&institution_id=999999`, 'institution_id'],
  ];
  for (const [path, field] of cases) {
    const r = await admin.get(path);
    assert.equal(r.status, 400, `${path}: ${r.status} ${r.text}`);
    assert.ok(r.json.error.fields[field], `${path}: ${r.text}`);
  }
  // An outcome measure has no raters to be reliable.
  const phq = (await admin.get('/api/instruments')).json.items.find((i) => i.kind === 'outcome');
  if (phq) assert.equal((await admin.get(`/api/reliability?instrument_id=${phq.id}`)).status, 400);
  let r = await admin.put('/api/lab-settings', { calibration_icc: 1.5 });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.calibration_icc);
  r = await admin.put('/api/lab-settings', { calibration_min_sessions: 0, drift_period: 'year' });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.calibration_min_sessions && r.json.error.fields.drift_period);
  r = await admin.post('/api/calibration/sessions/999/trainees', { trainee_ids: [trainee.id] });
  assert.equal(r.status, 404);
  const settings = (await admin.get('/api/lab-settings')).json;
  assert.equal(settings.min_therapists, 5);
  assert.equal(settings.calibration_form, 'ICC2');
});
