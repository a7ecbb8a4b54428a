// Issue 3: institutions, agreements, pseudonymous cases, consent and submissions, with the
// server enforcing every rule and every refusal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, kvalab } from '../lib/server.mjs';
import { Client, adminClient, makeUser } from '../lib/client.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\n% MARKER-AGREEMENT-TEXT-42\ntrailer <<>>\n%%EOF\n');
const today = new Date().toISOString().slice(0, 10);
let srv, admin;

before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
});
after(async () => { await srv.stop(); });

let instCounter = 0;
async function institution(extra = {}) {
  instCounter += 1;
  const r = await admin.post('/api/institutions', { name: `Klinikk ${instCounter} ${Date.now()}`, country: 'NO', ...extra });
  assert.equal(r.status, 201, r.text);
  const p = await admin.post(`/api/institutions/${r.json.id}/programmes`, { kind: 'mbt_individual', name: 'MBT individuell' });
  assert.equal(p.status, 201, p.text);
  return p.json;
}

async function therapistIn(inst) {
  const t = await makeUser(srv, admin, 'therapist');
  const m = await admin.put(`/api/institutions/${inst.id}/members/${t.id}`, { programme_ids: [inst.programmes[0].id] });
  assert.equal(m.status, 200, m.text);
  return t;
}

async function uploadPdf(client, path, bytes = PDF, type = 'application/pdf') {
  return client.request('PUT', path, undefined, { raw: bytes, headers: { 'content-type': type } });
}

async function activeAgreement(inst, signatories) {
  const a = await admin.post(`/api/institutions/${inst.id}/agreements`, {
    version: '2026-1', signed_date: today, valid_from: today, manager_name: 'Avdelingssjef Hansen',
    manager_title: 'Avdelingsleder', manager_level: 'nivå 3', signatory_ids: signatories.map((u) => u.id),
  });
  assert.equal(a.status, 201, a.text);
  assert.equal((await uploadPdf(admin, `/api/agreements/${a.json.id}/document`)).status, 200);
  const act = await admin.post(`/api/agreements/${a.json.id}/activate`, {});
  assert.equal(act.status, 200, act.text);
  return act.json;
}

async function caseWithConsent(t, inst, scopes = { quality_assurance: true, rater_training: false, research: true }) {
  const c = await t.client.post('/api/cases', { institution_id: inst.id, age_band: '26_35', gender: 'female' });
  assert.equal(c.status, 201, c.text);
  const k = await t.client.put(`/api/cases/${c.json.id}/consent`, { signed_date: today, ...scopes });
  assert.equal(k.status, 200, k.text);
  return k.json;
}

