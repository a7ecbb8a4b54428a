// Issue 5: assignment, blind double rating with autosave, consensus and approval.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tus from 'tus-js-client';
import { startServer } from '../lib/server.mjs';
import { Client, adminClient, makeUser, totp } from '../lib/client.mjs';
import { playableMp4, bytes } from '../lib/media.mjs';

const today = new Date().toISOString().slice(0, 10);
let srv, admin, therapist, token, inst, supervisor, instrument, codes;

async function withTotp(role) {
  const u = await makeUser(srv, admin, role);
  const e = await u.client.post('/api/me/totp', {});
  await u.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
  return u;
}

before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
  inst = (await admin.post('/api/institutions', { name: 'Ratingklinikken' })).json;
  inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
  therapist = await makeUser(srv, admin, 'therapist');
  await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
  const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'L', manager_level: '3', signatory_ids: [therapist.id] })).json;
  await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } });
  await admin.post(`/api/agreements/${ag.id}/activate`, {});
  token = (await therapist.client.post('/api/tokens', { name: 't' })).json.token;
  supervisor = await withTotp('supervisor');
  const list = (await admin.get('/api/instruments')).json.items;
  instrument = list.find((i) => i.code === 'mbt-i-aqs');
  const def = (await admin.get(`/api/instruments/${instrument.id}`)).json.definition;
  assert.ok(def, 'the MBT scale is imported at start-up');
  codes = (def.codes ?? []).map((c) => c.code ?? c.id);
  assert.ok(codes.includes('16'));
});
after(async () => { await srv.stop(); });

// A submission with a verified recording, assigned to the given raters.
async function assignedSubmission(raters) {
  const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
  await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research: false });
  const s = (await therapist.client.post('/api/submissions', { case_id: c.id, session_date: today, session_number: 7, modality: 'individual', instrument_id: instrument.id, declared_consent: true, declared_no_identifiers: true })).json;
  await therapist.client.post(`/api/submissions/${s.id}/submit`, {});
  await new Promise((resolve, reject) => {
    const up = new tus.Upload(bytes(playableMp4({ seconds: 20, size: '160x120', bitrate: '100k' })), {
      endpoint: `${srv.url}/api/uploads`, headers: { Authorization: `Bearer ${token}` },
      metadata: { submission_id: String(s.id) }, retryDelays: null, onError: reject, onSuccess: resolve,
    });
    up.start();
  });
  for (let i = 0; i < 200; i++) {
    if ((await admin.get(`/api/submissions/${s.id}`)).json.state === 'recording_ready') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const a = await admin.post(`/api/submissions/${s.id}/assignments`, { rater_ids: raters.map((r) => r.id), due_date: today });
  assert.equal(a.status, 201, a.text);
  return { id: s.id, assignments: a.json.items };
}

class Tab {
  constructor(client, ratingId) { this.client = client; this.id = ratingId; this.client_id = `tab-${Math.random()}`; this.seq = 0; this.version = 1; }
  async send(ops, { seq, version } = {}) {
    const r = await this.client.post(`/api/ratings/${this.id}/changes`, { client: this.client_id, seq: seq ?? this.seq + 1, base_version: version ?? this.version, ops });
    if (r.status === 200 && !r.json.replayed) { this.seq = seq ?? this.seq + 1; this.version = r.json.version; }
    return r;
  }
}

async function fillRequired(tab) {
  const sub = await tab.client.post(`/api/ratings/${tab.id}/submit`, {});
  assert.equal(sub.status, 422);
  assert.equal(sub.json.error.code, 'incomplete');
  const ops = sub.json.error.missing.map((m) => { const [item, facet] = m.split('.'); return { op: 'score', item, facet, value: 4 }; });
  const r = await tab.send(ops);
  assert.equal(r.status, 200, r.text);
}

