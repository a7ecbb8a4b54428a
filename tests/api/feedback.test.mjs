// Issue 6: the profile, written feedback with clips, publishing, the report, the feedback
// meeting with its invitations (received by a real SMTP server on loopback), and goals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { setupLab, withTotp, approvedSubmission, assignedSubmission } from '../lib/flow.mjs';

let srv, smtp, admin, lab, r1, r2, sub;
const future = (days, hour = 13) => {
  const d = new Date(Date.now() + days * 86400000);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString().replace('.000Z', 'Z');
};
const inDays = (days) => new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);

// Quality per item: strong on support (1, 2, 13), weak on challenge (3, 8, 9).
const score = (item, facet) => {
  if (item === 'global') return 4;
  if (['1', '2', '13'].includes(item)) return facet === 'quality' ? 6 : 5;
  if (['3', '8', '9'].includes(item)) return 2;
  return 4;
};
const interventions = [
  { start_ms: 1000, code: '16', within_manual: true, quality: 5 },
  { start_ms: 4000, code: '2', within_manual: true, quality: 6 },
  { start_ms: 8000, code: '16', within_manual: true, quality: 4 },
  { start_ms: 12000, code: 'outside_manual', within_manual: false },
];

// The first message to addr received after the first `after` messages that satisfies pred.
async function mailTo(addr, after, pred = () => true) {
  for (let i = 0; i < 300; i++) {
    const m = smtp.messages.slice(after).find((x) => x.to.includes(addr) && pred(x.mail));
    if (m) return m.mail;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${addr} after message ${after}`);
}

// A property's value from iCalendar text (folded lines joined, parameters skipped).
function icsField(ics, name) {
  const m = ics.replace(/\r\n[ \t]/g, '').match(new RegExp(`^${name}(;[^:\r\n]*)?:(.*?)\r?$`, 'm'));
  return m ? m[2] : null;
}

before(async () => {
  smtp = await startSmtp();
  srv = await startServer({ web: false, config: `[mail]\nurl = smtp://127.0.0.1:${smtp.port}\nfrom = kvalab <lab@kvalab.test>\nretry_base_seconds = 1\n` });
  admin = await adminClient(srv);
  lab = await setupLab(srv, admin);
  r1 = await withTotp(srv, admin, 'rater');
  r2 = await withTotp(srv, admin, 'rater');
  sub = await approvedSubmission(lab, [r1, r2], { score, interventions });
});
after(async () => { if (process.env.SHOW_LOG) console.log(srv.log()); await srv.stop(); await smtp.stop(); });

test('the profile is computed only from an approved consensus, and shows what the rating says', async () => {
  const early = await assignedSubmission(lab, [r1]);
  let r = await lab.supervisor.client.get(`/api/submissions/${early.id}/profile`);
  assert.equal(r.status, 409, r.text);
  r = await lab.supervisor.client.get(`/api/submissions/${sub.id}/profile?lang=en`);
  assert.equal(r.status, 200, r.text);
  const p = r.json;
  assert.equal(p.instrument.code, 'mbt-i-aqs');
  assert.equal(p.good_enough, 4);
  assert.equal(p.counts.total, 4);
  assert.equal(p.counts.within_manual, 3);
  assert.equal(p.counts.by_code[0].code, '16');
  assert.equal(p.counts.by_code[0].count, 2);
  assert.ok(Math.abs(p.counts.per_minute - 4 / (20 / 60)) < 0.5, JSON.stringify(p.counts));
  assert.equal(p.items.find((i) => i.id === '2').quality.value, 6);
  assert.equal(p.balance.verdict, 'support_heavy');
  assert.ok(p.balance.difference >= 3.9 && p.balance.difference <= 4.1);
  assert.ok(p.strengths.some((s) => s.item === '2'));
  assert.ok(p.improvements.some((s) => s.item === '3'));
  assert.equal(p.reference.available, false, 'fewer than 20 approved ratings: no reference');
});

test('the therapist sees no feedback before it is published; an institution admin sees none at all', async () => {
  const t = lab.therapist.client;
  assert.equal((await t.get(`/api/submissions/${sub.id}/feedback`)).status, 404);
  assert.equal((await t.get(`/api/submissions/${sub.id}/profile`)).status, 404);
  assert.equal((await t.get(`/api/submissions/${sub.id}/report.pdf`)).status, 404);
  assert.equal((await t.get('/api/feedback')).json.items.length, 0);
  const ia = await makeUser(srv, admin, 'institution_admin');
  assert.equal((await ia.client.get(`/api/submissions/${sub.id}/profile`)).status, 403);
  assert.equal((await ia.client.get(`/api/submissions/${sub.id}/feedback`)).status, 403);
  const other = await withTotp(srv, admin, 'rater');
  assert.equal((await other.client.get(`/api/submissions/${sub.id}/profile`)).status, 404);
});

