// Issue 7: research exports. A researcher asks, a lab admin approves or rejects, the researcher
// downloads CSV, codebook, .sav and .dta; only sessions the rules allow go out, codes are re-keyed
// per export, free text only when approved, and every step is audited.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tus from 'tus-js-client';
import { kvalab, startServer } from '../lib/server.mjs';
import { adminClient, makeUser, totp } from '../lib/client.mjs';
import { playableMp4, bytes } from '../lib/media.mjs';

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);
const today = day(0);
const FROM = day(-30);
let srv, admin, supervisor, raters, researcher, other, instrument, mp4;
const sessions = {}; // marker -> {id, caseId, therapist}

async function withTotp(role) {
  const u = await makeUser(srv, admin, role);
  const e = await u.client.post('/api/me/totp', {});
  await u.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
  return u;
}

// An institution with an active agreement and one therapist (with an API token for uploads).
async function clinic(name, keep) {
  let inst = (await admin.post('/api/institutions', { name, keep_ratings_for_research: keep })).json;
  inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
  const therapist = await makeUser(srv, admin, 'therapist');
  await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
  const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'L', manager_level: '3', signatory_ids: [therapist.id] })).json;
  await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } });
  assert.equal((await admin.post(`/api/agreements/${ag.id}/activate`, {})).status, 200);
  therapist.token = (await therapist.client.post('/api/tokens', { name: 't' })).json.token;
  return { inst, therapist };
}

// A session rated to an approved consensus. marker is its consensus score for item 3 adherence,
// so it can be found in any export; the rating's notes say "Notat <marker>".
async function approvedSession({ inst, therapist }, marker, { research = true, date = today, twoRaters = false } = {}) {
  const c = (await therapist.client.post('/api/cases', { institution_id: inst.id, age_band: '26_35', gender: 'female' })).json;
  await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research });
  const s = (await therapist.client.post('/api/submissions', { case_id: c.id, session_date: date, session_number: marker + 10, treatment_phase: 'middle', modality: 'individual', instrument_id: instrument.id, declared_consent: true, declared_no_identifiers: true, questions: `Spørsmål ${marker}` })).json;
  assert.equal((await therapist.client.post(`/api/submissions/${s.id}/submit`, {})).status, 200);
  await new Promise((resolve, reject) => {
    new tus.Upload(mp4, {
      endpoint: `${srv.url}/api/uploads`, headers: { Authorization: `Bearer ${therapist.token}` },
      metadata: { submission_id: String(s.id) }, retryDelays: null, onError: reject, onSuccess: resolve,
    }).start();
  });
  for (let i = 0; i < 200 && (await admin.get(`/api/submissions/${s.id}`)).json.state !== 'recording_ready'; i++) await new Promise((r) => setTimeout(r, 100));
  const who = twoRaters ? raters : [raters[0]];
  const a = await admin.post(`/api/submissions/${s.id}/assignments`, { rater_ids: who.map((r) => r.id), due_date: today });
  assert.equal(a.status, 201, a.text);
  let first = null;
  for (const r of who) {
    const ratingId = a.json.items.find((x) => x.rater_id === r.id).rating_id;
    const probe = await r.client.post(`/api/ratings/${ratingId}/submit`, {});
    const ops = probe.json.error.missing.map((m) => { const [item, facet] = m.split('.'); return { op: 'score', item, facet, value: 4 }; });
    ops.push({ op: 'score', item: '3', facet: 'adherence', value: marker });
    ops.push({ op: 'notes', text: `Notat ${marker}, med komma` });
    ops.push({ op: 'intervention', client_id: 'i1', start_ms: 1000, code: '16' });
    ops.push({ op: 'intervention', client_id: 'i2', start_ms: 3000, code: '16' });
    const ch = await r.client.post(`/api/ratings/${ratingId}/changes`, { client: 'tab', seq: 1, base_version: 1, ops });
    assert.equal(ch.status, 200, ch.text);
    assert.equal((await r.client.post(`/api/ratings/${ratingId}/submit`, {})).status, 200);
    first ??= ratingId;
  }
  const con = await raters[0].client.post(`/api/submissions/${s.id}/consensus`, { based_on: first });
  assert.equal(con.status, 201, con.text);
  assert.equal((await raters[0].client.post(`/api/ratings/${con.json.id}/submit`, {})).status, 200);
  const ok = await supervisor.client.post(`/api/submissions/${s.id}/approve`, {});
  assert.equal(ok.status, 200, ok.text);
  sessions[marker] = { id: s.id, caseId: c.id, caseCode: c.code, therapist };
}

