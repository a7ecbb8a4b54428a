// The path of a submission through the API, for tests that need one at a later stage: a lab
// with an institution under an active agreement, a therapist and a supervisor; a submission
// with a verified recording; two raters' submitted ratings; an approved consensus.
import assert from 'node:assert/strict';
import * as tus from 'tus-js-client';
import { makeUser, totp } from './client.mjs';
import { playableMp4, bytes } from './media.mjs';

export const today = new Date().toISOString().slice(0, 10);

// A user of a role that needs a second factor, enrolled.
export async function withTotp(srv, admin, role, opts) {
  const u = await makeUser(srv, admin, role, opts);
  const e = await u.client.post('/api/me/totp', {});
  await u.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
  u.totpSecret = e.json.secret;
  return u;
}

export async function setupLab(srv, admin, { institution = 'Tilbakemeldingsklinikken' } = {}) {
  let inst = (await admin.post('/api/institutions', { name: institution })).json;
  inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
  const therapist = await makeUser(srv, admin, 'therapist');
  await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
  const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'L', manager_level: '3', signatory_ids: [therapist.id] })).json;
  await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } });
  await admin.post(`/api/agreements/${ag.id}/activate`, {});
  const token = (await therapist.client.post('/api/tokens', { name: 't' })).json.token;
  const supervisor = await withTotp(srv, admin, 'supervisor');
  const instrument = (await admin.get('/api/instruments')).json.items.find((i) => i.code === 'mbt-i-aqs');
  return { srv, admin, inst, therapist, token, supervisor, instrument };
}

// A submitted requisition with a verified recording of `seconds`, assigned to raters.
export async function assignedSubmission(lab, raters, { seconds = 20, sessionDate = today } = {}) {
  const { srv, admin, therapist, inst, instrument, token } = lab;
  const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
  await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research: false });
  const s = (await therapist.client.post('/api/submissions', { case_id: c.id, session_date: sessionDate, session_number: 7, modality: 'individual', instrument_id: instrument.id, declared_consent: true, declared_no_identifiers: true })).json;
  await therapist.client.post(`/api/submissions/${s.id}/submit`, {});
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
  const a = await admin.post(`/api/submissions/${s.id}/assignments`, { rater_ids: raters.map((r) => r.id), due_date: today });
  assert.equal(a.status, 201, a.text);
  return { id: s.id, assignments: a.json.items };
}

// Scores every required field of a rating with score(item, facet) and adds interventions.
export async function fillRating(client, ratingId, { score = () => 4, interventions = [] } = {}) {
  let r = await client.get(`/api/ratings/${ratingId}`);
  const version = r.json.version;
  const probe = await client.post(`/api/ratings/${ratingId}/submit`, {});
  assert.equal(probe.status, 422, probe.text);
  const ops = probe.json.error.missing.map((m) => {
    const [item, facet] = m.split('.');
    return { op: 'score', item, facet, value: score(item, facet) };
  });
  interventions.forEach((x, i) => ops.push({ op: 'intervention', client_id: `i${i}`, ...x }));
  r = await client.post(`/api/ratings/${ratingId}/changes`, { client: `fill-${ratingId}`, seq: 1, base_version: version, ops });
  assert.equal(r.status, 200, r.text);
  r = await client.post(`/api/ratings/${ratingId}/submit`, {});
  assert.equal(r.status, 200, r.text);
}

// A submission whose consensus (made from the first rater's rating) the supervisor approved.
export async function approvedSubmission(lab, raters, opts = {}) {
  const { supervisor } = lab;
  const sub = await assignedSubmission(lab, raters, opts);
  for (const r of raters) {
    const a = sub.assignments.find((x) => x.rater_id === r.id);
    await fillRating(r.client, a.rating_id, opts);
  }
  const first = sub.assignments.find((x) => x.rater_id === raters[0].id).rating_id;
  const c = await raters[0].client.post(`/api/submissions/${sub.id}/consensus`, { based_on: first });
  assert.equal(c.status, 201, c.text);
  let r = await raters[0].client.post(`/api/ratings/${c.json.id}/submit`, {});
  assert.equal(r.status, 200, r.text);
  r = await supervisor.client.post(`/api/submissions/${sub.id}/approve`, { comment: 'Godkjent.' });
  assert.equal(r.status, 200, r.text);
  return { ...sub, consensus: c.json.id };
}