test('writing feedback: versions, clips within the recording, items of the scale, no identity numbers', async () => {
  const s = lab.supervisor.client;
  let fb = (await s.get(`/api/submissions/${sub.id}/feedback`)).json;
  assert.equal(fb.points.length, 0);
  assert.equal(fb.recording.available, true);
  assert.ok(fb.participants_available.some((p) => p.id === lab.therapist.id));
  let r = await s.put(`/api/submissions/${sub.id}/feedback`, { summary: 'Varm og nysgjerrig; utfordre mer.', version: fb.version });
  assert.equal(r.status, 200, r.text);
  assert.equal((await r1.client.put(`/api/submissions/${sub.id}/feedback`, { summary: 'stale', version: fb.version })).status, 409);
  fb = r.json;
  r = await r1.client.post(`/api/submissions/${sub.id}/feedback/points`, { kind: 'improvement', item_id: '3', title: 'Utfordre uberettigede antakelser', body: 'Se klippet: her kunne du stilt spørsmål.', clips: [{ start_ms: 30000, end_ms: 40000 }] });
  assert.equal(r.status, 400);
  assert.equal(Object.keys(r.json.error.fields)[0], 'clips[0].end_ms');
  r = await r1.client.post(`/api/submissions/${sub.id}/feedback/points`, { kind: 'improvement', item_id: '99', title: 'x' });
  assert.equal(r.status, 400);
  assert.ok('item_id' in r.json.error.fields);
  r = await r1.client.post(`/api/submissions/${sub.id}/feedback/points`, { kind: 'strength', title: 'Pasient 15076500565', body: '' });
  assert.equal(r.status, 422);
  r = await r1.client.post(`/api/submissions/${sub.id}/feedback/points`, { kind: 'improvement', item_id: '3', title: 'Utfordre uberettigede antakelser', body: 'Se klippet: her kunne du stilt spørsmål.', clips: [{ start_ms: 2000, end_ms: 6000, label: 'Første mulighet' }] });
  assert.equal(r.status, 201, r.text);
  const point = r.json;
  assert.deepEqual(point.clips.map((c) => [c.start_ms, c.end_ms, c.label]), [[2000, 6000, 'Første mulighet']]);
  r = await s.post(`/api/submissions/${sub.id}/feedback/points`, { kind: 'strength', item_id: '2', title: 'Nysgjerrig, ikke-vitende holdning' });
  assert.equal(r.status, 201);
  const extra = await s.post(`/api/submissions/${sub.id}/feedback/points`, { kind: 'strength', title: 'Slettes' });
  assert.equal((await s.del(`/api/feedback-points/${extra.json.id}`)).status, 204);
  r = await s.put(`/api/feedback-points/${point.id}`, { kind: 'improvement', item_id: '3', title: 'Utfordre mer', body: 'Se klippene.', clips: [{ start_ms: 2000, end_ms: 6000, label: 'Første' }, { start_ms: 9000, end_ms: 12000, label: 'Andre' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.clips.length, 2);
  fb = (await s.get(`/api/submissions/${sub.id}/feedback`)).json;
  assert.deepEqual(fb.points.map((p) => p.title), ['Utfordre mer', 'Nysgjerrig, ikke-vitende holdning']);
});

test('publishing: only a supervisor; the therapist is told by mail, reads the profile and the report; published feedback is locked', async () => {
  assert.equal((await r1.client.post(`/api/submissions/${sub.id}/feedback/publish`, {})).status, 403);
  const before = smtp.messages.length;
  const r = await lab.supervisor.client.post(`/api/submissions/${sub.id}/feedback/publish`, {});
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.published_at);
  const mail = await mailTo(lab.therapist.email, before);
  assert.match(mail.subject, /Tilbakemeldingen din er klar|Your feedback is ready|Din feedback er klar/);
  const t = lab.therapist.client;
  const list = (await t.get('/api/feedback')).json.items;
  assert.deepEqual(list.map((x) => x.submission_id), [sub.id]);
  assert.equal(list[0].feedback_status, 'published');
  const fb = (await t.get(`/api/submissions/${sub.id}/feedback`)).json;
  assert.equal(fb.points.length, 2);
  assert.ok(!('participants_available' in fb));
  assert.equal((await t.get(`/api/submissions/${sub.id}/profile`)).status, 200);
  const pdf = await t.get(`/api/submissions/${sub.id}/report.pdf?lang=nb`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.match(pdf.headers.get('content-disposition'), /attachment; filename="feedback-\d+\.pdf"/);
  assert.equal(pdf.text.slice(0, 5), '%PDF-');
  assert.equal((await lab.supervisor.client.put(`/api/submissions/${sub.id}/feedback`, { summary: 'late', version: 99 })).status, 409);
  assert.equal((await r1.client.post(`/api/submissions/${sub.id}/feedback/points`, { kind: 'strength', title: 'late' })).status, 409);
  const audit = (await admin.get(`/api/audit?object_type=submission&object_id=${sub.id}`)).json.items.map((a) => a.action);
  for (const action of ['feedback.publish', 'feedback.read', 'profile.read', 'report.read'])
    assert.ok(audit.includes(action), `${action} in ${audit}`);
});

test('the meeting: invitations by mail, rescheduled and cancelled with the same UID and a higher SEQUENCE', async () => {
  const s = lab.supervisor.client;
  let r = await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: future(3), duration_min: 45, link: 'http://meet.example/x', participant_ids: [r1.id] });
  assert.equal(r.status, 400);
  assert.ok('link' in r.json.error.fields);
  r = await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: '2020-01-01T10:00:00Z', duration_min: 45, link: 'https://meet.example/x' });
  assert.equal(r.status, 400);
  const outsider = await withTotp(srv, admin, 'rater');
  r = await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: future(3), duration_min: 45, link: 'https://meet.example/x', participant_ids: [outsider.id] });
  assert.equal(r.status, 400);
  const before = smtp.messages.length;
  r = await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: future(3), duration_min: 45, link: 'https://meet.example/kvalab-42', participant_ids: [r1.id] });
  assert.equal(r.status, 201, r.text);
  const m = r.json;
  assert.equal(m.sequence, 0);
  assert.deepEqual(m.participants.map((p) => p.id).sort(), [lab.therapist.id, lab.supervisor.id, r1.id].sort());
  assert.equal((await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: future(4), duration_min: 45, link: 'https://meet.example/y' })).status, 409);
  const invite = await mailTo(lab.therapist.email, before, (x) => x.calendar);
  assert.equal(icsField(invite.calendar.text, 'METHOD'), 'REQUEST');
  assert.equal(invite.calendar.method, 'REQUEST');
  assert.equal(icsField(invite.calendar.text, 'UID'), m.uid);
  assert.equal(icsField(invite.calendar.text, 'SEQUENCE'), '0');
  await smtp.waitFor(before + 3);
  // Rescheduling.
  const mid = smtp.messages.length;
  r = await s.put(`/api/meetings/${m.id}`, { starts_at: future(5, 9), duration_min: 60, link: 'https://meet.example/kvalab-42' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.sequence, 1);
  const update = await mailTo(lab.therapist.email, mid, (x) => x.calendar);
  assert.equal(icsField(update.calendar.text, 'UID'), m.uid);
  assert.equal(icsField(update.calendar.text, 'SEQUENCE'), '1');
  const ics = await lab.therapist.client.get(`/api/meetings/${m.id}/invite.ics`);
  assert.equal(ics.status, 200);
  assert.match(ics.headers.get('content-type'), /^text\/calendar/);
  assert.equal(icsField(ics.text, 'SEQUENCE'), '1');
  assert.ok(ics.text.includes('\r\n'), 'CRLF line endings');
  // Cancelling.
  const late = smtp.messages.length;
  r = await s.post(`/api/meetings/${m.id}/cancel`, { reason: 'Syk' });
  assert.equal(r.status, 200);
  assert.equal(r.json.state, 'cancelled');
  const cancel = await mailTo(lab.therapist.email, late, (x) => x.calendar);
  assert.equal(icsField(cancel.calendar.text, 'METHOD'), 'CANCEL');
  assert.equal(icsField(cancel.calendar.text, 'UID'), m.uid);
  assert.equal(icsField(cancel.calendar.text, 'SEQUENCE'), '2');
  assert.equal(icsField(cancel.calendar.text, 'STATUS'), 'CANCELLED');
  assert.equal((await s.put(`/api/meetings/${m.id}`, { starts_at: future(6), duration_min: 60, link: 'https://meet.example/z' })).status, 409);
  const list = (await s.get(`/api/submissions/${sub.id}/meetings`)).json.items;
  assert.ok(list[0].mail.length >= 9 && list[0].mail.every((x) => ['queued', 'sending', 'sent'].includes(x.state)));
  assert.ok(!('mail' in (await lab.therapist.client.get(`/api/submissions/${sub.id}/meetings`)).json.items[0]));
});

