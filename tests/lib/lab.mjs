// A lab set up through the API for tests that need a session with a verified recording: an
// institution with an active agreement, a therapist who is a member, and submissions with a
// generated recording uploaded over tus (as in tests/api/ratings.test.mjs).
import assert from 'node:assert/strict';
import * as tus from 'tus-js-client';
import { makeUser, totp } from './client.mjs';
import { bytes, playableMp4 } from './media.mjs';

export const today = () => new Date().toISOString().slice(0, 10);

// A user of the role who has set up two-factor sign-in (supervisors and raters must).
export async function withTotp(srv, admin, role) {
  const u = await makeUser(srv, admin, role);
  const e = await u.client.post('/api/me/totp', {});
  u.secret = e.json.secret;
  u.lastCode = totp(u.secret);
  await u.client.post('/api/me/totp/confirm', { code: u.lastCode });
  return u;
}

export async function makeLab(srv, admin, name = 'Transkripsjonsklinikken') {
  let inst = (await admin.post('/api/institutions', { name })).json;
  inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
  const therapist = await makeUser(srv, admin, 'therapist');
  await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
  const d = today();
  const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1', signed_date: d, valid_from: d, manager_name: 'M', manager_title: 'L', manager_level: '3', signatory_ids: [therapist.id] })).json;
  await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } });
  await admin.post(`/api/agreements/${ag.id}/activate`, {});
  const token = (await therapist.client.post('/api/tokens', { name: 'upload' })).json.token;
  const instrument = (await admin.get('/api/instruments')).json.items.find((i) => i.code === 'mbt-i-aqs');
  return { srv, admin, inst, therapist, token, instrument };
}

// A submitted requisition of a new case whose recording (seconds long) is verified.
export async function submissionWithRecording(lab, { seconds = 20 } = {}) {
  const { srv, admin, inst, therapist, token, instrument } = lab;
  const d = today();
  const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
  await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: d, quality_assurance: true, rater_training: false, research: false });
  const s = (await therapist.client.post('/api/submissions', { case_id: c.id, session_date: d, session_number: 3, modality: 'individual', instrument_id: instrument.id, declared_consent: true, declared_no_identifiers: true })).json;
  assert.equal((await therapist.client.post(`/api/submissions/${s.id}/submit`, {})).status, 200);
  await new Promise((resolve, reject) => {
    const up = new tus.Upload(bytes(playableMp4({ seconds, size: '160x120', bitrate: '100k' })), {
      endpoint: `${srv.url}/api/uploads`, headers: { Authorization: `Bearer ${token}` },
      metadata: { submission_id: String(s.id) }, retryDelays: null, onError: reject, onSuccess: resolve,
    });
    up.start();
  });
  for (let i = 0; i < 300; i++) {
    if ((await admin.get(`/api/submissions/${s.id}`)).json.state === 'recording_ready') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const got = (await admin.get(`/api/submissions/${s.id}`)).json;
  assert.equal(got.state, 'recording_ready');
  return { id: s.id, caseId: c.id, recordingId: got.recording?.id };
}

export async function assign(lab, submissionId, raters) {
  const a = await lab.admin.post(`/api/submissions/${submissionId}/assignments`, { rater_ids: raters.map((r) => r.id), due_date: today() });
  assert.equal(a.status, 201, a.text);
  return a.json.items;
}