test('blind double rating: a rater sees nothing of the other rating, not even its progress, until both have submitted', async () => {
  const r1 = await withTotp('rater');
  const r2 = await withTotp('rater');
  const { id, assignments } = await assignedSubmission([r1, r2]);
  assert.equal((await admin.get(`/api/submissions/${id}`)).json.state, 'assigned');
  const q1 = (await r1.client.get('/api/me/assignments')).json.items;
  assert.equal(q1.length, 1);
  assert.equal(q1[0].submission_id, id);
  const mine = q1[0].rating_id;
  const theirs = assignments.find((a) => a.rater_id === r2.id).rating_id;
  const t2 = new Tab(r2.client, theirs);
  assert.equal((await t2.send([{ op: 'intervention', client_id: 'x1', start_ms: 1000, code: '16' }])).status, 200);
  // Every route refuses to reveal rater 2's work to rater 1.
  assert.equal((await r1.client.get(`/api/ratings/${theirs}`)).status, 404);
  assert.equal((await r1.client.post(`/api/ratings/${theirs}/changes`, { client: 'c', seq: 1, base_version: 1, ops: [] })).status, 404);
  assert.equal((await r1.client.post(`/api/ratings/${theirs}/submit`, {})).status, 404);
  const list = (await r1.client.get(`/api/submissions/${id}/ratings`)).json;
  assert.equal(list.all_submitted, false);
  assert.deepEqual(list.items.map((x) => x.id), [mine]);
  assert.equal((await r1.client.get(`/api/submissions/${id}/comparison`)).status, 409);
  assert.equal((await r1.client.get(`/api/submissions/${id}/assignments`)).status, 403);
  assert.equal((await r1.client.get(`/api/submissions/${id}`)).status, 403);
  assert.equal((await r1.client.post(`/api/submissions/${id}/consensus`, { based_on: theirs })).status, 409);
  const queue = (await r1.client.get('/api/me/assignments')).json.items;
  assert.ok(queue.every((x) => x.rating_id !== theirs && !('rater_id' in x)), JSON.stringify(queue));
  // The therapist sees no rating before feedback is published.
  assert.equal((await therapist.client.get(`/api/submissions/${id}/ratings`)).status, 403);
  assert.equal((await therapist.client.get(`/api/ratings/${mine}`)).status, 403);
  // A supervisor is not blind.
  assert.equal((await supervisor.client.get(`/api/ratings/${theirs}`)).status, 200);
});

test('autosave applies each change once and in order; a replay is answered, a gap is refused, two tabs conflict', async () => {
  const r1 = await withTotp('rater');
  const { assignments } = await assignedSubmission([r1]);
  const tab = new Tab(r1.client, assignments[0].rating_id);
  let r = await tab.send([{ op: 'intervention', client_id: 'a', start_ms: 2000, code: '16', quality: 5, within_manual: true, note: 'Sjekker forståelse' }]);
  assert.equal(r.status, 200);
  assert.equal(r.json.interventions.length, 1);
  const v = r.json.version;
  // The same change again (a retry after a lost answer) changes nothing.
  r = await tab.client.post(`/api/ratings/${tab.id}/changes`, { client: tab.client_id, seq: 1, base_version: 1, ops: [{ op: 'intervention', client_id: 'b', start_ms: 9, code: '16' }] });
  assert.equal(r.status, 200);
  assert.equal(r.json.replayed, true);
  assert.equal(r.json.interventions.length, 1);
  assert.equal(r.json.version, v);
  // A gap: change 3 before change 2.
  r = await tab.send([{ op: 'notes', text: 'x' }], { seq: 3 });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'out_of_order');
  assert.equal(r.json.error.expected_seq, 2);
  // Another tab that has not seen the change.
  const other = new Tab(r1.client, tab.id);
  r = await other.send([{ op: 'notes', text: 'from the other tab' }]);
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'version_conflict');
  assert.equal(r.json.error.current.interventions.length, 1);
  other.version = r.json.error.current.version;
  assert.equal((await other.send([{ op: 'notes', text: 'after reloading' }])).status, 200);
  // Delete and undo.
  await tab.client.get(`/api/ratings/${tab.id}`).then((x) => { tab.version = x.json.version; });
  r = await tab.send([{ op: 'delete_intervention', client_id: 'a' }]);
  assert.equal(r.json.interventions.length, 0);
  r = await tab.send([{ op: 'intervention', client_id: 'a', start_ms: 2000, code: '16', quality: 5 }]);
  assert.equal(r.json.interventions.length, 1);
});

