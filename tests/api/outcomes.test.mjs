// Issue 8 (part A): client outcomes against a real server. Registering a client with consent to
// outcome monitoring; entering answers (checked and scored by the measure's file); versions that
// are never changed and corrections with a reason; the one-time client link (once, within its
// time, its own questionnaire only, rate-limited); trajectories with the expected band and the
// not-on-track flag; effectiveness and aggregates; who may see what; the audit trail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { Client, adminClient, makeUser } from '../lib/client.mjs';

const today = new Date().toISOString().slice(0, 10);
const tomorrow = new Date(Date.now() + 864e5).toISOString().slice(0, 10);
let srv, admin, inst, therapist, other, measures, phq, gad, coreom, srs;

function sql(server, statement) {
  return execFileSync('sqlite3', [join(server.data, 'kvalab.db'), statement], { encoding: 'utf8' }).trim();
}

async function therapistIn(server, adminC, institution) {
  const t = await makeUser(server, adminC, 'therapist');
  const m = await adminC.put(`/api/institutions/${institution.id}/members/${t.id}`, { programme_ids: [institution.programmes[0].id] });
  assert.equal(m.status, 200, m.text);
  return t;
}

async function institution(adminC, name) {
  const r = await adminC.post('/api/institutions', { name });
  const p = await adminC.post(`/api/institutions/${r.json.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' });
  return p.json;
}

const answers = (values) => values.map((v, i) => ({ item: String(i + 1), value: v }));

async function client(t, instrument = phq, extra = {}) {
  const r = await t.client.post('/api/outcomes/clients', { institution_id: inst.id, consent_date: today, instrument_id: instrument.id, ...extra });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function enter(t, id, body) {
  return t.client.post(`/api/outcomes/clients/${id}/responses`, { instrument_id: phq.id, ...body });
}

before(async () => {
  srv = await startServer({ web: false, config: '[outcomes]\nlink_hours = 48\nrate_per_address = 1000\nrate_per_link = 50\npublic_url = https://kvalab.example.no/' });
  admin = await adminClient(srv);
  inst = await institution(admin, `Utfallsklinikken ${Date.now()}`);
  therapist = await therapistIn(srv, admin, inst);
  other = await therapistIn(srv, admin, inst);
  measures = (await therapist.client.get('/api/outcomes/measures?lang=en')).json.items;
  phq = measures.find((m) => m.code === 'phq-9');
  gad = measures.find((m) => m.code === 'gad-7');
  coreom = measures.find((m) => m.code === 'core-om');
  srs = measures.find((m) => m.code === 'srs');
});
after(async () => { await srv.stop(); });

test('the measures on file: client-rated, with their scoring, and wording only where it ships', async () => {
  assert.deepEqual(measures.map((m) => m.code).sort(), ['core-10', 'core-om', 'gad-7', 'oq-45', 'ors', 'phq-9', 'srs']);
  assert.deepEqual(phq.languages, ['en']);
  assert.equal(phq.scoring.cutoff, 10);
  assert.equal(phq.scoring.reliable_change, 6);
  assert.equal(phq.scoring.direction, 'lower_is_better');
  assert.deepEqual(phq.scoring.unverified.sort(), ['max_missing', 'reliable_change']);
  assert.equal(phq.questionnaire.items.length, 10);
  assert.equal(phq.questionnaire.items[0].text, 'Little interest or pleasure in doing things');
  assert.deepEqual(coreom.languages, []);
  assert.equal(coreom.questionnaire, null);
  assert.ok(coreom.items.every((i) => !i.text), 'CORE-OM ships without item text');
  assert.equal(srs.scoring.use, 'alliance');
  const nb = (await therapist.client.get('/api/outcomes/measures?lang=nb')).json.items.find((m) => m.code === 'phq-9');
  assert.equal(nb.questionnaire, null, 'no Norwegian wording is shipped');
  assert.equal(nb.items[1].label, 'Nedstemt eller håpløs');
});

test('registering a client: a new pseudonymous case with consent, or an existing case; refusals', async () => {
  const c = await client(therapist, phq, { age_band: '26_35' });
  assert.match(c.code, /^[A-Z0-9-]+$/);
  assert.equal(c.treatment, 'active');
  assert.equal(c.consent_date, today);
  assert.equal(c.instrument_code, 'phq-9');
  assert.equal(c.status, 'new');
  assert.deepEqual(c.responses, []);
  let r = await therapist.client.post('/api/outcomes/clients', { institution_id: inst.id, consent_date: tomorrow, instrument_id: phq.id });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.consent_date);
  r = await therapist.client.post('/api/outcomes/clients', { consent_date: today, instrument_id: phq.id });
  assert.equal(r.status, 400);
  r = await therapist.client.post('/api/outcomes/clients', { institution_id: inst.id, consent_date: today, instrument_id: srs.id });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'not_an_outcome_measure');
  const fidelity = (await therapist.client.get('/api/instruments')).json.items.find((i) => i.code === 'ctrs');
  r = await therapist.client.post('/api/outcomes/clients', { institution_id: inst.id, consent_date: today, instrument_id: fidelity.id });
  assert.equal(r.status, 400);
  const elsewhere = await institution(admin, `Annen klinikk ${Date.now()}`);
  r = await therapist.client.post('/api/outcomes/clients', { institution_id: elsewhere.id, consent_date: today, instrument_id: phq.id });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'not_a_member');
  // An intake case of the therapist enrolled afterwards; only once.
  const kase = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
  r = await therapist.client.post('/api/outcomes/clients', { case_id: kase.id, consent_date: today, instrument_id: gad.id });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.code, kase.code);
  r = await therapist.client.post('/api/outcomes/clients', { case_id: kase.id, consent_date: today, instrument_id: gad.id });
  assert.equal(r.status, 409);
  r = await other.client.post('/api/outcomes/clients', { case_id: kase.id, consent_date: today, instrument_id: gad.id });
  assert.equal(r.status, 404, 'another therapist cannot enrol this case');
});

test('entering answers: scored by the measure, items off their scale are 400, too many missing 422', async () => {
  const c = await client(therapist);
  let r = await enter(therapist, c.id, { session_number: 1, answers: answers([2, 2, 2, 2, 2, 2, 2, 2, 2]) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.score, 18);
  assert.equal(r.json.version, 1);
  assert.equal(r.json.entered_by, 'therapist');
  assert.deepEqual(r.json.answers, { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2, 8: 2, 9: 2 });
  r = await enter(therapist, c.id, { session_number: 2, answers: answers([2, 2, 2, 2, 2, 2, 2, 2, 4]) });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.fields['answers[8]'], 'must be a whole number from 0 to 3');
  r = await enter(therapist, c.id, { session_number: 2, answers: [{ item: '34', value: 1 }] });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.fields['answers[0]'], 'is not an item of this questionnaire');
  r = await enter(therapist, c.id, { session_number: 2, answers: answers([2, 2, null, 2, null, 2, null, 2, 2]) });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'too_many_missing');
  r = await enter(therapist, c.id, { session_number: 2, answers: [{ item: '1', value: 2 }, { item: '1', value: 1 }] });
  assert.equal(r.status, 400);
  r = await enter(therapist, c.id, { session_number: 2, answers: [{ item: '1', value: '2' }] });
  assert.equal(r.status, 400);
  r = await enter(therapist, c.id, { session_number: 2, score: 28 });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.fields.score, 'must be a number from 0 to 27');
  r = await enter(therapist, c.id, { session_number: 2, score: 12, answers: answers([1]) });
  assert.equal(r.status, 400);
  r = await enter(therapist, c.id, { session_number: 2, session_date: tomorrow, score: 12 });
  assert.equal(r.status, 400);
  // None of the refusals stored anything.
  assert.equal(sql(srv, `SELECT count(*) FROM outcome_responses WHERE case_id = ${c.id}`), '1');
  // Two items left out: prorated.
  r = await enter(therapist, c.id, { session_number: 2, answers: answers([2, 2, null, 2, 2, null, 2, 2, 2]) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.score, 18);
  assert.equal(r.json.missing, 2);
  r = await enter(therapist, c.id, { score: 11.5 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.session_number, 3, 'the next session by default');
  assert.equal(r.json.answers, null);
  r = await enter(therapist, c.id, { session_number: 3, score: 10 });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'session_recorded');
});

test('answers are immutable: a correction is a new version with a reason; the old one stays', async () => {
  const c = await client(therapist);
  const first = (await enter(therapist, c.id, { session_number: 1, answers: answers([3, 3, 3, 3, 3, 3, 3, 3, 0]) })).json;
  assert.equal(first.score, 24);
  let r = await therapist.client.post(`/api/outcomes/responses/${first.id}/corrections`, { answers: answers([3, 3, 3, 3, 3, 3, 3, 3, 1]) });
  assert.equal(r.status, 400, 'a reason is required');
  r = await therapist.client.post(`/api/outcomes/responses/${first.id}/corrections`, { reason: 'Typed item 9 wrong from the paper form', answers: answers([3, 3, 3, 3, 3, 3, 3, 3, 1]) });
  assert.equal(r.status, 201, r.text);
  const second = r.json;
  assert.equal(second.version, 2);
  assert.equal(second.supersedes, first.id);
  assert.equal(second.score, 25);
  assert.equal(second.reason, 'Typed item 9 wrong from the paper form');
  assert.deepEqual(second.versions.map((v) => [v.version, v.score, v.current]), [[1, 24, false], [2, 25, true]]);
  r = await therapist.client.post(`/api/outcomes/responses/${first.id}/corrections`, { reason: 'again', score: 20 });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'superseded');
  r = await therapist.client.get(`/api/outcomes/responses/${first.id}`);
  assert.equal(r.status, 200);
  assert.equal(r.json.score, 24, 'the first version is kept as it was');
  assert.equal(r.json.versions.length, 2);
  const detail = (await therapist.client.get(`/api/outcomes/clients/${c.id}`)).json;
  assert.deepEqual(detail.responses.map((x) => x.id), [second.id], 'only the current version counts');
  assert.equal(detail.trajectories[0].points[0].score, 25);
  // The database itself refuses to change or delete an answer set.
  assert.throws(() => sql(srv, `UPDATE outcome_responses SET score = 1 WHERE id = ${first.id}`), /immutable/);
  assert.throws(() => sql(srv, `DELETE FROM outcome_responses WHERE id = ${second.id}`), /immutable/);
  assert.equal(sql(srv, `SELECT score FROM outcome_responses WHERE id = ${first.id}`), '24.0');
});

async function newLink(t, c, body = {}) {
  const r = await t.client.post(`/api/outcomes/clients/${c.id}/links`, { instrument_id: phq.id, language: 'en', ...body });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

const pub = (token, method = 'GET', body) => new Client(srv.url).request(method, '/api/q', body, { headers: token ? { 'x-link-token': token } : {} });

test('a client link: made once with a QR code, opens only its questionnaire, takes answers once', async () => {
  const c = await client(therapist);
  let r = await therapist.client.post(`/api/outcomes/clients/${c.id}/links`, { instrument_id: phq.id, language: 'nb' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'language_unavailable');
  r = await therapist.client.post(`/api/outcomes/clients/${c.id}/links`, { instrument_id: coreom.id, language: 'en' });
  assert.equal(r.status, 422, 'no link for a measure shipped without its wording');
  const link = await newLink(therapist, c, { session_number: 1 });
  assert.match(link.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(link.path, `/q#${link.token}`);
  assert.equal(link.url, `https://kvalab.example.no/q#${link.token}`);
  assert.match(link.qr_svg, /^<svg [^>]*viewBox/);
  assert.equal(link.link.session_number, 1);
  const hours = (new Date(link.link.expires_at) - new Date(link.link.created_at)) / 36e5;
  assert.equal(hours, 48);
  assert.equal(sql(srv, `SELECT count(*) FROM outcome_links WHERE token_hash LIKE '%${link.token}%'`), '0', 'only a hash is stored');

  r = await pub(null);
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'link_missing');
  r = await pub('A'.repeat(43));
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'link_unknown');
  r = await pub(link.token);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.questionnaire.code, 'phq-9');
  assert.equal(r.json.language, 'en');
  assert.equal(r.json.questionnaire.items.length, 10);
  assert.doesNotMatch(r.text, new RegExp(c.code), 'nothing about the client is shown');

  // Another questionnaire's items, answers off the scale, too many left out: refused, link still open.
  r = await pub(link.token, 'POST', { answers: [{ item: '34', value: 1 }] });
  assert.equal(r.status, 400);
  r = await pub(link.token, 'POST', { answers: answers([1, 1, 1, 1, 1, 1, 1, 1, 9]) });
  assert.equal(r.status, 400);
  r = await pub(link.token, 'POST', { answers: answers([1, 1, 1]) });
  assert.equal(r.status, 422);
  r = await pub(link.token, 'POST', { answers: answers([1, 1, 1, 1, 1, 1, 1, 1, 1]), instrument_id: gad.id });
  assert.equal(r.status, 400, 'the link decides the questionnaire');
  assert.equal(sql(srv, `SELECT count(*) FROM outcome_responses WHERE case_id = ${c.id}`), '0');

  r = await pub(link.token, 'POST', { answers: [...answers([1, 2, 1, 2, 1, 2, 1, 2, 0]), { item: 'difficulty', value: 1 }] });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json, { received: true });
  r = await pub(link.token, 'POST', { answers: answers([0, 0, 0, 0, 0, 0, 0, 0, 0]) });
  assert.equal(r.status, 410);
  assert.equal(r.json.error.code, 'link_used');
  r = await pub(link.token);
  assert.equal(r.status, 410);
  assert.equal(r.json.error.code, 'link_used');
  const detail = (await therapist.client.get(`/api/outcomes/clients/${c.id}`)).json;
  assert.equal(detail.responses.length, 1);
  assert.equal(detail.responses[0].entered_by, 'client');
  assert.equal(detail.responses[0].score, 12);
  assert.equal(detail.responses[0].answers.difficulty, 1);
  assert.ok(detail.links[0].used_at);
  assert.ok(detail.links[0].opened_at);
  // A link for a session already answered is refused.
  r = await therapist.client.post(`/api/outcomes/clients/${c.id}/links`, { instrument_id: phq.id, language: 'en', session_number: 1 });
  assert.equal(r.status, 409);
});