async function completeDraft(t, caseId) {
  const ins = (await t.client.get('/api/instruments')).json.items.find((i) => i.code === 'mbt-i-aqs');
  const r = await t.client.post('/api/submissions', {
    case_id: caseId, session_date: today, session_number: 12, treatment_phase: 'middle', modality: 'individual',
    instrument_id: ins.id, questions: 'Jeg vil ha hjelp med å utfordre mer.', declared_consent: true, declared_no_identifiers: true,
  });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('institutions: created with a checked organisation number, a unique name and a retention policy', async () => {
  let r = await admin.post('/api/institutions', { name: 'Bad org', country: 'NO', org_number: '123456789' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.org_number, /control digit/);
  r = await admin.post('/api/institutions', { name: 'Dansk klinik', country: 'DK', org_number: '1234567' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.org_number, /8 digits/);
  r = await admin.post('/api/institutions', { name: 'Oslo MBT-senter', country: 'NO', org_number: '993 467 049', retention_days: 45, keep_ratings_for_research: true });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.retention_days, 45);
  assert.equal(r.json.keep_ratings_for_research, true);
  const dup = await admin.post('/api/institutions', { name: 'Oslo MBT-senter' });
  assert.equal(dup.status, 409);
  const p = await admin.patch(`/api/institutions/${r.json.id}`, { retention_days: 30 });
  assert.equal(p.json.retention_days, 30);
  assert.equal(p.json.org_number, '993 467 049');
});

test('agreements: activation lists exactly what is missing, then activates and supersedes the old one', async () => {
  const inst = await institution();
  const t = await therapistIn(inst);
  const a = await admin.post(`/api/institutions/${inst.id}/agreements`, { version: 'v1' });
  assert.equal(a.status, 201);
  assert.equal(a.json.status, 'draft');
  let act = await admin.post(`/api/agreements/${a.json.id}/activate`, {});
  assert.equal(act.status, 422);
  assert.equal(act.json.error.code, 'agreement_incomplete');
  for (const f of ['signed_date', 'valid_from', 'manager_name', 'manager_title', 'manager_level', 'document', 'signatory_ids']) {
    assert.ok(act.json.error.fields[f], `missing ${f}`);
  }
  const patched = await admin.patch(`/api/agreements/${a.json.id}`, {
    signed_date: today, valid_from: today, manager_name: 'Kari Leder', manager_title: 'Klinikksjef', manager_level: 'nivå 3', signatory_ids: [t.id],
  });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.json.signatories[0].user_id, t.id);
  const notPdf = await uploadPdf(admin, `/api/agreements/${a.json.id}/document`, Buffer.from('hello, not a pdf'));
  assert.equal(notPdf.status, 400);
  assert.equal(notPdf.json.error.code, 'unsupported_file');
  assert.equal((await uploadPdf(admin, `/api/agreements/${a.json.id}/document`)).status, 200);
  act = await admin.post(`/api/agreements/${a.json.id}/activate`, {});
  assert.equal(act.status, 200, act.text);
  assert.equal(act.json.status, 'active');
  assert.equal((await admin.patch(`/api/agreements/${a.json.id}`, { version: 'x' })).status, 409);
  assert.equal((await admin.post(`/api/agreements/${a.json.id}/activate`, {})).status, 409);
  const second = await activeAgreement(inst, [t]);
  const first = await admin.get(`/api/agreements/${a.json.id}`);
  assert.equal(first.json.status, 'superseded');
  assert.equal(second.status, 'active');
});

test('the signed PDF is stored encrypted and comes back byte for byte, and reads are audited', async () => {
  const inst = await institution();
  const t = await therapistIn(inst);
  const a = await activeAgreement(inst, [t]);
  const res = await fetch(`${srv.url}/api/agreements/${a.id}/document`, { headers: { cookie: admin.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.equal(res.headers.get('content-disposition'), 'inline');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PDF);
  const dir = join(srv.data, 'documents');
  for (const f of readdirSync(dir)) {
    assert.ok(!readFileSync(join(dir, f)).includes('MARKER-AGREEMENT-TEXT-42'), `${f} holds plaintext`);
  }
  assert.ok(!readFileSync(join(srv.data, 'kvalab.db')).includes('MARKER-AGREEMENT-TEXT-42'));
  const audit = await admin.get(`/api/audit?action=agreement.document_read&object_id=${a.id}`);
  assert.equal(audit.json.total, 1);
});

test('submitting without an active agreement is 422 and says so; with one it goes through', async () => {
  const inst = await institution();
  const t = await therapistIn(inst);
  const c = await caseWithConsent(t, inst);
  assert.match(c.code, /^P-[2-9A-Z]{4}-[2-9A-Z]{2}$/);
  const s = await completeDraft(t, c.id);
  assert.equal(s.state, 'draft');
  assert.equal(s.next_step, 'complete_requisition');
  let r = await t.client.post(`/api/submissions/${s.id}/submit`, {});
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'cannot_submit');
  assert.match(r.json.error.message, /no active data processing agreement/);
  assert.equal((await t.client.get(`/api/submissions/${s.id}`)).json.state, 'draft');
  await activeAgreement(inst, [t]);
  r = await t.client.post(`/api/submissions/${s.id}/submit`, {});
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'submitted');
  assert.equal(r.json.next_step, 'upload_recording');
  assert.deepEqual(r.json.history.map((h) => h.event), ['create', 'submit']);
  assert.equal((await t.client.post(`/api/submissions/${s.id}/submit`, {})).status, 409);
  const patch = await t.client.patch(`/api/submissions/${s.id}`, { session_number: 13 });
  assert.equal(patch.status, 409);
  assert.equal((await t.client.del(`/api/submissions/${s.id}`)).status, 409);
});

test('a therapist who did not sign the agreement, or lacks QA consent or declarations, cannot submit', async () => {
  const inst = await institution();
  const signer = await therapistIn(inst);
  const other = await therapistIn(inst);
  await activeAgreement(inst, [signer]);
  const c1 = await caseWithConsent(other, inst);
  const s1 = await completeDraft(other, c1.id);
  let r = await other.client.post(`/api/submissions/${s1.id}/submit`, {});
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /not signed/);

  const noConsentCase = (await signer.client.post('/api/cases', { institution_id: inst.id })).json;
  const s2 = await completeDraft(signer, noConsentCase.id);
  r = await signer.client.post(`/api/submissions/${s2.id}/submit`, {});
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /no consent is declared/);

  const noQa = await caseWithConsent(signer, inst, { quality_assurance: false, rater_training: true, research: true });
  const s3 = await completeDraft(signer, noQa.id);
  r = await signer.client.post(`/api/submissions/${s3.id}/submit`, {});
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /does not cover quality assurance/);

  const ok = await caseWithConsent(signer, inst);
  const s4 = await completeDraft(signer, ok.id);
  await signer.client.patch(`/api/submissions/${s4.id}`, { declared_no_identifiers: false });
  r = await signer.client.post(`/api/submissions/${s4.id}/submit`, {});
  assert.equal(r.status, 422);
  assert.match(r.json.error.message, /no full names or identity numbers/);
  const audit = await admin.get(`/api/audit?action=submission.submit&object_id=${s4.id}`);
  assert.equal(audit.json.items[0].outcome, 'failure');
});