test('the meeting held: notes, agreed points and goals; the submission closes and the recording is due for deletion', async () => {
  const s = lab.supervisor.client;
  const m = (await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: future(2), duration_min: 45, link: 'https://meet.example/kvalab-43' })).json;
  let r = await s.post(`/api/meetings/${m.id}/held`, { notes: 'Godt møte.', goals: [{ item_id: '3', description: 'Utfordre en antakelse per time', target: 'Kvalitet 4 på ledd 3', review_date: '2020-01-01' }] });
  assert.equal(r.status, 400);
  assert.ok('goals[0].review_date' in r.json.error.fields);
  r = await s.post(`/api/meetings/${m.id}/held`, { notes: 'Godt møte.', goals: [{ item_id: 'x', description: 'd', target: 't', review_date: inDays(60) }] });
  assert.equal(r.status, 400);
  assert.equal((await lab.therapist.client.post(`/api/meetings/${m.id}/held`, {})).status, 403);
  r = await s.post(`/api/meetings/${m.id}/held`, { notes: 'Godt møte.', agreed: 'Utfordre mer (ledd 3).', goals: [{ item_id: '3', description: 'Utfordre en antakelse per time', target: 'Kvalitet 4 på ledd 3', review_date: inDays(60) }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.state, 'held');
  const s2 = (await admin.get(`/api/submissions/${sub.id}`)).json;
  assert.equal(s2.state, 'closed');
  // The institution keeps recordings 30 days after the purpose is fulfilled (the default).
  const due = Date.parse(s2.recording_delete_at) - Date.now();
  assert.ok(due > 29 * 86400000 && due <= 30 * 86400000 + 60000, s2.recording_delete_at);
  const goals = (await lab.therapist.client.get('/api/goals?lang=nb')).json.items;
  assert.equal(goals.length, 1);
  assert.equal(goals[0].item_id, '3');
  assert.ok(goals[0].item_label);
  assert.equal(goals[0].review_date, inDays(60));
  r = await lab.therapist.client.patch(`/api/goals/${goals[0].id}`, { state: 'achieved' });
  assert.equal(r.status, 200);
  assert.equal(r.json.state, 'achieved');
  const stranger = await makeUser(srv, admin, 'therapist');
  assert.equal((await stranger.client.patch(`/api/goals/${goals[0].id}`, { state: 'dropped' })).status, 404);
  assert.equal((await stranger.client.get('/api/goals')).json.items.length, 0);
});