test('a client link expires, can be revoked, and dies with the treatment', async () => {
  const c = await client(therapist);
  const expiring = await newLink(therapist, c);
  sql(srv, `UPDATE outcome_links SET expires_at = ${Math.floor(Date.now() / 1000) - 1} WHERE id = ${expiring.link.id}`);
  let r = await pub(expiring.token);
  assert.equal(r.status, 410);
  assert.equal(r.json.error.code, 'link_expired');
  r = await pub(expiring.token, 'POST', { answers: answers([1, 1, 1, 1, 1, 1, 1, 1, 1]) });
  assert.equal(r.status, 410);
  assert.equal(sql(srv, `SELECT count(*) FROM outcome_responses WHERE case_id = ${c.id}`), '0');

  const revoked = await newLink(therapist, c);
  r = await other.client.post(`/api/outcomes/links/${revoked.link.id}/revoke`, {});
  assert.equal(r.status, 404, 'only the therapist who owns the client');
  r = await therapist.client.post(`/api/outcomes/links/${revoked.link.id}/revoke`, {});
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.revoked_at);
  r = await therapist.client.post(`/api/outcomes/links/${revoked.link.id}/revoke`, {});
  assert.equal(r.status, 409);
  r = await pub(revoked.token);
  assert.equal(r.status, 410);
  assert.equal(r.json.error.code, 'link_revoked');

  const open = await newLink(therapist, c);
  r = await therapist.client.post(`/api/outcomes/clients/${c.id}/end`, { status: 'dropped_out', ended_date: today });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.treatment, 'dropped_out');
  assert.equal(r.json.status, 'dropped_out');
  r = await pub(open.token);
  assert.equal(r.status, 410);
  r = await therapist.client.post(`/api/outcomes/clients/${c.id}/links`, { instrument_id: phq.id, language: 'en' });
  assert.equal(r.status, 409);
  r = await therapist.client.post(`/api/outcomes/clients/${c.id}/end`, { status: 'ended', ended_date: today });
  assert.equal(r.status, 409);
});

