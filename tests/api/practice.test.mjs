// Deliberate practice (issue 8, part B): a therapist's own goals beside those agreed in the
// meeting, the practice log (own entries only, each bad field named), weekly totals per goal in
// ISO weeks, watching one's own recording logged by itself and capped, the review reminder (a
// flag and one mail, received by a real SMTP server), closing the loop, the lab's pseudonymised
// view with its minimum group size, and the audit trail of every read and change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { kvalab, startServer } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';
import { startSmtp } from '../lib/smtp.mjs';
import { setupLab, withTotp, approvedSubmission, today } from '../lib/flow.mjs';

let srv, smtp, admin, lab, r1, r2, sub, meetingGoal, stranger;
const DAY = 86400000;
const dayOffset = (days) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
const future = (days) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(13, 0, 0, 0);
  return d.toISOString().replace('.000Z', 'Z');
};
// The Monday of a date's ISO week, as the server counts (UTC).
const mondayOf = (ymd) => {
  const d = new Date(`${ymd}T00:00:00Z`);
  return new Date(d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY).toISOString().slice(0, 10);
};
const sql = (statement) => execFileSync('sqlite3', [join(srv.data, 'kvalab.db'), statement], { encoding: 'utf8' }).trim();

// Quality 4 on every item but the challenging ones (3, 8, 9), which get 2.
const score = (item) => (['3', '8', '9'].includes(item) ? 2 : 4);

async function publish(subId, summary = 'Varm og nysgjerrig; utfordre mer.') {
  const s = lab.supervisor.client;
  const fb = (await s.get(`/api/submissions/${subId}/feedback`)).json;
  let r = await s.put(`/api/submissions/${subId}/feedback`, { summary, version: fb.version });
  assert.equal(r.status, 200, r.text);
  r = await s.post(`/api/submissions/${subId}/feedback/publish`, {});
  assert.equal(r.status, 200, r.text);
}

async function auditActions(query) {
  return (await admin.get(`/api/audit?${query}&per_page=200`)).json.items.map((a) => a.action);
}

async function mailTo(addr, after, pred = () => true) {
  for (let i = 0; i < 300; i++) {
    const m = smtp.messages.slice(after).find((x) => x.to.includes(addr) && pred(x.mail));
    if (m) return m.mail;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${addr} after message ${after}`);
}

before(async () => {
  smtp = await startSmtp();
  srv = await startServer({ web: false, config: `[mail]\nurl = smtp://127.0.0.1:${smtp.port}\nfrom = kvalab <lab@kvalab.test>\nretry_base_seconds = 1\n` });
  admin = await adminClient(srv);
  lab = await setupLab(srv, admin, { institution: 'Øvingsklinikken' });
  r1 = await withTotp(srv, admin, 'rater');
  r2 = await withTotp(srv, admin, 'rater');
  sub = await approvedSubmission(lab, [r1, r2], { score });
  await publish(sub.id);
  const s = lab.supervisor.client;
  const m = (await s.post(`/api/submissions/${sub.id}/meetings`, { starts_at: future(2), duration_min: 45, link: 'https://meet.example/practice' })).json;
  const held = await s.post(`/api/meetings/${m.id}/held`, { notes: 'Godt møte.', goals: [{ item_id: '3', description: 'Utfordre en antakelse per time', target: 'Kvalitet 4 på ledd 3', review_date: dayOffset(60) }] });
  assert.equal(held.status, 200, held.text);
  meetingGoal = (await lab.therapist.client.get('/api/goals')).json.items[0];
  stranger = await makeUser(srv, admin, 'therapist');
});
after(async () => { if (process.env.SHOW_LOG) console.log(srv.log()); await srv?.stop(); await smtp?.stop(); });