// RFC 4180 as kvalab writes it: CRLF, quotes doubled inside quoted fields.
function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; } else field += ch;
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k]])));
}

const VARS = ['therapist', 'patient', 'institution', 'session_year', 'session_month', 'session_number', 'phase', 'modality', 'patient_age', 'item01_qual', 'item03_adh', 'glob_qual', 'idx_support', 'n_16', 'txt_notes', 'txt_questions'];

async function request(client, body = {}) {
  return client.post('/api/exports', { instrument_id: instrument.id, period_from: FROM, period_to: today, variables: VARS, include_free_text: true, level: 'both', purpose: 'Reliabilitet og sammenheng mellom etterlevelse og kvalitet i MBT.', ...body });
}

async function approvedExport(body, decision) {
  const r = await request(researcher.client, body);
  assert.equal(r.status, 201, r.text);
  const ok = await admin.post(`/api/exports/${r.json.id}/approve`, decision ?? {});
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.state, 'ready');
  return ok.json;
}

async function csvOf(id) {
  const r = await researcher.client.get(`/api/exports/${id}/data.csv`);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  return parseCsv(r.text);
}

const consensusRows = (rows) => rows.filter((r) => r.source === '1');

before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
  instrument = (await admin.get('/api/instruments')).json.items.find((i) => i.code === 'mbt-i-aqs');
  supervisor = await withTotp('supervisor');
  raters = [await withTotp('rater'), await withTotp('rater')];
  researcher = await makeUser(srv, admin, 'researcher');
  other = await makeUser(srv, admin, 'researcher');
  mp4 = bytes(playableMp4({ seconds: 8, size: '160x120', bitrate: '100k' }));
  const open = await clinic('Forskningsklinikken', true);
  const closed = await clinic('Klinikk uten forskning', false);
  await approvedSession(open, 1, { twoRaters: true });
  await approvedSession(open, 2);
  await approvedSession(open, 3);
  await approvedSession(open, 7);
  await approvedSession(open, 5, { research: false });
  await approvedSession(closed, 6);
  await approvedSession(open, 4, { date: day(-400) });
});
after(async () => { await srv.stop(); });

test('a researcher sees exports only: every other part of the lab is refused', async () => {
  const c = researcher.client;
  for (const path of ['/api/submissions', '/api/institutions', '/api/users', '/api/audit', '/api/cases', `/api/submissions/${sessions[1].id}`, `/api/submissions/${sessions[1].id}/ratings`, '/api/ratings/1', '/api/recordings/1', '/api/submissions/counts', '/api/me/assignments']) {
    const r = await c.get(path);
    assert.equal(r.status, 403, `${path}: ${r.status}`);
  }
  assert.equal((await c.get('/api/exports')).status, 200);
  // Nor may anyone but a researcher ask for an export, or anyone but a lab admin decide.
  assert.equal((await sessions[1].therapist.client.get('/api/exports')).status, 403);
  assert.equal((await supervisor.client.post('/api/exports', {})).status, 403);
  assert.equal((await c.post('/api/exports/1/approve', {})).status, 403);
});