test('public links are rate-limited per address and per link', async () => {
  const limited = await startServer({ web: false, config: '[outcomes]\nrate_per_address = 8\nrate_per_link = 3\nrate_window_minutes = 10' });
  try {
    const a = await adminClient(limited);
    const ins = await institution(a, 'Grenseklinikken');
    const t = await therapistIn(limited, a, ins);
    const m = (await t.client.get('/api/outcomes/measures')).json.items.find((x) => x.code === 'phq-9');
    const c = (await t.client.post('/api/outcomes/clients', { institution_id: ins.id, consent_date: today, instrument_id: m.id })).json;
    const l = (await t.client.post(`/api/outcomes/clients/${c.id}/links`, { instrument_id: m.id, language: 'en' })).json;
    const hit = (token, method = 'GET', body) => new Client(limited.url).request(method, '/api/q', body, { headers: { 'x-link-token': token } });
    for (let i = 0; i < 3; i++) assert.equal((await hit(l.token)).status, 200);
    let r = await hit(l.token, 'POST', { answers: answers([1, 1, 1, 1, 1, 1, 1, 1, 1]) });
    assert.equal(r.status, 429, 'the fourth request on one link');
    assert.equal(r.json.error.code, 'throttled');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    assert.equal(limited.data && execFileSync('sqlite3', [join(limited.data, 'kvalab.db'), 'SELECT count(*) FROM outcome_responses'], { encoding: 'utf8' }).trim(), '0', 'a throttled answer changes nothing');
    // Guessing tokens from one address runs into the address limit.
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await hit('B'.repeat(42) + String(i))).status);
    assert.deepEqual(codes, [404, 404, 404, 404, 429]);
  } finally {
    await limited.stop();
  }
});

