// Issue 5, the transcript: a WebVTT or SRT file imported for a session's recording, sealed at
// rest, read by whoever may watch the recording (every read audited), refused with the line at
// fault, and destroyed with the recording.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { adminClient, makeUser } from '../lib/client.mjs';
import { assign, setupLab, submissionWithRecording, today, withTotp } from '../lib/flow.mjs';

// A word that is nowhere else: it must never be found at rest.
const SECRET_WORD = 'Sjokoladefabrikken';
const VTT = `WEBVTT - økt 3

NOTE transcribed by hand

1
00:00:01.000 --> 00:00:03.500
<v Terapeut>Hvordan har du hatt det siden sist?

2
00:00:04.000 --> 00:00:07.250 align:start
<v Pasient>Det har vært tungt på ${SECRET_WORD}.
Jeg sov dårlig &amp; var sint.

00:00:08.000 --> 00:00:12.000
<v Terapeut>Hva tenker du at han <i>mente</i>?
`;
const SRT = '1\r\n00:00:02,000 --> 00:00:05,000\r\nFørste linje\r\n\r\n2\r\n00:00:06,500 --> 00:00:09,000\r\n<i>Andre</i> linje\r\nfortsetter\r\n';

let srv, admin, lab, supervisor;

before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
  lab = await setupLab(srv, admin, { institution: 'Transkripsjonsklinikken', supervisor: false });
  supervisor = await withTotp(srv, admin, 'supervisor');
});
after(async () => { await srv.stop(); });

const put = (client, id, text, type = 'text/vtt') =>
  client.request('PUT', `/api/submissions/${id}/transcript`, undefined, { raw: Buffer.from(text), headers: { 'content-type': type } });
const sql = (statement) => execFileSync('sqlite3', [join(srv.data, 'kvalab.db'), statement], { encoding: 'utf8' }).trim();