test('free text with a fødselsnummer or CPR number is refused with 422 naming the field, and nothing is saved', async () => {
  const inst = await institution();
  const t = await therapistIn(inst);
  const c = await caseWithConsent(t, inst);
  const s = await completeDraft(t, c.id);
  let r = await t.client.patch(`/api/submissions/${s.id}`, { questions: 'Pasienten 15076500565 sa at...' });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'identity_number');
  assert.match(r.json.error.fields.questions, /fødselsnummer/);
  r = await t.client.patch(`/api/submissions/${s.id}`, { questions: 'CPR 010203-1234' });
  assert.equal(r.status, 422);
  assert.match(r.json.error.fields.questions, /CPR/);
  assert.equal((await t.client.get(`/api/submissions/${s.id}`)).json.questions, 'Jeg vil ha hjelp med å utfordre mer.');
  r = await admin.patch(`/api/institutions/${inst.id}`, { address: 'Gate 1, 15076500565 Oslo' });
  assert.equal(r.status, 422);
});

test('a therapist sees only own cases and submissions; others get 404 without learning they exist', async () => {
  const inst = await institution();
  const a = await therapistIn(inst);
  const b = await therapistIn(inst);
  await activeAgreement(inst, [a, b]);
  const c = await caseWithConsent(a, inst);
  const s = await completeDraft(a, c.id);
  const missing = await b.client.get('/api/submissions/99999999');
  const hidden = await b.client.get(`/api/submissions/${s.id}`);
  assert.equal(hidden.status, 404);
  assert.deepEqual(hidden.json, missing.json);
  assert.equal((await b.client.get(`/api/cases/${c.id}`)).status, 404);
  assert.equal((await b.client.patch(`/api/submissions/${s.id}`, { session_number: 2 })).status, 404);
  assert.equal((await b.client.post(`/api/submissions/${s.id}/submit`, {})).status, 404);
  assert.equal((await b.client.post('/api/submissions', { case_id: c.id })).status, 422);
  assert.equal((await b.client.get('/api/submissions')).json.items.length, 0);
  assert.equal((await b.client.get('/api/cases')).json.items.length, 0);
  const outsider = await makeUser(srv, admin, 'therapist');
  const r = await outsider.client.post('/api/cases', { institution_id: inst.id });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'not_a_member');
});