// The lab's own data: n ended clients of several therapists on PHQ-9, written straight into the
// database (as years of routine use would leave it), improving by log of the session.
function seedLab(therapists, n) {
  const now = Math.floor(Date.now() / 1000);
  const lines = ['BEGIN;'];
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  for (let i = 0; i < n; i++) {
    const t = therapists[i % therapists.length];
    const id = 900000 + i;
    const intake = 10 + Math.floor(rnd() * 15);
    lines.push(`INSERT INTO patient_cases (id, institution_id, therapist_id, code, created_at) VALUES (${id}, ${inst.id}, ${t.id}, 'LAB-${i}', ${now});`);
    lines.push(`INSERT INTO outcome_clients (case_id, instrument_id, consent_date, consent_declared_at, consent_declared_by, status, ended_date, ended_at, created_at) VALUES (${id}, ${phq.id}, '${today}', ${now}, ${t.id}, 'ended', '${today}', ${now}, ${now});`);
    for (let s = 1; s <= 8; s++) {
      const mean = intake - (1.5 + 0.15 * (intake - 16)) * Math.log(s) * 2;
      const score = Math.max(0, Math.min(27, Math.round(mean + (rnd() - 0.5) * 4 * Math.sqrt(1 + Math.log(s)))));
      lines.push(`INSERT INTO outcome_responses (case_id, instrument_id, session_number, session_date, score, entered_by, created_at) VALUES (${id}, ${phq.id}, ${s}, '${today}', ${score}, 'therapist', ${now});`);
    }
  }
  lines.push('COMMIT;');
  sql(srv, lines.join('\n'));
}

