// The path of a submission through the API, for tests that need one at a later stage: a lab
// with an institution under an active agreement, its therapists and a supervisor; a submission
// with a verified recording (generated, uploaded over tus); raters' submitted ratings; an
// approved consensus.
import assert from 'node:assert/strict';
import * as tus from 'tus-js-client';
import { makeUser, totp } from './client.mjs';
import { playableMp4, bytes } from './media.mjs';

export const today = new Date().toISOString().slice(0, 10);

// A user of a role that needs a second factor (supervisors and raters), enrolled: u.secret is
// the TOTP secret, u.lastCode the code used to confirm it (a sign-in must use another).
// `profile`, when given, is saved as the user's own settings (e.g. locale, display_name).
export async function withTotp(srv, admin, role, profile) {
  const u = await makeUser(srv, admin, role);
  const e = await u.client.post('/api/me/totp', {});
  u.secret = e.json.secret;
  u.lastCode = totp(u.secret);
  await u.client.post('/api/me/totp/confirm', { code: u.lastCode });
  if (profile) await u.client.patch('/api/me', profile);
  return u;
}

// An institution with an MBT programme, `therapists` members who signed its active agreement
// (each with an upload token), and, unless `supervisor` is false, a supervisor enrolled with
// TOTP (with `supervisor` as their profile when it is an object). `research` lets the
// institution keep ratings for research.
export async function setupLab(srv, admin, { institution = 'Tilbakemeldingsklinikken', therapists = 1, supervisor = true, research = false } = {}) {
  let inst = (await admin.post('/api/institutions', { name: institution, ...(research ? { keep_ratings_for_research: true } : {}) })).json;
  inst = (await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' })).json;
  const members = [];
  for (let i = 0; i < therapists; i++) {
    const t = await makeUser(srv, admin, 'therapist');
    await admin.put(`/api/institutions/${inst.id}/members/${t.id}`, { programme_ids: [inst.programmes[0].id] });
    members.push(t);
  }
  const ag = (await admin.post(`/api/institutions/${inst.id}/agreements`, { version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'L', manager_level: '3', signatory_ids: members.map((t) => t.id) })).json;
  await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: Buffer.from('%PDF-1.4\n%%EOF\n'), headers: { 'content-type': 'application/pdf' } });
  await admin.post(`/api/agreements/${ag.id}/activate`, {});
  for (const t of members) t.token = (await t.client.post('/api/tokens', { name: 't' })).json.token;
  const sup = supervisor ? await withTotp(srv, admin, 'supervisor', typeof supervisor === 'object' ? supervisor : undefined) : undefined;
  const instrument = (await admin.get('/api/instruments')).json.items.find((i) => i.code === 'mbt-i-aqs');
  const [therapist] = members;
  return { srv, admin, inst, therapist, therapists: members, token: therapist.token, supervisor: sup, instrument };
}

// A submitted requisition of a new case (of `therapist`, the lab's first by default) whose
// recording of `seconds` is verified. `consent` and `fields` add to the consent form and the
// requisition. Returns {id, caseId, recordingId}.
export async function submissionWithRecording(lab, { seconds = 20, sessionDate = today, sessionNumber = 3, therapist = lab.therapist, consent = {}, fields = {} } = {}) {
  const { srv, admin, inst, instrument } = lab;
  const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
  await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research: false, ...consent });
  const s = (await therapist.client.post('/api/submissions', { case_id: c.id, session_date: sessionDate, session_number: sessionNumber, modality: 'individual', instrument_id: instrument.id, declared_consent: true, declared_no_identifiers: true, ...fields })).json;
  const submitted = await therapist.client.post(`/api/submissions/${s.id}/submit`, {});
  assert.equal(submitted.status, 200, submitted.text);
  await new Promise((resolve, reject) => {
    const up = new tus.Upload(bytes(playableMp4({ seconds, size: '160x120', bitrate: '100k' })), {
      endpoint: `${srv.url}/api/uploads`, headers: { Authorization: `Bearer ${therapist.token}` },
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

// Assigns the submission to raters, due today; returns the assignments.
export async function assign(lab, submissionId, raters) {
  const a = await lab.admin.post(`/api/submissions/${submissionId}/assignments`, { rater_ids: raters.map((r) => r.id), due_date: today });
  assert.equal(a.status, 201, a.text);
  return a.json.items;
}

// A submission with a verified recording (as submissionWithRecording, session 7 unless
// opts say otherwise), assigned to raters.
export async function assignedSubmission(lab, raters, opts = {}) {
  const sub = await submissionWithRecording(lab, { sessionNumber: 7, ...opts });
  return { ...sub, assignments: await assign(lab, sub.id, raters) };
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
  r = await client.post(`/api/ratings/${ratingId}/changes`, { client: `fill-${ratingId}-${version}`, seq: 1, base_version: version, ops });
  assert.equal(r.status, 200, r.text);
  r = await client.post(`/api/ratings/${ratingId}/submit`, {});
  assert.equal(r.status, 200, r.text);
}

// A submission whose consensus (made from the first rater's rating) the supervisor approved
// with `comment`; opts go to assignedSubmission and to fillRating (opts.ratings, when given,
// holds each rater's own fillRating options in turn).
export async function approvedSubmission(lab, raters, opts = {}) {
  const { supervisor } = lab;
  const sub = await assignedSubmission(lab, raters, opts);
  for (const [k, r] of raters.entries()) {
    const a = sub.assignments.find((x) => x.rater_id === r.id);
    await fillRating(r.client, a.rating_id, opts.ratings?.[k] ?? opts);
  }
  const first = sub.assignments.find((x) => x.rater_id === raters[0].id).rating_id;
  const c = await raters[0].client.post(`/api/submissions/${sub.id}/consensus`, { based_on: first });
  assert.equal(c.status, 201, c.text);
  let r = await raters[0].client.post(`/api/ratings/${c.json.id}/submit`, {});
  assert.equal(r.status, 200, r.text);
  r = await supervisor.client.post(`/api/submissions/${sub.id}/approve`, { comment: opts.comment ?? 'Godkjent.' });
  assert.equal(r.status, 200, r.text);
  return { ...sub, consensus: c.json.id };
}