test('the lab inbox lists submissions by state with counts and waiting time; reads are audited', async () => {
  const inst = await institution();
  const t = await therapistIn(inst);
  await activeAgreement(inst, [t]);
  const c = await caseWithConsent(t, inst);
  const s = await completeDraft(t, c.id);
  await t.client.post(`/api/submissions/${s.id}/submit`, {});
  const inbox = await admin.get(`/api/submissions?institution_id=${inst.id}`);
  assert.equal(inbox.status, 200);
  const item = inbox.json.items.find((x) => x.id === s.id);
  assert.equal(item.state, 'submitted');
  assert.equal(item.case_code, c.code);
  assert.equal(item.therapist_email, t.email);
  assert.equal(item.waiting_days, 0);
  assert.equal(inbox.json.counts.submitted, 1);
  assert.equal(inbox.json.counts.draft, 0);
  const byState = await admin.get('/api/submissions?state=submitted');
  assert.ok(byState.json.items.every((x) => x.state === 'submitted'));
  const sup = await makeUser(srv, admin, 'supervisor');
  const { totp } = await import('../lib/totp.mjs');
  const e = await sup.client.post('/api/me/totp', {});
  await sup.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
  assert.equal((await sup.client.get(`/api/submissions/${s.id}`)).status, 200);
  assert.equal((await sup.client.post('/api/institutions', { name: 'no' })).status, 403);
  await admin.get(`/api/submissions/${s.id}`);
  const reads = await admin.get(`/api/audit?action=submission.read&object_id=${s.id}`);
  assert.equal(reads.json.total, 2);
  const rater = await makeUser(srv, admin, 'rater');
  const e2 = await rater.client.post('/api/me/totp', {});
  await rater.client.post('/api/me/totp/confirm', { code: totp(e2.json.secret) });
  assert.equal((await rater.client.get(`/api/submissions/${s.id}`)).status, 403);
});

test('an institution admin sees their agreements and counts per state, never a submission', async () => {
  const inst = await institution();
  const other = await institution();
  const t = await therapistIn(inst);
  await activeAgreement(inst, [t]);
  const c = await caseWithConsent(t, inst);
  const s = await completeDraft(t, c.id);
  await t.client.post(`/api/submissions/${s.id}/submit`, {});
  await completeDraft(t, c.id);
  const r = await admin.post('/api/users', { email: `head${Date.now()}@clinic.example`, role: 'institution_admin', institution_id: inst.id });
  const head = new Client(srv.url);
  await head.post('/api/session', { email: r.json.user.email, password: r.json.one_time_password });
  await head.put('/api/me/password', { current_password: r.json.one_time_password, new_password: 'Avdelingsleder-passord-1' });
  const counts = await head.get('/api/submissions/counts');
  assert.equal(counts.status, 200);
  assert.equal(counts.json.institution_id, inst.id);
  assert.equal(counts.json.counts.submitted, 1);
  assert.equal(counts.json.counts.draft, 1);
  assert.equal(counts.json.total, 2);
  assert.equal((await head.get(`/api/submissions/counts?institution_id=${other.id}`)).status, 404);
  assert.equal((await head.get('/api/submissions')).status, 403);
  assert.equal((await head.get(`/api/submissions/${s.id}`)).status, 403);
  assert.equal((await head.get('/api/cases')).status, 403);
  const ag = await head.get(`/api/institutions/${inst.id}/agreements`);
  assert.equal(ag.status, 200);
  assert.equal(ag.json.items[0].status, 'active');
  assert.equal((await head.get(`/api/institutions/${other.id}/agreements`)).status, 404);
  assert.equal((await head.get('/api/institutions')).json.items.length, 1);
  const pdf = await fetch(`${srv.url}/api/agreements/${ag.json.items[0].id}/document`, { headers: { cookie: head.cookie } });
  assert.equal(pdf.status, 200);
});