test('the trajectory: reliable-change band, expected band once the lab has 50 clients, not-on-track', async () => {
  // Reliable deterioration is not on track even before the lab has data.
  const worse = await client(therapist);
  await enter(therapist, worse.id, { session_number: 1, score: 8 });
  await enter(therapist, worse.id, { session_number: 2, score: 15 });
  let d = (await therapist.client.get(`/api/outcomes/clients/${worse.id}`)).json;
  let tr = d.trajectories[0];
  assert.equal(tr.code, 'phq-9');
  assert.equal(tr.primary, true);
  assert.equal(tr.category, 'deteriorated');
  assert.deepEqual(tr.rc_band, { lower: 2, upper: 14 });
  assert.equal(tr.rules.cutoff, 10);
  assert.equal(tr.expected.available, false);
  assert.equal(tr.not_on_track, true);
  assert.equal(d.status, 'not_on_track');

  const extra = [];
  for (let i = 0; i < 5; i++) extra.push(await therapistIn(srv, admin, inst));
  seedLab([other, ...extra], 60);
  // Slow progress: 20 at intake, 19 at session 8. Not a reliable change, but far above what
  // the lab's clients with that intake show by then.
  const slow = await client(therapist);
  await enter(therapist, slow.id, { session_number: 1, score: 20 });
  await enter(therapist, slow.id, { session_number: 8, score: 19 });
  d = (await therapist.client.get(`/api/outcomes/clients/${slow.id}`)).json;
  tr = d.trajectories[0];
  assert.equal(tr.expected.available, true);
  assert.ok(tr.expected.n_clients >= 60);
  assert.equal(tr.expected.curve[0].session_number, 1);
  const at8 = tr.expected.curve.find((p) => p.session_number === 8);
  assert.ok(at8.expected < 15 && at8.upper < 19, JSON.stringify(at8));
  assert.equal(tr.category, 'unchanged');
  assert.equal(tr.off_track, true);
  assert.equal(tr.not_on_track, true);
  // The caseload puts those not on track first (after any risk answer: see below).
  const list = (await therapist.client.get('/api/outcomes/clients')).json;
  const firstAlert = list.items.findIndex((x) => !x.alert);
  assert.ok(list.items.slice(0, firstAlert).every((x) => x.alert));
  assert.equal(list.items[firstAlert].status, 'not_on_track');
  assert.ok(list.counts.not_on_track >= 2);
  const only = (await therapist.client.get('/api/outcomes/clients?status=not_on_track')).json.items;
  assert.ok(only.every((x) => x.status === 'not_on_track'));
  // A risk answer on item 9 puts the client at the very top.
  const risk = await client(therapist);
  await enter(therapist, risk.id, { session_number: 1, answers: answers([1, 1, 1, 1, 1, 1, 1, 1, 2]) });
  const top = (await therapist.client.get('/api/outcomes/clients')).json.items[0];
  assert.equal(top.id, risk.id);
  assert.equal(top.alert, true);
  d = (await therapist.client.get(`/api/outcomes/clients/${risk.id}`)).json;
  assert.equal(d.trajectories[0].points[0].alerts[0].item, '9');
});