test('bad changes are named op by op and nothing is saved', async () => {
  const r1 = await withTotp('rater');
  const { assignments } = await assignedSubmission([r1]);
  const tab = new Tab(r1.client, assignments[0].rating_id);
  const r = await tab.send([
    { op: 'score', item: '1', facet: 'quality', value: 9 },
    { op: 'score', item: '1', facet: 'adherence', value: 4 },
    { op: 'intervention', client_id: 'z', start_ms: 10 * 60 * 1000, code: '16' },
    { op: 'intervention', client_id: 'y', start_ms: 1000, code: 'no-such-code' },
    { op: 'teleport' },
  ]);
  assert.equal(r.status, 400);
  const f = r.json.error.fields;
  assert.ok(f['ops[0].value'] && f['ops[1].value'] && f['ops[2].start_ms'] && f['ops[3].code'] && f['ops[4].op'], JSON.stringify(f));
  const now = (await r1.client.get(`/api/ratings/${tab.id}`)).json;
  assert.deepEqual(now.scores, {});
  assert.equal(now.interventions.length, 0);
  const id = await tab.send([{ op: 'intervention', client_id: 'n', start_ms: 1, code: '16', note: 'Pasient 15076500565' }]);
  assert.equal(id.status, 422);
  assert.equal(id.json.error.code, 'identity_number');
});

test('submitting locks the rating; only a supervisor reopens it, with a reason', async () => {
  const r1 = await withTotp('rater');
  const { id, assignments } = await assignedSubmission([r1]);
  const tab = new Tab(r1.client, assignments[0].rating_id);
  await fillRequired(tab);
  let r = await r1.client.post(`/api/ratings/${tab.id}/submit`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'submitted');
  assert.equal((await admin.get(`/api/submissions/${id}`)).json.state, 'rated');
  r = await tab.send([{ op: 'notes', text: 'too late' }], { version: r.json.version });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'rating_locked');
  assert.equal((await r1.client.post(`/api/ratings/${tab.id}/reopen`, { reason: 'x' })).status, 403);
  r = await supervisor.client.post(`/api/ratings/${tab.id}/reopen`, { reason: 'Item 3 ble oversett.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'in_progress');
  assert.equal((await admin.get(`/api/submissions/${id}`)).json.state, 'assigned');
});

test('consensus starts from a rating, keeps both raw ratings unchanged, and the supervisor approves or sends back', async () => {
  const r1 = await withTotp('rater');
  const r2 = await withTotp('rater');
  const { id, assignments } = await assignedSubmission([r1, r2]);
  const t1 = new Tab(r1.client, assignments.find((a) => a.rater_id === r1.id).rating_id);
  const t2 = new Tab(r2.client, assignments.find((a) => a.rater_id === r2.id).rating_id);
  await t1.send([{ op: 'intervention', client_id: 'i1', start_ms: 1000, code: '16' }, { op: 'intervention', client_id: 'i2', start_ms: 8000, code: '2' }]);
  await t2.send([{ op: 'intervention', client_id: 'j1', start_ms: 2500, code: '16' }, { op: 'intervention', client_id: 'j2', start_ms: 8200, code: '3' }, { op: 'intervention', client_id: 'j3', start_ms: 15000, code: '7' }]);
  await fillRequired(t1);
  await fillRequired(t2);
  await t2.send([{ op: 'score', item: '1', facet: 'quality', value: 7 }]);
  await r1.client.post(`/api/ratings/${t1.id}/submit`, {});
  await r2.client.post(`/api/ratings/${t2.id}/submit`, {});
  assert.equal((await admin.get(`/api/submissions/${id}`)).json.state, 'rated');
  // Now each rater may see the other's rating and the comparison.
  assert.equal((await r1.client.get(`/api/ratings/${t2.id}`)).status, 200);
  const cmp = await r1.client.get(`/api/submissions/${id}/comparison`);
  assert.equal(cmp.status, 200);
  const item1 = cmp.json.scores.find((x) => x.item === '1' && x.facet === 'quality');
  assert.equal(item1.disagree, true);
  assert.equal(item1.difference, 3);
  assert.equal(cmp.json.interventions.matched.length, 2);
  assert.ok(cmp.json.interventions.matched.some((m) => m.codes_differ));
  assert.equal(cmp.json.interventions.unmatched_b.length, 1);
  const raw1 = (await admin.get(`/api/ratings/${t1.id}`)).json;
  const c = await r1.client.post(`/api/submissions/${id}/consensus`, { based_on: t2.id });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.kind, 'consensus');
  assert.equal(c.json.interventions.length, 3);
  const ct = new Tab(r1.client, c.json.id);
  await ct.send([{ op: 'score', item: '1', facet: 'quality', value: 5 }, { op: 'delete_intervention', client_id: 'j3' }]);
  assert.equal((await r1.client.post(`/api/ratings/${ct.id}/submit`, {})).status, 200);
  assert.equal((await admin.get(`/api/submissions/${id}`)).json.state, 'consensus');
  assert.equal((await r1.client.post(`/api/submissions/${id}/approve`, {})).status, 403);
  let d = await supervisor.client.post(`/api/submissions/${id}/send-back`, { comment: 'Se på item 16 igjen.' });
  assert.equal(d.status, 200);
  assert.equal(d.json.supervisor_comment, 'Se på item 16 igjen.');
  assert.equal((await admin.get(`/api/submissions/${id}`)).json.state, 'rated');
  ct.version = d.json.version;
  await ct.send([{ op: 'notes', text: 'Justert' }]);
  await r1.client.post(`/api/ratings/${ct.id}/submit`, {});
  d = await supervisor.client.post(`/api/submissions/${id}/approve`, { comment: 'Godkjent.' });
  assert.equal(d.status, 200);
  assert.equal(d.json.state, 'approved');
  assert.equal((await admin.get(`/api/submissions/${id}`)).json.state, 'approved');
  // The raw ratings are exactly as submitted.
  assert.deepEqual((await admin.get(`/api/ratings/${t1.id}`)).json, raw1);
  assert.equal((await admin.get(`/api/ratings/${t2.id}`)).json.scores['1'].quality, 7);
  const reads = await admin.get(`/api/audit?action=rating.read&object_id=${t1.id}`);
  assert.ok(reads.json.total >= 2);
});