test('a therapist sets their own goals: an item of a scale or free text; the staff never see them', async () => {
  const t = lab.therapist.client;
  assert.equal(meetingGoal.source, 'meeting');
  assert.equal(meetingGoal.due_for_review, false);
  assert.equal(meetingGoal.practice_minutes, 0);
  assert.ok(meetingGoal.recording_id, 'the recording of the goal\'s session still exists');
  let r = await t.post('/api/goals', { description: 'Stopp og spol tilbake', target: 'To ganger per time', review_date: dayOffset(30), instrument_id: lab.instrument.id, item_id: '12' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.source, 'own');
  assert.equal(r.json.item_id, '12');
  assert.ok(r.json.item_label);
  r = await t.post('/api/goals', { description: 'Lese om mentalisering', target: 'Ett kapittel i uka', review_date: dayOffset(14) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.item_id, null);
  assert.equal(r.json.instrument_id, null);
  // Bad input names the field and changes nothing.
  r = await t.post('/api/goals', { description: 'x', target: 'y', review_date: today });
  assert.equal(r.status, 400);
  assert.ok('review_date' in r.json.error.fields);
  r = await t.post('/api/goals', { description: 'x', target: 'y', review_date: dayOffset(9), item_id: '3' });
  assert.equal(r.status, 400);
  assert.ok('instrument_id' in r.json.error.fields);
  r = await t.post('/api/goals', { description: 'x', target: 'y', review_date: dayOffset(9), instrument_id: lab.instrument.id, item_id: '99' });
  assert.equal(r.status, 400);
  assert.ok('item_id' in r.json.error.fields);
  r = await t.post('/api/goals', { description: 'Pasient 15076500565', target: 'y', review_date: dayOffset(9) });
  assert.equal(r.status, 422);
  assert.equal((await t.get('/api/goals')).json.items.length, 3);
  // Only therapists set their own goals; the lab sees the meeting's goal, not these.
  assert.equal((await lab.supervisor.client.post('/api/goals', { description: 'x', target: 'y', review_date: dayOffset(9) })).status, 403);
  const seen = (await lab.supervisor.client.get(`/api/goals?therapist_id=${lab.therapist.id}`)).json.items;
  assert.deepEqual(seen.map((g) => g.id), [meetingGoal.id]);
  const own = (await t.get('/api/goals')).json.items.find((g) => g.source === 'own');
  assert.equal((await lab.supervisor.client.patch(`/api/goals/${own.id}`, { state: 'dropped' })).status, 404);
  assert.equal((await stranger.client.patch(`/api/goals/${own.id}`, { state: 'dropped' })).status, 404);
  assert.equal((await stranger.client.get('/api/goals')).json.items.length, 0);
  // A new review date; at least one field.
  r = await t.patch(`/api/goals/${own.id}`, { review_date: dayOffset(40) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.review_date, dayOffset(40));
  assert.equal(r.json.state, 'active');
  assert.equal((await t.patch(`/api/goals/${own.id}`, {})).status, 400);
  assert.equal((await t.patch(`/api/goals/${own.id}`, { review_date: '2020-01-01' })).status, 400);
  const audit = await auditActions(`object_type=goal&object_id=${own.id}`);
  assert.ok(audit.includes('goal.create') && audit.includes('goal.update'), audit.join());
});

test('the practice log: own entries only, and each bad field named', async () => {
  const t = lab.therapist.client;
  const good = { date: today, minutes: 45, activity: 'simulated_client', domain: 'relationship', goal_id: meetingGoal.id, reflection: 'Øvde på å utfordre med en kollega som klient.' };
  let r = await t.post('/api/practice/log', good);
  assert.equal(r.status, 201, r.text);
  const entry = r.json;
  assert.equal(entry.minutes, 45);
  assert.equal(entry.source, 'manual');
  assert.equal(entry.goal_description, meetingGoal.description);
  const bad = [
    [{ minutes: 0 }, 'minutes'], [{ minutes: 601 }, 'minutes'], [{ minutes: 12.5 }, 'minutes'],
    [{ activity: 'dancing' }, 'activity'], [{ domain: 'luck' }, 'domain'], [{ date: dayOffset(2) }, 'date'],
    [{ date: '2026-02-30' }, 'date'], [{ goal_id: 999999 }, 'goal_id'], [{ colour: 'red' }, 'colour'],
  ];
  for (const [change, field] of bad) {
    r = await t.post('/api/practice/log', { ...good, ...change });
    assert.equal(r.status, 400, `${JSON.stringify(change)}: ${r.text}`);
    assert.ok(field in r.json.error.fields, `${field} named in ${r.text}`);
  }
  const { domain, ...noDomain } = good;
  r = await t.post('/api/practice/log', noDomain);
  assert.equal(r.status, 400);
  assert.ok('domain' in r.json.error.fields);
  assert.equal((await t.post('/api/practice/log', { ...good, reflection: 'Klient 15076500565' })).status, 422);
  // Someone else's goal is not the therapist's to log against.
  const theirs = (await stranger.client.post('/api/goals', { description: 'Annen', target: 'x', review_date: dayOffset(9) })).json;
  r = await t.post('/api/practice/log', { ...good, goal_id: theirs.id });
  assert.equal(r.status, 400);
  assert.ok('goal_id' in r.json.error.fields);
  // Editing and deleting.
  r = await t.patch(`/api/practice/log/${entry.id}`, { minutes: 50, domain: 'therapist_factors' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.minutes, 50);
  assert.equal(r.json.activity, 'simulated_client');
  r = await t.patch(`/api/practice/log/${entry.id}`, { goal_id: 0 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.goal_id, null);
  assert.equal((await t.patch(`/api/practice/log/${entry.id}`, { minutes: 700 })).status, 400);
  // Nobody else reads or changes it, whatever their role.
  assert.equal((await stranger.client.patch(`/api/practice/log/${entry.id}`, { minutes: 1 })).status, 404);
  assert.equal((await stranger.client.del(`/api/practice/log/${entry.id}`)).status, 404);
  assert.equal((await stranger.client.get('/api/practice/log')).json.items.length, 0);
  const ia = await makeUser(srv, admin, 'institution_admin');
  for (const c of [admin, lab.supervisor.client, r1.client, ia.client]) {
    assert.equal((await c.get('/api/practice/log')).status, 403);
    assert.equal((await c.get('/api/practice/weekly')).status, 403);
    assert.equal((await c.get('/api/practice/development')).status, 403);
    assert.equal((await c.post('/api/practice/log', good)).status, 403);
  }
  assert.equal((await t.del(`/api/practice/log/${entry.id}`)).status, 204);
  assert.equal((await t.patch(`/api/practice/log/${entry.id}`, { minutes: 5 })).status, 404);
  assert.equal((await t.get('/api/practice/log')).json.items.length, 0);
  const audit = await auditActions(`object_type=practice_log&object_id=${entry.id}`);
  for (const a of ['practice.log.create', 'practice.log.update', 'practice.log.delete']) assert.ok(audit.includes(a), `${a} in ${audit}`);
  assert.ok((await auditActions('action=access.denied')).length > 0);
});

test('weekly totals: minutes per goal in ISO weeks, the last N weeks', async () => {
  const t = lab.therapist.client;
  const own = (await t.get('/api/goals')).json.items.find((g) => g.source === 'own' && g.item_id === null);
  const entries = [
    { date: today, minutes: 30, activity: 'reading', domain: 'structure', goal_id: own.id },
    { date: today, minutes: 20, activity: 'feedback', domain: 'relationship', goal_id: meetingGoal.id },
    { date: dayOffset(-7), minutes: 40, activity: 'simulated_client', domain: 'relationship', goal_id: meetingGoal.id },
    { date: dayOffset(-15), minutes: 15, activity: 'other', domain: 'client_factors' },
    { date: dayOffset(-70), minutes: 60, activity: 'reading', domain: 'hope_expectancy' },
  ];
  for (const e of entries) assert.equal((await t.post('/api/practice/log', e)).status, 201);
  const r = await t.get('/api/practice/weekly?weeks=4');
  assert.equal(r.status, 200, r.text);
  const w = r.json;
  assert.equal(w.weeks.length, 4);
  const thisMonday = mondayOf(today);
  assert.equal(w.weeks[3].start, thisMonday);
  assert.match(w.weeks[3].week, /^\d{4}-W\d{2}$/);
  assert.equal(w.weeks[0].start, mondayOf(dayOffset(-21)));
  const idx = (ymd) => Math.round((Date.parse(mondayOf(ymd)) - Date.parse(w.weeks[0].start)) / (7 * DAY));
  const expected = [0, 0, 0, 0];
  for (const e of entries.slice(0, 4)) expected[idx(e.date)] += e.minutes;
  assert.deepEqual(w.weeks.map((x) => x.minutes), expected);
  assert.equal(w.total_minutes, 105, 'the entry ten weeks back is outside the chart');
  const byGoal = Object.fromEntries(w.series.map((s) => [s.goal_id ?? 'none', s]));
  assert.equal(byGoal[meetingGoal.id].minutes[3], 20);
  assert.equal(byGoal[meetingGoal.id].minutes[2], 40);
  assert.equal(byGoal[meetingGoal.id].item_label, meetingGoal.item_label);
  assert.equal(byGoal[own.id].minutes[3], 30);
  assert.equal(byGoal[own.id].description, own.description);
  assert.equal(byGoal.none.minutes.reduce((a, b) => a + b), 15);
  assert.equal(w.series[w.series.length - 1].goal_id, null, 'entries without a goal come last');
  assert.equal(w.by_activity.reading, 30);
  assert.equal(w.by_domain.relationship, 60);
  assert.equal((await t.get('/api/practice/weekly?weeks=157')).status, 400);
  assert.equal((await t.get('/api/practice/weekly')).json.weeks.length, 12);
  // The goal list sums each goal's practice.
  const g = (await t.get('/api/goals')).json.items.find((x) => x.id === meetingGoal.id);
  assert.equal(g.practice_minutes, 60);
  assert.ok((await auditActions(`action=practice.weekly`)).length >= 1);
});

test('watching one\'s own recording logs itself as practice, capped, once per viewing', async () => {
  const t = lab.therapist.client;
  const recId = meetingGoal.recording_id;
  let v = await t.post(`/api/recordings/${recId}/viewings`, {});
  assert.equal(v.status, 201, v.text);
  const viewing = v.json.viewing;
  // Under half a minute: nothing yet.
  let r = await t.post('/api/practice/recording-review', { viewing, seconds: 20 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.entry, null);
  // The recording lasts 20 seconds: a viewing counts at most 40, whatever the player says.
  r = await t.post('/api/practice/recording-review', { viewing, seconds: 5000 });
  assert.equal(r.status, 200, r.text);
  const cap = r.json.seconds;
  assert.ok(cap >= 39 && cap <= 41, `capped at twice the length: ${cap}`);
  assert.equal(r.json.minutes, 1);
  const entry = r.json.entry;
  assert.equal(entry.activity, 'recording_review');
  assert.equal(entry.source, 'recording_review');
  assert.equal(entry.date, today);
  assert.equal(entry.recording_id, recId);
  assert.equal(entry.submission_id, sub.id);
  assert.equal(entry.goal_id, meetingGoal.id, 'the session\'s only active goal');
  assert.equal(entry.domain, null);
  // Reports are running totals: a late one takes nothing away and makes no second row.
  r = await t.post('/api/practice/recording-review', { viewing, seconds: 10 });
  assert.equal(r.json.seconds, cap);
  assert.equal(r.json.entry.id, entry.id);
  const rows = (await t.get('/api/practice/log')).json.items.filter((e) => e.source === 'recording_review');
  assert.equal(rows.length, 1);
  // What the player measured stays; the therapist adds the domain and a reflection.
  r = await t.patch(`/api/practice/log/${entry.id}`, { minutes: 90 });
  assert.equal(r.status, 422);
  assert.ok('minutes' in r.json.error.fields);
  r = await t.patch(`/api/practice/log/${entry.id}`, { domain: 'therapist_factors', reflection: 'Så at jeg validerer før jeg utfordrer.' });
  assert.equal(r.status, 200, r.text);
  // Only the therapist's own viewings: another user's token, or none at all, is not found.
  const sv = (await lab.supervisor.client.post(`/api/recordings/${recId}/viewings`, {})).json.viewing;
  assert.equal((await t.post('/api/practice/recording-review', { viewing: sv, seconds: 60 })).status, 404);
  assert.equal((await t.post('/api/practice/recording-review', { viewing: 'v_nonsense', seconds: 60 })).status, 404);
  assert.equal((await lab.supervisor.client.post('/api/practice/recording-review', { viewing: sv, seconds: 60 })).status, 403);
  assert.equal((await t.post('/api/practice/recording-review', { viewing, seconds: -1 })).status, 400);
  // A deleted review stays deleted.
  v = (await t.post(`/api/recordings/${recId}/viewings`, {})).json.viewing;
  const second = (await t.post('/api/practice/recording-review', { viewing: v, seconds: 35 })).json.entry;
  assert.ok(second && second.id !== entry.id);
  assert.equal((await t.del(`/api/practice/log/${second.id}`)).status, 204);
  r = await t.post('/api/practice/recording-review', { viewing: v, seconds: 40 });
  assert.equal(r.status, 200);
  assert.equal(r.json.entry, null);
  const audit = await auditActions(`object_type=practice_log&object_id=${entry.id}`);
  assert.ok(audit.includes('practice.review'), audit.join());
});

test('a goal whose review date has come is due for review, and its therapist gets one reminder', async () => {
  const t = lab.therapist.client;
  const own = (await t.post('/api/goals', { description: 'Validere før utfordring', target: 'Hver time', review_date: dayOffset(3) })).json;
  assert.equal(own.due_for_review, false);
  const before = smtp.messages.length;
  // The server looks at start and then every minute: move the date back while it is down.
  await srv.whileStopped(async () => sql(`UPDATE practice_goals SET review_date = '${dayOffset(-1)}' WHERE id = ${own.id}`));
  const mail = await mailTo(lab.therapist.email, before, (m) => /Validere før utfordring/.test(m.text ?? ''));
  assert.match(mail.subject, /øvingsmålet|practice goal|træningsmål/);
  let g = (await t.get('/api/goals')).json.items.find((x) => x.id === own.id);
  assert.equal(g.due_for_review, true);
  assert.ok(g.reminded_at);
  // Once per goal, however often the server starts.
  await srv.whileStopped(async () => {});
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(Number(sql(`SELECT count(*) FROM mail_outbox WHERE kind = 'goal_review' AND body LIKE '%Validere før utfordring%'`)), 1);
  const audit = await auditActions(`object_type=goal&object_id=${own.id}`);
  assert.ok(audit.includes('goal.reminder'), audit.join());
  // A new date clears the flag and asks for a new reminder when it comes.
  g = (await t.patch(`/api/goals/${own.id}`, { review_date: dayOffset(20) })).json;
  assert.equal(g.due_for_review, false);
  assert.equal(g.reminded_at, null);
  // An achieved goal is not due.
  sql(`UPDATE practice_goals SET review_date = '${dayOffset(-2)}', reminded_at = 1 WHERE id = ${own.id}`);
  assert.equal((await t.get('/api/goals')).json.items.find((x) => x.id === own.id).due_for_review, true);
  g = (await t.patch(`/api/goals/${own.id}`, { state: 'achieved' })).json;
  assert.equal(g.due_for_review, false);
});

test('closing the loop: item scores of rated sessions beside practice time and the outcome summary', async () => {
  const t = lab.therapist.client;
  const r = await t.get('/api/practice/development?lang=en');
  assert.equal(r.status, 200, r.text);
  const d = r.json;
  assert.equal(d.to, today);
  assert.equal(d.sessions.length, 1);
  const s = d.sessions[0];
  assert.equal(s.submission_id, sub.id);
  assert.equal(s.instrument_code, 'mbt-i-aqs');
  assert.equal(s.scores['3'].quality, 2);
  assert.equal(s.scores['1'].quality, 4);
  // 17 items: 14 at 4 and 3 at 2.
  assert.ok(Math.abs(s.quality - (14 * 4 + 3 * 2) / 17) < 1e-9, String(s.quality));
  const inst = d.instruments.find((i) => i.code === 'mbt-i-aqs');
  assert.equal(inst.items.length, 17);
  assert.ok(inst.items.find((i) => i.id === '3').label);
  assert.ok(d.practice.weeks.length >= 52);
  assert.ok(d.practice.total_minutes >= 105);
  // No clients in outcome monitoring yet: an empty caseload, no measures.
  assert.equal(d.outcomes.caseload.total, 0);
  assert.deepEqual(d.outcomes.measures, []);
  assert.ok(d.goals.some((g) => g.id === meetingGoal.id));
  assert.equal((await t.get(`/api/practice/development?from=${today}&to=${dayOffset(-1)}`)).status, 400);
  assert.equal((await t.get('/api/practice/development?from=2015-01-01')).status, 400);
  // Another therapist's figures show none of this.
  assert.equal((await stranger.client.get('/api/practice/development')).json.sessions.length, 0);
  assert.ok((await auditActions('action=practice.development')).length >= 2);
});

test('the lab sees practice against quality only for at least five therapists, pseudonymised', async () => {
  const ia = await makeUser(srv, admin, 'institution_admin');
  assert.equal((await ia.client.get('/api/lab/practice-effects')).status, 403);
  assert.equal((await lab.therapist.client.get('/api/lab/practice-effects')).status, 403);
  let r = await admin.get('/api/lab/practice-effects');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.n_therapists, 1);
  assert.equal(r.json.suppressed, true);
  assert.deepEqual(r.json.points, []);
  assert.equal(r.json.practice_quality, null);
  assert.equal(r.json.therapist_effects.available, false);
  assert.ok(r.json.limits.length >= 5);
  assert.ok(r.json.limits.some((l) => /not causes/.test(l)));
  // Four more therapists, each with one rated session and some practice.
  const minutes = [30, 150, 60, 120, 90];
  const quality = [2, 6, 3, 5, 4];
  const t0 = (await lab.therapist.client.get(`/api/practice/log?from=${dayOffset(-364)}`)).json.items.reduce((a, e) => a + e.minutes, 0);
  const others = [];
  for (let k = 1; k < 5; k++) {
    const l = await setupLab(srv, admin, { institution: `Klinikk ${k}` });
    const s = await approvedSubmission(l, [r1], { score: () => quality[k] });
    await publish(s.id, `Tilbakemelding ${k}`);
    assert.equal((await l.therapist.client.post('/api/practice/log', { date: today, minutes: minutes[k], activity: 'reading', domain: 'structure' })).status, 201);
    others.push(l.therapist);
  }
  r = await lab.supervisor.client.get('/api/lab/practice-effects');
  assert.equal(r.status, 200, r.text);
  const e = r.json;
  assert.equal(e.n_therapists, 5);
  assert.equal(e.suppressed, false);
  assert.equal(e.instrument.code, 'mbt-i-aqs');
  assert.deepEqual(e.points.map((p) => p.therapist), ['T01', 'T02', 'T03', 'T04', 'T05']);
  // Ordered by quality, with nothing that names anyone.
  const qs = e.points.map((p) => p.mean_quality);
  assert.deepEqual(qs, [...qs].sort((a, b) => a - b));
  const text = JSON.stringify(e);
  for (const th of [lab.therapist, ...others]) {
    assert.ok(!text.includes(th.email));
    assert.ok(!e.points.some((p) => 'id' in p || p.therapist === String(th.id)));
  }
  // Pearson's r of practice minutes against mean quality, as computed here.
  const xs = e.points.map((p) => p.practice_minutes), ys = qs;
  assert.deepEqual([...xs].sort((a, b) => a - b), [t0, ...minutes.slice(1)].sort((a, b) => a - b));
  const mean = (a) => a.reduce((s, v) => s + v, 0) / a.length;
  const mx = mean(xs), my = mean(ys);
  const cov = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0);
  const rr = cov / Math.sqrt(xs.reduce((s, x) => s + (x - mx) ** 2, 0) * ys.reduce((s, y) => s + (y - my) ** 2, 0));
  assert.ok(Math.abs(e.practice_quality.pearson.r - rr) < 1e-9, `${e.practice_quality.pearson.r} vs ${rr}`);
  assert.equal(e.practice_quality.pearson.n, 5);
  assert.ok(e.practice_quality.spearman.r >= -1 && e.practice_quality.spearman.r <= 1);
  assert.equal(e.therapist_effects.available, false);
  assert.equal(e.therapist_effects.reason, 'no_outcome_data');
  assert.equal(e.fidelity_outcomes.available, false);
  assert.ok((await auditActions('action=lab.practice_effects')).length >= 2);
});

test('once the recording is destroyed, watching it no longer logs practice', async () => {
  const t = lab.therapist.client;
  const recId = meetingGoal.recording_id;
  const viewing = (await t.post(`/api/recordings/${recId}/viewings`, {})).json.viewing;
  // The retention deadline passes (the meeting was held: the purpose is fulfilled).
  sql(`UPDATE submissions SET recording_delete_after = 1 WHERE id = ${sub.id}`);
  const run = kvalab(['retention', 'run', '--data', srv.data]);
  assert.equal(run.status, 0, run.stderr);
  const r = await t.post('/api/practice/recording-review', { viewing, seconds: 40 });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'recording_gone');
  const g = (await t.get('/api/goals')).json.items.find((x) => x.id === meetingGoal.id);
  assert.equal(g.recording_id, null);
  // The practice it logged stays in the log.
  assert.ok((await t.get('/api/practice/log')).json.items.some((e) => e.source === 'recording_review'));
});