test('effectiveness over closed cases, with intervals, caveats and the severity-adjusted effect size', async () => {
  let r = await therapist.client.get('/api/outcomes/effectiveness?from=2026-13-01');
  assert.equal(r.status, 400);
  r = await therapist.client.get(`/api/outcomes/effectiveness?from=${tomorrow}&to=${today}`);
  assert.equal(r.status, 400);
  const pairs = [[20, 8], [18, 9], [22, 12], [16, 15], [12, 4], [24, 10]];
  for (const [pre, post] of pairs) {
    const c = await client(therapist);
    await enter(therapist, c.id, { session_number: 1, score: pre });
    await enter(therapist, c.id, { session_number: 6, score: post });
    assert.equal((await therapist.client.post(`/api/outcomes/clients/${c.id}/end`, { status: 'ended', ended_date: today })).status, 200);
  }
  r = await therapist.client.get(`/api/outcomes/effectiveness?from=${today}&to=${today}`);
  assert.equal(r.status, 200, r.text);
  const m = r.json.measures.find((x) => x.code === 'phq-9');
  assert.equal(m.n, 6);
  assert.equal(m.n_dropped_out, 0);
  assert.ok(m.n_no_follow_up >= 1, 'the dropped-out client with no scores is counted apart');
  // 20-8, 18-9, 12-4 recover; 22-12 and 24-10 improve reliably but end at the cut-off or above.
  assert.equal(m.categories.recovered.count, 3);
  assert.equal(m.categories.improved.count, 2);
  assert.equal(m.categories.unchanged.count, 1);
  assert.ok(m.categories.recovered.lower < m.categories.recovered.share && m.categories.recovered.share < m.categories.recovered.upper);
  assert.ok(m.effect_size.d > 1);
  assert.ok(m.effect_size.lower < m.effect_size.d && m.effect_size.d < m.effect_size.upper);
  assert.ok(m.reference.n >= 60);
  assert.ok(m.adjusted && typeof m.adjusted.value === 'number', JSON.stringify(m));
  assert.ok(m.caveats.includes('few_cases'));
  assert.ok(m.caveats.includes('rules_unverified'));
  assert.equal(r.json.caseload.counts.recovered, 3);
  assert.ok(r.json.scores_recorded >= 12);
  // A period with nothing ended: no cases, and it says so.
  r = await therapist.client.get('/api/outcomes/effectiveness?from=2000-01-01&to=2000-12-31');
  const none = r.json.measures.find((x) => x.code === 'phq-9');
  assert.equal(none.n, 0);
  assert.equal(none.effect_size, null);
  assert.ok(none.caveats.includes('no_cases'));
});