test('assignment rules: 1 to 3 raters, raters only, reassignment keeps the trail', async () => {
  const r1 = await withTotp('rater');
  const r2 = await withTotp('rater');
  const { id, assignments } = await assignedSubmission([r1]);
  let r = await admin.post(`/api/submissions/${id}/assignments`, { rater_ids: [therapist.id] });
  assert.equal(r.status, 422);
  r = await admin.post(`/api/submissions/${id}/assignments`, { rater_ids: [r1.id] });
  assert.equal(r.status, 409);
  r = await admin.post(`/api/assignments/${assignments[0].id}/end`, { reason: 'Syk' });
  assert.equal(r.status, 200);
  assert.ok(r.json.items[0].ended_at);
  assert.equal(r.json.items[0].rating_state, 'ended');
  r = await admin.post(`/api/submissions/${id}/assignments`, { rater_ids: [r2.id] });
  assert.equal(r.status, 201);
  assert.equal(r.json.items.length, 2);
  assert.equal((await r1.client.get('/api/me/assignments')).json.items.length, 0);
});

test('withdrawn consent deletes the ratings unless the patient consented to research', async () => {
  const r1 = await withTotp('rater');
  const { id, assignments } = await assignedSubmission([r1]);
  const tab = new Tab(r1.client, assignments[0].rating_id);
  await tab.send([{ op: 'intervention', client_id: 'w', start_ms: 500, code: '16' }]);
  const caseId = (await admin.get(`/api/submissions/${id}`)).json.case_id;
  const w = await therapist.client.post(`/api/cases/${caseId}/consent/withdraw`, { withdrawn_date: today });
  assert.equal(w.status, 200, w.text);
  assert.equal((await admin.get(`/api/ratings/${tab.id}`)).status, 404);
  const audit = await admin.get(`/api/audit?action=consent.withdraw&object_id=${caseId}`);
  assert.match(audit.json.items[0].detail, /ratings deleted/);
});