test('the variables on offer are grouped and named for SPSS and Stata', async () => {
  const r = await researcher.client.get(`/api/exports/variables?instrument_id=${instrument.id}&language=nb`);
  assert.equal(r.status, 200, r.text);
  const names = r.json.groups.flatMap((g) => g.variables.map((v) => v.name));
  for (const v of VARS) assert.ok(names.includes(v), v);
  assert.ok(!names.includes('item01_adh'), 'item 1 is rated for quality only');
  assert.ok(names.every((n) => /^[a-z][a-z0-9_]{0,31}$/.test(n)));
  assert.deepEqual(r.json.groups.map((g) => g.id), ['identifiers', 'session', 'patient', 'items', 'globals', 'derived', 'counts', 'text']);
  assert.ok(r.json.groups.find((g) => g.id === 'text').variables.every((v) => v.free_text));
  assert.match(r.json.groups.find((g) => g.id === 'items').variables[0].label, /^Ledd 1/);
  assert.equal((await researcher.client.get('/api/exports/variables?instrument_id=99999')).status, 400);
});

test('bad requests name the field and change nothing', async () => {
  const before = (await researcher.client.get('/api/exports')).json.items.length;
  let r = await request(researcher.client, { period_from: today, period_to: FROM });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.period_to, /before period_from/);
  r = await request(researcher.client, { variables: ['therapist', 'item99_adh', 'therapist', 'session'] });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields['variables[1]'], /not a variable/);
  assert.match(r.json.error.fields['variables[2]'], /twice/);
  assert.match(r.json.error.fields['variables[3]'], /always included/);
  r = await request(researcher.client, { variables: [], period_from: today, period_to: FROM });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.variables && r.json.error.fields.period_to, JSON.stringify(r.json.error.fields));
  r = await request(researcher.client, { include_free_text: false });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields['variables[14]'], /free text/);
  r = await request(researcher.client, { variables: ['therapist'], include_free_text: true });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.include_free_text);
  r = await request(researcher.client, { instrument_id: 424242 });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.instrument_id);
  r = await request(researcher.client, { variables: ['item-3'] });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.variables);
  r = await request(researcher.client, { purpose: 'kort' });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.purpose);
  r = await request(researcher.client, { level: 'everything', period_to: '2026-02-30' });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.level && r.json.error.fields.period_to);
  r = await request(researcher.client, { purpose: 'Pasient 15076500565 skal med i studien, takk.' });
  assert.equal(r.status, 422);
  assert.equal((await researcher.client.get('/api/exports')).json.items.length, before);
});