test('aggregates: lab and institution admins only, over at least 5 therapists, never one', async () => {
  let r = await admin.get('/api/outcomes/aggregate');
  assert.equal(r.status, 200, r.text);
  const p = r.json.items.find((x) => x.code === 'phq-9');
  assert.ok(p.n_therapists >= 6);
  assert.equal(p.suppressed, false);
  assert.ok(p.n >= 60);
  assert.ok(p.effect_size.d > 0);
  assert.ok(!('therapists' in p) && !JSON.stringify(r.json).includes(String(therapist.email)));
  const g = r.json.items.find((x) => x.code === 'gad-7');
  assert.equal(g.suppressed, true);
  assert.equal(g.effect_size, undefined);
  const iadmin = await makeUser(srv, admin, 'institution_admin');
  sql(srv, `UPDATE users SET institution_id = ${inst.id} WHERE id = ${iadmin.id}`);
  r = await iadmin.client.get('/api/outcomes/aggregate');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.institution_id, inst.id);
  r = await iadmin.client.get(`/api/outcomes/aggregate?institution_id=${inst.id + 1000}`);
  assert.equal(r.status, 404);
  for (const path of ['/api/outcomes/clients', `/api/outcomes/effectiveness`]) {
    assert.equal((await iadmin.client.get(path)).status, 403, path);
    assert.equal((await admin.get(path)).status, 403, path);
  }
  assert.equal((await therapist.client.get('/api/outcomes/aggregate')).status, 403);
});

test('a therapist sees only their own clients; every read is audited', async () => {
  const c = await client(therapist);
  const resp = (await enter(therapist, c.id, { session_number: 1, score: 14 })).json;
  assert.equal((await other.client.get(`/api/outcomes/clients/${c.id}`)).status, 404);
  assert.equal((await other.client.get(`/api/outcomes/responses/${resp.id}`)).status, 404);
  assert.equal((await other.client.post(`/api/outcomes/responses/${resp.id}/corrections`, { reason: 'x', score: 3 })).status, 404);
  assert.equal((await other.client.post(`/api/outcomes/clients/${c.id}/responses`, { instrument_id: phq.id, score: 3 })).status, 404);
  assert.equal((await other.client.post(`/api/outcomes/clients/${c.id}/links`, { instrument_id: phq.id, language: 'en' })).status, 404);
  assert.ok(!(await other.client.get('/api/outcomes/clients')).json.items.some((x) => x.id === c.id));
  await therapist.client.get(`/api/outcomes/clients/${c.id}`);
  const actions = sql(srv, "SELECT DISTINCT action FROM audit_log WHERE action LIKE 'outcome.%' ORDER BY action").split('\n');
  for (const a of ['outcome.aggregate_read', 'outcome.caseload_read', 'outcome.client_read', 'outcome.effectiveness_read', 'outcome.end', 'outcome.enrol',
    'outcome.link_answer', 'outcome.link_create', 'outcome.link_open', 'outcome.link_revoke', 'outcome.response_correct', 'outcome.response_create', 'outcome.response_read']) {
    assert.ok(actions.includes(a), `audited: ${a}`);
  }
  const who = sql(srv, `SELECT actor_id FROM audit_log WHERE action = 'outcome.client_read' AND object_id = '${c.id}'`);
  assert.equal(who, String(therapist.id));
  const ok = (await admin.get(`/api/audit?action=outcome.client_read&object_id=${c.id}`)).json;
  assert.equal(ok.items.length, 1);
});

test('withdrawing consent erases the answers and the links, and stops new ones', async () => {
  const c = await client(therapist);
  await enter(therapist, c.id, { session_number: 1, score: 14 });
  const l = await newLink(therapist, c);
  let r = await therapist.client.post(`/api/outcomes/clients/${c.id}/consent/withdraw`, { withdrawn_date: tomorrow });
  assert.equal(r.status, 400);
  r = await therapist.client.post(`/api/outcomes/clients/${c.id}/consent/withdraw`, { withdrawn_date: today });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.withdrawn, true);
  assert.equal(r.json.withdrawn_date, today);
  assert.deepEqual(r.json.responses, []);
  assert.deepEqual(r.json.links, []);
  assert.equal(sql(srv, `SELECT count(*) FROM outcome_responses WHERE case_id = ${c.id}`), '0');
  assert.equal((await pub(l.token)).status, 404);
  r = await enter(therapist, c.id, { session_number: 2, score: 3 });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'consent_withdrawn');
  r = await therapist.client.post(`/api/outcomes/clients/${c.id}/consent/withdraw`, { withdrawn_date: today });
  assert.equal(r.status, 409);
  const row = (await therapist.client.get('/api/outcomes/clients')).json.items.find((x) => x.id === c.id);
  assert.equal(row.status, 'withdrawn');
});