// A request whose headers announce a body that is never sent; resolves with the answer.
function headersOnly(client, method, path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}${path}`, { method, headers: { ...headers, cookie: client.cookie, 'x-csrf-token': client.csrf } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => { req.destroy(); resolve({ status: res.statusCode, json: JSON.parse(text) }); });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

// Every file in the data folder (database, its write-ahead log, recordings, documents).
function dataFiles(dir = srv.data) {
  const out = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...dataFiles(p));
    else out.push(p);
  }
  return out;
}

test('a rater imports a WebVTT transcript and reads it back; the import and every read are audited', async () => {
  const rater = await withTotp(srv, admin, 'rater');
  const sub = await submissionWithRecording(lab);
  await assign(lab, sub.id, [rater]);
  assert.equal((await rater.client.get(`/api/submissions/${sub.id}/transcript`)).status, 404);
  const r = await put(rater.client, sub.id, VTT);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.format, 'vtt');
  assert.equal(r.json.cue_count, 3);
  assert.match(r.json.created_at, /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(r.json.cues, [
    { start_ms: 1000, end_ms: 3500, speaker: 'Terapeut', text: 'Hvordan har du hatt det siden sist?' },
    { start_ms: 4000, end_ms: 7250, speaker: 'Pasient', text: `Det har vært tungt på ${SECRET_WORD}.\nJeg sov dårlig & var sint.` },
    { start_ms: 8000, end_ms: 12000, speaker: 'Terapeut', text: 'Hva tenker du at han mente?' },
  ]);
  const g = await rater.client.get(`/api/submissions/${sub.id}/transcript`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, r.json);
  await rater.client.get(`/api/submissions/${sub.id}/transcript`);

  const reads = (await admin.get(`/api/audit?action=transcript.read&actor=${encodeURIComponent(rater.email)}`)).json;
  assert.equal(reads.total, 2, JSON.stringify(reads.items));
  assert.equal(reads.items[0].object_type, 'transcript');
  assert.equal(reads.items[0].object_id, String(r.json.id));
  assert.equal(reads.items[0].outcome, 'success');
  const imports = (await admin.get(`/api/audit?action=transcript.import&actor=${encodeURIComponent(rater.email)}`)).json;
  assert.equal(imports.total, 1);
  assert.match(imports.items[0].detail, new RegExp(`submission ${sub.id}: 3 cues \\(vtt\\)`));
  // The log says what happened, never what was said.
  assert.doesNotMatch(sql('SELECT * FROM audit_log'), new RegExp(SECRET_WORD));
});

test('the transcript is sealed at rest: no file of the data folder holds what was said', async () => {
  const sub = await submissionWithRecording(lab);
  const r = await put(admin, sub.id, VTT);
  assert.equal(r.status, 201, r.text);
  assert.ok(Number(sql(`SELECT length(sealed) FROM transcripts WHERE id = ${r.json.id}`)) > VTT.length / 2);
  assert.equal(sql(`SELECT format || ' ' || cue_count FROM transcripts WHERE id = ${r.json.id}`), 'vtt 3');
  for (const f of dataFiles()) {
    const b = readFileSync(f);
    for (const word of [SECRET_WORD, 'Hvordan har du hatt det']) assert.ok(!b.includes(word), `${f} holds "${word}"`);
  }
  // The blob is bound to its row: moved to another row it does not open.
  const other = await submissionWithRecording(lab);
  const o = await put(admin, other.id, SRT, 'application/x-subrip');
  assert.equal(o.status, 201);
  sql(`UPDATE transcripts SET sealed = (SELECT sealed FROM transcripts WHERE id = ${r.json.id}) WHERE id = ${o.json.id}`);
  const g = await admin.get(`/api/submissions/${other.id}/transcript`);
  assert.equal(g.status, 500);
  assert.doesNotMatch(g.text, new RegExp(SECRET_WORD));
});

test('an SRT file replaces the earlier transcript, whose cues are wiped; delete removes it', async () => {
  const rater = await withTotp(srv, admin, 'rater');
  const sub = await submissionWithRecording(lab);
  await assign(lab, sub.id, [rater]);
  const first = await put(rater.client, sub.id, VTT);
  assert.equal(first.status, 201);
  const second = await put(rater.client, sub.id, SRT, 'application/x-subrip; charset=utf-8');
  assert.equal(second.status, 201, second.text);
  assert.equal(second.json.format, 'srt');
  assert.deepEqual(second.json.cues, [
    { start_ms: 2000, end_ms: 5000, speaker: '', text: 'Første linje' },
    { start_ms: 6500, end_ms: 9000, speaker: '', text: 'Andre linje\nfortsetter' },
  ]);
  assert.deepEqual((await rater.client.get(`/api/submissions/${sub.id}/transcript`)).json.cues, second.json.cues);
  assert.equal(sql(`SELECT sealed IS NULL, replaced_at IS NOT NULL FROM transcripts WHERE id = ${first.json.id}`), '1|1');
  const imports = (await admin.get(`/api/audit?action=transcript.import&actor=${encodeURIComponent(rater.email)}`)).json;
  assert.match(imports.items[0].detail, new RegExp(`replacing transcript ${first.json.id}`));
  // Told by the content when the type is only text/plain.
  const plain = await put(rater.client, sub.id, VTT, 'text/plain');
  assert.equal(plain.status, 201);
  assert.equal(plain.json.format, 'vtt');

  assert.equal((await rater.client.del(`/api/submissions/${sub.id}/transcript`)).status, 204);
  const gone = await rater.client.get(`/api/submissions/${sub.id}/transcript`);
  assert.equal(gone.status, 404);
  assert.match(gone.json.error.message, /no transcript has been imported/);
  assert.equal((await rater.client.del(`/api/submissions/${sub.id}/transcript`)).status, 404);
  assert.equal(sql(`SELECT count(*) FROM transcripts WHERE submission_id = ${sub.id} AND sealed IS NOT NULL`), '0');
  assert.equal((await admin.get('/api/audit?action=transcript.delete')).json.total, 1);
});

test('a bad file is refused with the line at fault, and the transcript on file stays as it was', async () => {
  const rater = await withTotp(srv, admin, 'rater');
  const sub = await submissionWithRecording(lab);
  await assign(lab, sub.id, [rater]);
  assert.equal((await put(rater.client, sub.id, VTT)).status, 201);
  const cases = [
    [VTT.replace('00:00:08.000 --> 00:00:12.000', '00:00:08.000 --> 00:00:03.000'), 'text/vtt', 400, 'invalid_transcript', 14,
      'line 14: end time 00:00:03.000 is before start 00:00:08.000'],
    ['Hei på deg\n', 'text/vtt', 400, 'invalid_transcript', 1, 'line 1: not a WebVTT file (must start with WEBVTT)'],
    [VTT.replace('00:00:08.000 --> 00:00:12.000', '00:00:08.000 --> 00:00:25.000'), 'text/vtt', 400, 'beyond_recording', 14,
      /^line 14: the cue ends at 00:00:25\.000, after the end of the recording \(00:00:20\.\d{3}\); is this the transcript of another session\?$/],
    ['1\n00:00:21,000 --> 00:00:22,000\nfor sent\n', 'application/x-subrip', 400, 'beyond_recording', 2, null],
    [VTT.replace('var sint.', 'var sint. Nummeret mitt er 15076500565.'), 'text/vtt', 422, 'identity_number', 12,
      'line 12: the text contains what is a valid Norwegian national identity number (fødselsnummer or D-number); kvalab must not hold patient identities, so remove it'],
    [Buffer.concat([Buffer.from('WEBVTT\n\n00:01.000 --> 00:02.000\nLatin-1: '), Buffer.from([0xe6]), Buffer.from('\n')]), 'text/vtt', 400, 'invalid_transcript', 4,
      'line 4: the file is not valid UTF-8 (save it as UTF-8)'],
    ['WEBVTT\n\n00:01.000 --> 00:02.000\n00:03.000 --> 00:04.000\nx\n', 'text/vtt', 400, 'invalid_transcript', 4,
      'line 4: cue text must not contain "-->" (is the blank line before this cue missing?)'],
    ['WEBVTT\n', 'text/vtt', 400, 'invalid_transcript', 1, null],
  ];
  for (const [text, type, status, code, line, message] of cases) {
    const r = await rater.client.request('PUT', `/api/submissions/${sub.id}/transcript`, undefined, { raw: Buffer.from(text), headers: { 'content-type': type } });
    assert.equal(r.status, status, `${JSON.stringify(String(text).slice(0, 40))}: ${r.text}`);
    assert.equal(r.json.error.code, code, r.text);
    if (line) assert.equal(r.json.error.line, line, r.text);
    assert.match(r.json.error.message, /^line \d+: /);
    if (message instanceof RegExp) assert.match(r.json.error.message, message);
    else if (message) assert.equal(r.json.error.message, message);
  }
  // The CSV of another tool, a JSON body, no body, too much.
  let r = await put(rater.client, sub.id, '{"cues": []}', 'application/json');
  assert.equal(r.status, 415);
  assert.equal(r.json.error.code, 'unsupported_media_type');
  assert.equal((await put(rater.client, sub.id, VTT, 'text/vtt; charset=iso-8859-1')).status, 415);
  r = await put(rater.client, sub.id, '', 'text/vtt');
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'empty_file');
  // Larger than 2 MiB: answered from the headers, before any of the body is read. (Sent as headers
  // only: a client still writing a body the server has refused may see the connection close first.)
  r = await headersOnly(rater.client, 'PUT', `/api/submissions/${sub.id}/transcript`, { 'content-type': 'text/vtt', 'content-length': String(2 * 1024 * 1024 + 1) });
  assert.equal(r.status, 413);
  assert.equal(r.json.error.code, 'too_large');
  // Past a cap inside the file: 413 with the line.
  r = await put(rater.client, sub.id, `WEBVTT\n\n00:01.000 --> 00:02.000\n${'å'.repeat(1001)}\n`);
  assert.equal(r.status, 413);
  assert.equal(r.json.error.message, "line 4: the cue's text is longer than 2000 bytes");
  assert.equal(r.json.error.line, 4);
  // Nothing changed.
  const g = await rater.client.get(`/api/submissions/${sub.id}/transcript`);
  assert.equal(g.json.cue_count, 3);
  assert.equal(sql(`SELECT count(*) FROM transcripts WHERE submission_id = ${sub.id}`), '1');
});

test('who may: assigned raters and the lab import; whoever may watch the recording reads, the session’s therapist too', async () => {
  const assigned = await withTotp(srv, admin, 'rater');
  const stranger = await withTotp(srv, admin, 'rater');
  const otherTherapist = await makeUser(srv, admin, 'therapist');
  const instAdmin = await makeUser(srv, admin, 'institution_admin');
  const sub = await submissionWithRecording(lab);
  // Before anyone is assigned, the lab may import already.
  assert.equal((await put(supervisor.client, sub.id, SRT, 'application/x-subrip')).status, 201);
  const [assignment] = await assign(lab, sub.id, [assigned]);
  assert.equal((await put(assigned.client, sub.id, VTT)).status, 201);

  let r = await put(stranger.client, sub.id, VTT);
  assert.equal(r.status, 403);
  assert.equal(r.json.error.code, 'not_assigned');
  assert.equal((await stranger.client.get(`/api/submissions/${sub.id}/transcript`)).status, 403);
  assert.equal((await stranger.client.del(`/api/submissions/${sub.id}/transcript`)).status, 403);
  const denied = (await admin.get(`/api/audit?action=transcript.&actor=${encodeURIComponent(stranger.email)}`)).json;
  assert.deepEqual(denied.items.map((e) => [e.action, e.outcome]).sort(), [['transcript.delete', 'denied'], ['transcript.import', 'denied'], ['transcript.read', 'denied']]);

  // The therapist recorded the session and may watch it, so may read what was said; not change it.
  r = await lab.therapist.client.get(`/api/submissions/${sub.id}/transcript`);
  assert.equal(r.status, 200);
  assert.equal(r.json.cue_count, 3);
  assert.equal((await put(lab.therapist.client, sub.id, VTT)).status, 403);
  assert.equal((await lab.therapist.client.del(`/api/submissions/${sub.id}/transcript`)).status, 403);
  assert.equal((await otherTherapist.client.get(`/api/submissions/${sub.id}/transcript`)).status, 404);
  assert.equal((await instAdmin.client.get(`/api/submissions/${sub.id}/transcript`)).status, 403);
  assert.equal((await supervisor.client.get(`/api/submissions/${sub.id}/transcript`)).status, 200);
  assert.equal((await admin.get('/api/submissions/999999/transcript')).status, 404);

  // An ended assignment ends the access.
  assert.equal((await admin.post(`/api/assignments/${assignment.id}/end`, { reason: 'Sykmeldt' })).status, 200);
  assert.equal((await assigned.client.get(`/api/submissions/${sub.id}/transcript`)).status, 403);
  assert.equal((await put(assigned.client, sub.id, VTT)).status, 403);
});

test('no transcript before the recording is verified', async () => {
  const d = today;
  const c = (await lab.therapist.client.post('/api/cases', { institution_id: lab.inst.id })).json;
  await lab.therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: d, quality_assurance: true, rater_training: false, research: false });
  const s = (await lab.therapist.client.post('/api/submissions', { case_id: c.id, session_date: d, session_number: 1, modality: 'individual', instrument_id: lab.instrument.id, declared_consent: true, declared_no_identifiers: true })).json;
  const r = await put(admin, s.id, VTT);
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'no_recording');
});

test('withdrawn consent shreds the recording and its transcript in the same transaction, with a receipt', async () => {
  const rater = await withTotp(srv, admin, 'rater');
  const sub = await submissionWithRecording(lab);
  await assign(lab, sub.id, [rater]);
  const first = await put(rater.client, sub.id, SRT, 'application/x-subrip');
  const current = await put(rater.client, sub.id, VTT);
  assert.equal(current.status, 201);
  const w = await lab.therapist.client.post(`/api/cases/${sub.caseId}/consent/withdraw`, { withdrawn_date: today });
  assert.equal(w.status, 200, w.text);
  assert.equal(sql(`SELECT state FROM recordings WHERE id = ${sub.recordingId}`), 'shredded');
  assert.equal(sql(`SELECT count(*) FROM transcripts WHERE submission_id = ${sub.id} AND (sealed IS NOT NULL OR shredded_at IS NULL)`), '0');
  // The shredding of the recording and of its transcript carry the same time: one transaction.
  assert.equal(sql(`SELECT t.shredded_at = r.shredded_at FROM transcripts t JOIN recordings r ON r.submission_id = t.submission_id AND r.kind = 'original' WHERE t.id = ${current.json.id}`), '1');
  const g = await admin.get(`/api/submissions/${sub.id}/transcript`);
  assert.equal(g.status, 404);
  assert.match(g.json.error.message, /destroyed with the recording/);
  const receipts = (await admin.get('/api/audit?action=transcript.shred')).json.items.map((e) => e.object_id);
  assert.ok(receipts.includes(String(current.json.id)) && receipts.includes(String(first.json.id)), JSON.stringify(receipts));
  const again = await put(admin, sub.id, VTT);
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'wrong_state');
});