test('request, approval without free text, download: only the sessions the rules allow, no internal ids', async () => {
  const r = await request(researcher.client);
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.json.state, 'requested');
  assert.deepEqual(r.json.files, []);
  // Nothing to download before approval, and nothing of someone else's, ever.
  let d = await researcher.client.get(`/api/exports/${id}/data.csv`);
  assert.equal(d.status, 409);
  assert.equal(d.json.error.code, 'not_ready');
  assert.equal((await other.client.get(`/api/exports/${id}`)).status, 404);
  assert.equal((await other.client.get(`/api/exports/${id}/data.csv`)).status, 404);
  assert.ok(!(await other.client.get('/api/exports')).json.items.some((e) => e.id === id));
  // The lab admin sees what was asked for, and who asked.
  const pending = (await admin.get('/api/exports?state=requested')).json.items.find((e) => e.id === id);
  assert.equal(pending.requested_by_email, researcher.email);
  assert.deepEqual(pending.variables, VARS);
  assert.equal(pending.include_free_text, true);
  assert.equal((await admin.post(`/api/exports/${id}/approve`, { allow_free_text: 'yes' })).status, 400);
  const ok = await admin.post(`/api/exports/${id}/approve`, { note: 'Godkjent uten fritekst.' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.state, 'ready');
  assert.equal(ok.json.free_text_allowed, false);
  assert.equal(ok.json.session_count, 4);
  assert.equal(ok.json.row_count, 9); // four consensus rows, and five raters' own (two for session 1)
  assert.deepEqual(ok.json.files.map((f) => f.name), ['codebook.csv', 'data.csv', 'data.dta', 'data.sav']);
  assert.equal((await admin.post(`/api/exports/${id}/approve`, {})).status, 409);
  // The lab admin decides but does not download.
  assert.equal((await admin.get(`/api/exports/${id}/data.csv`)).status, 403);

  d = await researcher.client.get(`/api/exports/${id}/data.csv`);
  assert.equal(d.status, 200);
  assert.match(d.headers.get('content-disposition'), /^attachment; filename="kvalab-export-\d+-data\.csv"$/);
  assert.equal(d.headers.get('cache-control'), 'no-store');
  const rows = parseCsv(d.text);
  const head = d.text.split('\r\n')[0].split(',');
  assert.deepEqual(head, ['session', 'source', 'rater', ...VARS.filter((v) => !v.startsWith('txt_'))]);
  const markers = consensusRows(rows).map((x) => Number(x.item03_adh)).sort();
  // 5: no research consent; 6: the institution keeps no ratings for research; 4: outside the period.
  assert.deepEqual(markers, [1, 2, 3, 7]);
  assert.equal(rows.filter((x) => x.source === '2').length, 5);
  assert.ok(rows.filter((x) => x.source === '2').every((x) => /^R0[12]$/.test(x.rater)));
  const one = consensusRows(rows).find((x) => x.item03_adh === '1');
  assert.match(one.session, /^S\d{4}$/);
  assert.equal(one.therapist, 'T001');
  assert.match(one.patient, /^P00[1-4]$/);
  assert.equal(one.institution, 'I01');
  assert.equal(one.session_year, today.slice(0, 4));
  assert.equal(one.session_month, String(Number(today.slice(5, 7))));
  assert.equal(one.session_number, '11');
  assert.equal(one.phase, '2');
  assert.equal(one.modality, '1');
  assert.equal(one.patient_age, '3');
  assert.equal(one.n_16, '2');
  assert.equal(one.idx_support, '4');
  assert.equal(rows.filter((x) => x.session === one.session).length, 3, 'consensus and both raters share the session code');
  // No free text, no case codes, no names, no e-mail addresses, no dates.
  assert.doesNotMatch(d.text, /Notat|Spørsmål/);
  for (const s of Object.values(sessions)) assert.ok(!d.text.includes(s.caseCode));
  assert.doesNotMatch(d.text, /@|Forskningsklinikken|\d{4}-\d{2}-\d{2}/);

  const cb = await researcher.client.get(`/api/exports/${id}/codebook.csv`);
  assert.equal(cb.status, 200);
  const book = parseCsv(cb.text);
  const item3 = book.find((x) => x.variable === 'item03_adh');
  assert.match(item3.label, /^Item 3 /);
  assert.match(item3.values, /4 = Good enough/);
  assert.equal(item3.missing, 'empty = not scored');
  assert.ok(!book.some((x) => x.variable.startsWith('txt_')));

  const sav = await fetch(`${srv.url}/api/exports/${id}/data.sav`, { headers: { cookie: researcher.client.cookie } });
  assert.equal(sav.status, 200);
  assert.equal(Buffer.from(await sav.arrayBuffer()).subarray(0, 4).toString('latin1'), '$FL2');
  const dta = await fetch(`${srv.url}/api/exports/${id}/data.dta`, { headers: { cookie: researcher.client.cookie } });
  assert.equal(dta.status, 200);
  assert.equal(dta.headers.get('content-type'), 'application/x-stata-dta');
  assert.equal(Buffer.from(await dta.arrayBuffer()).subarray(0, 11).toString('latin1'), '<stata_dta>');

  // Every request, decision and download is in the audit log.
  for (const action of ['export.request', 'export.approve', 'export.download']) {
    const a = await admin.get(`/api/audit?action=${action}&object_id=${id}`);
    assert.ok(a.json.total >= 1, action);
    assert.equal(a.json.items[0].actor_email, action === 'export.approve' ? srv.admin.email : researcher.email);
  }
  const downloads = await admin.get(`/api/audit?action=export.download&object_id=${id}`);
  assert.deepEqual(downloads.json.items.filter((x) => x.outcome === 'success').map((x) => x.detail).sort(), ['codebook.csv', 'data.csv', 'data.dta', 'data.sav']);
  assert.ok(downloads.json.items.some((x) => x.outcome === 'denied'), 'the refused early download is logged too');
});