test('a meeting cannot be marked held before the feedback is published', async () => {
  const other = await approvedSubmission(lab, [r1], { score, interventions });
  const m = await lab.supervisor.client.post(`/api/submissions/${other.id}/meetings`, { starts_at: future(2), duration_min: 30, link: 'https://meet.example/early' });
  assert.equal(m.status, 201, m.text);
  const r = await lab.supervisor.client.post(`/api/meetings/${m.json.id}/held`, { notes: 'x' });
  assert.equal(r.status, 409);
  assert.equal((await admin.get(`/api/submissions/${other.id}`)).json.state, 'approved');
});

test('withdrawing consent after the feedback was written removes the feedback with the ratings', async () => {
  const other = await approvedSubmission(lab, [r1], { score, interventions });
  const s = lab.supervisor.client;
  const fb = (await s.get(`/api/submissions/${other.id}/feedback`)).json;
  assert.equal((await s.post(`/api/submissions/${other.id}/feedback/points`, { kind: 'strength', item_id: '2', title: 'Nysgjerrig', clips: [{ start_ms: 1000, end_ms: 3000 }] })).status, 201);
  assert.equal((await s.put(`/api/submissions/${other.id}/feedback`, { summary: 'Utkast', version: fb.version + 1 })).status, 200);
  const caseId = (await admin.get(`/api/submissions/${other.id}`)).json.case_id;
  const r = await lab.therapist.client.post(`/api/cases/${caseId}/consent/withdraw`, { withdrawn_date: new Date().toISOString().slice(0, 10) });
  assert.equal(r.status, 200, r.text);
  assert.equal((await admin.get(`/api/submissions/${other.id}`)).json.state, 'withdrawn');
  assert.equal((await s.get(`/api/submissions/${other.id}/feedback`)).status, 409);
  assert.equal((await s.get(`/api/submissions/${other.id}/profile`)).status, 409);
});