test('withdrawing consent ends every submission of the case, schedules deletion, and is final', async () => {
  const inst = await institution();
  const t = await therapistIn(inst);
  await activeAgreement(inst, [t]);
  const c = await caseWithConsent(t, inst);
  const s1 = await completeDraft(t, c.id);
  await t.client.post(`/api/submissions/${s1.id}/submit`, {});
  const s2 = await completeDraft(t, c.id);
  const form = await uploadPdf(t.client, `/api/cases/${c.id}/consent/form`, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg');
  assert.equal(form.status, 200, form.text);
  assert.equal(form.json.consent.has_form, true);
  let r = await t.client.post(`/api/cases/${c.id}/consent/withdraw`, { withdrawn_date: '2001-01-01' });
  assert.equal(r.status, 400);
  r = await t.client.post(`/api/cases/${c.id}/consent/withdraw`, { withdrawn_date: today, note: 'Pasienten ringte.' });
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.consent.withdrawn_at);
  for (const id of [s1.id, s2.id]) {
    const s = (await t.client.get(`/api/submissions/${id}`)).json;
    assert.equal(s.state, 'withdrawn');
    assert.equal(s.recording_delete_reason, 'consent withdrawn');
    assert.ok(s.recording_delete_at);
  }
  assert.equal((await t.client.post(`/api/cases/${c.id}/consent/withdraw`, { withdrawn_date: today })).status, 409);
  const again = await t.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: true, research: true });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'consent_withdrawn');
  const audit = await admin.get(`/api/audit?action=submission.withdraw`);
  assert.ok(audit.json.items.some((e) => e.object_id === String(s1.id)));
});

test('terminating an agreement schedules the institution\'s recordings for deletion after its retention days', async () => {
  const inst = await institution({ retention_days: 10 });
  const t = await therapistIn(inst);
  const a = await activeAgreement(inst, [t]);
  const c = await caseWithConsent(t, inst);
  const s = await completeDraft(t, c.id);
  await t.client.post(`/api/submissions/${s.id}/submit`, {});
  assert.equal((await admin.post(`/api/agreements/${a.id}/terminate`, {})).status, 400);
  const r = await admin.post(`/api/agreements/${a.id}/terminate`, { reason: 'Avtalen er sagt opp av klinikken.' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'terminated');
  const sub = (await admin.get(`/api/submissions/${s.id}`)).json;
  assert.equal(sub.recording_delete_reason, 'agreement terminated');
  const days = (new Date(sub.recording_delete_at) - Date.now()) / 86400000;
  assert.ok(days > 9.9 && days <= 10, `deleted in ${days} days`);
  const again = await t.client.post('/api/submissions', { case_id: c.id });
  const sub2 = await t.client.post(`/api/submissions/${again.json.id}/submit`, {});
  assert.equal(sub2.status, 422);
});

test('bad input for intake is named field by field and changes nothing', async () => {
  const inst = await institution();
  const t = await therapistIn(inst);
  const c = (await t.client.post('/api/cases', { institution_id: inst.id })).json;
  let r = await t.client.put(`/api/cases/${c.id}/consent`, { signed_date: '2026-02-30', quality_assurance: 'yes' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.fields.signed_date, /not a real calendar date/);
  assert.match(r.json.error.fields.quality_assurance, /true or false/);
  assert.equal(r.json.error.fields.rater_training, 'is required');
  r = await t.client.put(`/api/cases/${c.id}/consent`, { signed_date: '2999-01-01', quality_assurance: true, rater_training: true, research: true });
  assert.equal(r.status, 400);
  assert.equal((await t.client.get(`/api/cases/${c.id}`)).json.consent, null);
  r = await t.client.post('/api/submissions', { case_id: c.id, session_number: 0, modality: 'family', session_date: '2999-01-01' });
  assert.equal(r.status, 400);
  assert.ok(r.json.error.fields.session_number && r.json.error.fields.modality);
  r = await t.client.post('/api/submissions', { case_id: c.id, instrument_id: 999 });
  assert.equal(r.status, 422);
  assert.equal(r.json.error.code, 'unknown_instrument');
  r = await admin.put(`/api/institutions/${inst.id}/members/${t.id}`, { programme_ids: [999999] });
  assert.equal(r.status, 422);
  assert.equal((await t.client.get('/api/submissions')).json.items.length, 0);
});