test('free text goes out only when approved, and codes differ between two exports', async () => {
  const first = await approvedExport({}, {});
  const second = await approvedExport({}, { allow_free_text: true, note: 'Fritekst godkjent for kvalitativ del.' });
  assert.equal(second.free_text_allowed, true);
  const a = consensusRows(await csvOf(first.id));
  const b = consensusRows(await csvOf(second.id));
  assert.ok(!('txt_notes' in a[0]));
  const s1 = b.find((x) => x.item03_adh === '1');
  assert.equal(s1.txt_notes, 'Notat 1, med komma');
  assert.equal(s1.txt_questions, 'Spørsmål 1');
  // The same sessions (found by their scores) under other codes.
  const codes = (rows) => rows.map((x) => `${x.item03_adh}:${x.session}:${x.patient}`).sort().join(' ');
  assert.notEqual(codes(a), codes(b));
  assert.equal(new Set(b.map((x) => x.patient)).size, 4);
  const audit = await admin.get(`/api/audit?action=export.approve&object_id=${second.id}`);
  assert.match(audit.json.items[0].detail, /free text allowed/);
});

test('a rejected request and a withdrawn export give nothing to download', async () => {
  const r = await request(researcher.client, { level: 'consensus', variables: ['therapist', 'item03_adh'], include_free_text: false });
  assert.equal((await admin.post(`/api/exports/${r.json.id}/reject`, {})).status, 400);
  const no = await admin.post(`/api/exports/${r.json.id}/reject`, { note: 'Formålet dekkes ikke av avtalen.' });
  assert.equal(no.status, 200, no.text);
  assert.equal(no.json.state, 'rejected');
  assert.equal(no.json.decision_note, 'Formålet dekkes ikke av avtalen.');
  assert.equal((await researcher.client.get(`/api/exports/${r.json.id}/data.sav`)).status, 409);
  assert.equal((await admin.post(`/api/exports/${r.json.id}/approve`, {})).status, 409);
  const audit = await admin.get(`/api/audit?action=export.reject&object_id=${r.json.id}`);
  assert.equal(audit.json.total, 1);

  const ready = await approvedExport({ level: 'consensus', variables: ['patient', 'item03_adh'], include_free_text: false });
  assert.equal(ready.row_count, 4);
  assert.equal((await other.client.post(`/api/exports/${ready.id}/withdraw`, {})).status, 404);
  const w = await researcher.client.post(`/api/exports/${ready.id}/withdraw`, { note: 'Ferdig med analysene.' });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.json.state, 'withdrawn');
  assert.deepEqual(w.json.files, []);
  assert.equal((await researcher.client.get(`/api/exports/${ready.id}/data.csv`)).status, 409);
});

test('a session whose patient withdraws consent is left out of later exports', async () => {
  const before = await approvedExport({ level: 'consensus', variables: ['item03_adh'], include_free_text: false });
  assert.equal(before.session_count, 4);
  const s = sessions[7];
  const w = await s.therapist.client.post(`/api/cases/${s.caseId}/consent/withdraw`, { withdrawn_date: today });
  assert.equal(w.status, 200, w.text);
  const after = await approvedExport({ level: 'consensus', variables: ['item03_adh'], include_free_text: false });
  assert.equal(after.session_count, 3);
  assert.deepEqual((await csvOf(after.id)).map((x) => Number(x.item03_adh)).sort(), [1, 2, 3]);
});

test('rotating the master key keeps a made export readable', async () => {
  const e = await approvedExport({ level: 'consensus', variables: ['patient', 'item03_adh'], include_free_text: false });
  const before = (await researcher.client.get(`/api/exports/${e.id}/data.csv`)).text;
  let out;
  await srv.whileStopped(async () => {
    out = kvalab(['key', 'rotate', '--data', srv.data]);
  });
  assert.equal(out.status, 0, out.stderr);
  const after = await researcher.client.get(`/api/exports/${e.id}/data.csv`);
  assert.equal(after.status, 200, after.text);
  assert.equal(after.text, before);
});
