// Issue 4: the recording vault. Real tus uploads (tus-js-client), real media (ffmpeg), real
// encryption on disk, range playback, refusal of non-media, shredding, crashes mid-upload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as tus from 'tus-js-client';
import { startServer, kvalab } from '../lib/server.mjs';
import { Client, adminClient, makeUser, totp } from '../lib/client.mjs';
import { playableMp4, unplayableAvi, speechWav, bytes, sha256, MARKER } from '../lib/media.mjs';

const today = new Date().toISOString().slice(0, 10);
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');
let srv, admin, therapist, token, inst;

before(async () => {
  srv = await startServer({ web: false });
  admin = await adminClient(srv);
  let r = await admin.post('/api/institutions', { name: 'Vault-klinikken' });
  inst = r.json;
  await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' });
  inst = (await admin.get(`/api/institutions/${inst.id}`)).json;
  therapist = await makeUser(srv, admin, 'therapist');
  await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] });
  r = await admin.post(`/api/institutions/${inst.id}/agreements`, {
    version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'Leder', manager_level: 'nivå 3', signatory_ids: [therapist.id],
  });
  await therapist.client.request('PUT', `/api/agreements/${r.json.id}/document`, undefined, { raw: PDF, headers: { 'content-type': 'application/pdf' } }).catch(() => {});
  await admin.request('PUT', `/api/agreements/${r.json.id}/document`, undefined, { raw: PDF, headers: { 'content-type': 'application/pdf' } });
  assert.equal((await admin.post(`/api/agreements/${r.json.id}/activate`, {})).status, 200);
  token = (await therapist.client.post('/api/tokens', { name: 'tests' })).json.token;
});
after(async () => { await srv.stop(); });

// A submitted requisition ready for its recording.
async function submission() {
  const c = (await therapist.client.post('/api/cases', { institution_id: inst.id })).json;
  await therapist.client.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research: false });
  const ins = (await therapist.client.get('/api/instruments')).json.items[0];
  const s = (await therapist.client.post('/api/submissions', {
    case_id: c.id, session_date: today, session_number: 3, modality: 'individual', instrument_id: ins.id,
    declared_consent: true, declared_no_identifiers: true,
  })).json;
  const r = await therapist.client.post(`/api/submissions/${s.id}/submit`, {});
  assert.equal(r.status, 200, r.text);
  return { submission: r.json, case: c };
}

function tusUpload(data, submissionId, { uploadUrl, chunkSize, onProgress, abortAt } = {}) {
  return new Promise((resolve, reject) => {
    // Options left undefined must not be passed at all: tus-js-client would take undefined
    // over its defaults (chunkSize: Infinity).
    const extra = {};
    if (uploadUrl) extra.uploadUrl = uploadUrl;
    if (chunkSize) extra.chunkSize = chunkSize;
    const up = new tus.Upload(data, {
      ...extra,
      endpoint: `${srv.url}/api/uploads`,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { submission_id: String(submissionId), filetype: 'video/mp4' },
      retryDelays: null,
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => {
        onProgress?.(sent, total);
        if (abortAt && sent >= abortAt) { up.abort(); resolve({ aborted: true, url: up.url }); }
      },
      onError: reject,
      onSuccess: () => resolve({ url: up.url }),
    });
    up.start();
  });
}

async function waitFor(fn, what, ms = 60000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function recordingOf(subId) {
  return (await therapist.client.get(`/api/submissions/${subId}`)).json.recording;
}

async function viewing(client, recId) {
  const r = await client.post(`/api/recordings/${recId}/viewings`, {});
  assert.equal(r.status, 201, r.text);
  return r.json.media_url;
}

async function getMedia(client, url, range) {
  const headers = { cookie: client.cookie ?? '' };
  if (client.bearer) headers.authorization = `Bearer ${client.bearer}`;
  if (range) headers.range = range;
  const res = await fetch(srv.url + url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function rawTus(method, path, { headers = {}, body, cutAfter } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url + path);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method,
      headers: { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
    });
    req.on('error', (e) => (cutAfter !== undefined ? resolve({ status: 0, cut: true }) : reject(e)));
    if (body && cutAfter !== undefined) {
      req.write(body.subarray(0, cutAfter), () => setTimeout(() => { req.destroy(); resolve({ status: 0, cut: true }); }, 300));
    } else {
      req.end(body);
    }
  });
}

test('a tus upload with tus-js-client is verified as media and plays back byte for byte with ranges', async () => {
  const { submission: s } = await submission();
  const file = bytes(playableMp4({ seconds: 4 }));
  const done = await tusUpload(file, s.id);
  assert.match(done.url, /\/api\/uploads\/\d+$/);
  const rec = await waitFor(async () => { const r = await recordingOf(s.id); return r?.state === 'ready' && r; }, 'verification');
  assert.equal(rec.video_codec, 'h264');
  assert.equal(rec.audio_codec, 'aac');
  assert.equal(rec.width, 320);
  assert.ok(Math.abs(rec.duration - 4) < 0.2, `duration ${rec.duration}`);
  assert.equal(rec.browser_playable, true);
  const sub = (await therapist.client.get(`/api/submissions/${s.id}`)).json;
  assert.equal(sub.state, 'recording_ready');
  assert.equal((await therapist.client.get(`/api/recordings/${rec.id}`)).json.sha256, sha256(file));

  const url = await viewing(admin, rec.id);
  const whole = await getMedia(admin, url);
  assert.equal(whole.status, 200);
  assert.equal(whole.headers.get('accept-ranges'), 'bytes');
  assert.equal(whole.headers.get('content-type'), 'video/mp4');
  assert.equal(whole.headers.get('content-disposition'), 'inline');
  assert.equal(sha256(whole.body), sha256(file));
  for (const [a, b] of [[0, 0], [100, 262243], [file.length - 1000, file.length - 1], [1048570, 1048600]]) {
    if (b >= file.length) continue;
    const part = await getMedia(admin, url, `bytes=${a}-${b}`);
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes ${a}-${b}/${file.length}`);
    assert.equal(Number(part.headers.get('content-length')), b - a + 1);
    assert.deepEqual(part.body, file.subarray(a, b + 1));
  }
  const tail = await getMedia(admin, url, 'bytes=-500');
  assert.deepEqual(tail.body, file.subarray(file.length - 500));
  const past = await getMedia(admin, url, `bytes=${file.length}-`);
  assert.equal(past.status, 416);
  assert.equal(past.headers.get('content-range'), `bytes */${file.length}`);
  // One audit row per viewing, not per range request.
  const views = await admin.get(`/api/audit?action=recording.view&object_id=${rec.id}`);
  assert.equal(views.json.total, 1);
  // A media request without a viewing is refused.
  assert.equal((await getMedia(admin, `/api/recordings/${rec.id}/media`)).status, 403);
  assert.equal((await getMedia(therapist.client, url)).status, 403);
});

test('the files on disk hold no plaintext: the marker inside the recording is nowhere', async () => {
  const dir = join(srv.data, 'recordings');
  const files = readdirSync(dir);
  assert.ok(files.length > 0);
  for (const f of files) assert.ok(!readFileSync(join(dir, f)).includes(MARKER), `${f} holds plaintext`);
  assert.ok(!readFileSync(join(srv.data, 'kvalab.db')).includes(MARKER));
  assert.ok(bytes(playableMp4({ seconds: 4 })).includes(MARKER), 'the test file itself carries the marker');
});

test('an upload cut off half way resumes from the server\'s offset and ends with the right bytes', async () => {
  const { submission: s } = await submission();
  const file = bytes(playableMp4({ seconds: 12, size: '640x480', bitrate: '2500k' }));
  assert.ok(file.length > 3 * 1048576, `test file is ${file.length} bytes`);
  const create = await rawTus('POST', '/api/uploads', { headers: { 'Upload-Length': String(file.length), 'Upload-Metadata': `submission_id ${Buffer.from(String(s.id)).toString('base64')}` } });
  assert.equal(create.status, 201);
  const path = create.headers.location;
  // Send 60% of the file and cut the connection.
  await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Content-Length': String(file.length) }, body: file, cutAfter: Math.floor(file.length * 0.6) });
  const head = await waitFor(async () => { const h = await rawTus('HEAD', path); return Number(h.headers['upload-offset']) > 0 && h; }, 'a durable offset');
  const offset = Number(head.headers['upload-offset']);
  assert.equal(offset % 65536, 0, 'resumes from a whole 64 KiB chunk');
  assert.ok(offset <= file.length * 0.6);
  const wrong = await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset + 1) }, body: file.subarray(offset + 1, offset + 101) });
  assert.equal(wrong.status, 409);
  const done = await tusUpload(file, s.id, { uploadUrl: srv.url + path });
  assert.equal(done.url, srv.url + path);
  const rec = await waitFor(async () => { const r = await recordingOf(s.id); return r?.state === 'ready' && r; }, 'verification');
  assert.equal((await therapist.client.get(`/api/recordings/${rec.id}`)).json.sha256, sha256(file));
  const media = await getMedia(admin, await viewing(admin, rec.id));
  assert.equal(sha256(media.body), sha256(file));
});

test('protocol errors: wrong version 412, wrong offset 409, checksum mismatch 460, oversize 413, wrong type 415', async () => {
  const { submission: s } = await submission();
  const meta = `submission_id ${Buffer.from(String(s.id)).toString('base64')}`;
  const v = await rawTus('POST', '/api/uploads', { headers: { 'Tus-Resumable': '0.2.2', 'Upload-Length': '10', 'Upload-Metadata': meta } });
  assert.equal(v.status, 412);
  assert.equal(v.headers['tus-version'], '1.0.0');
  const big = await rawTus('POST', '/api/uploads', { headers: { 'Upload-Length': String(9 * 1024 ** 3), 'Upload-Metadata': meta } });
  assert.equal(big.status, 413);
  const opt = await rawTus('OPTIONS', '/api/uploads');
  assert.equal(opt.status, 204);
  assert.match(opt.headers['tus-extension'], /creation-with-upload/);
  assert.equal(opt.headers['tus-checksum-algorithm'], 'sha256');
  const data = Buffer.alloc(2 * 1048576 + 10, 7);
  const c = await rawTus('POST', '/api/uploads', { headers: { 'Upload-Length': String(data.length), 'Upload-Metadata': meta } });
  const path = c.headers.location;
  assert.equal(c.headers['upload-offset'], '0');
  assert.ok(c.headers['upload-expires']);
  // Refusals that come before the body is read: small bodies, since the server closes early.
  const t = await rawTus('PATCH', path, { headers: { 'Content-Type': 'text/plain', 'Upload-Offset': '0' }, body: data.subarray(0, 100) });
  assert.equal(t.status, 415);
  const badSum = Buffer.from('0'.repeat(32)).toString('base64');
  const cs = await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Upload-Checksum': `sha256 ${badSum}` }, body: data.subarray(0, 1048576) });
  assert.equal(cs.status, 460);
  const head = await rawTus('HEAD', path);
  assert.equal(head.headers['upload-offset'], '0', 'the chunk with a bad checksum was discarded');
  const good = (await import('node:crypto')).createHash('sha256').update(data.subarray(0, 1048576)).digest('base64');
  const ok = await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Upload-Checksum': `sha256 ${good}` }, body: data.subarray(0, 1048576) });
  assert.equal(ok.status, 204);
  assert.equal(ok.headers['upload-offset'], '1048576');
  const off = await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' }, body: data.subarray(0, 100) });
  assert.equal(off.status, 409);
  const over = await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '1048576' }, body: Buffer.alloc(2 * 1048576) });
  assert.equal(over.status, 400);
  const del = await rawTus('DELETE', path);
  assert.equal(del.status, 204);
  assert.equal((await rawTus('HEAD', path)).status, 410);
});

test('a text file renamed .mp4 is refused with a clear message and destroyed', async () => {
  const { submission: s } = await submission();
  const fake = Buffer.from(`This is not a video.\n${MARKER}\n`.repeat(2000));
  await tusUpload(fake, s.id);
  const rec = await waitFor(async () => { const r = await recordingOf(s.id); return r?.state === 'refused' && r; }, 'refusal');
  assert.match(rec.error, /not audio or video/);
  assert.ok(rec.shredded_at);
  assert.equal((await therapist.client.get(`/api/submissions/${s.id}`)).json.state, 'submitted');
  assert.ok(!existsSync(join(srv.data, 'recordings', `${rec.id}.enc`)));
  // The therapist can try again with a real recording.
  await tusUpload(bytes(playableMp4({ seconds: 2 })), s.id);
  await waitFor(async () => (await recordingOf(s.id))?.state === 'ready', 'the second upload');
});

test('a recording browsers cannot play gets a transcoded playable copy; audio-only works too', async () => {
  const { submission: s } = await submission();
  await tusUpload(bytes(unplayableAvi({ seconds: 3 })), s.id);
  const rec = await waitFor(async () => { const r = await recordingOf(s.id); return r?.state === 'ready' && r; }, 'transcoding', 120000);
  assert.equal(rec.browser_playable, false);
  assert.equal(rec.playable, true);
  const media = await getMedia(admin, await viewing(admin, rec.id));
  assert.equal(media.headers.get('content-type'), 'video/mp4');
  // The test's own decrypted download may go to disk; ffprobe reads a file to find the index.
  const out = join(srv.data, '..', 'transcoded.mp4');
  writeFileSync(out, media.body);
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', out]).toString());
  assert.ok(probe.streams.some((x) => x.codec_name === 'h264'));
  assert.ok(Math.abs(Number(probe.format.duration) - 3) < 0.3);

  const { submission: a } = await submission();
  await tusUpload(bytes(speechWav()), a.id);
  const audio = await waitFor(async () => { const r = await recordingOf(a.id); return r?.state === 'ready' && r; }, 'audio transcoding', 120000);
  assert.equal(audio.video_codec, null);
  const am = await getMedia(admin, await viewing(admin, audio.id));
  assert.equal(am.headers.get('content-type'), 'audio/mp4');
});

test('only the owning therapist, supervisors, lab admins and assigned raters may play; others get 403/404', async () => {
  const { submission: s } = await submission();
  await tusUpload(bytes(playableMp4({ seconds: 2 })), s.id);
  const rec = await waitFor(async () => { const r = await recordingOf(s.id); return r?.state === 'ready' && r; }, 'verification');
  const rater = await makeUser(srv, admin, 'rater');
  const e = await rater.client.post('/api/me/totp', {});
  await rater.client.post('/api/me/totp/confirm', { code: totp(e.json.secret) });
  const denied = await rater.client.post(`/api/recordings/${rec.id}/viewings`, {});
  assert.equal(denied.status, 403);
  assert.equal(denied.json.error.code, 'not_assigned');
  const other = await makeUser(srv, admin, 'therapist');
  assert.equal((await other.client.post(`/api/recordings/${rec.id}/viewings`, {})).status, 404);
  const researcher = await makeUser(srv, admin, 'researcher');
  assert.equal((await researcher.client.get(`/api/recordings/${rec.id}`)).status, 403);
  assert.equal((await therapist.client.post(`/api/recordings/${rec.id}/viewings`, {})).status, 201);
});

test('withdrawing consent shreds at once: the key is gone, the file is gone, nothing plays', async () => {
  const { submission: s, case: c } = await submission();
  await tusUpload(bytes(playableMp4({ seconds: 2 })), s.id);
  const rec = await waitFor(async () => { const r = await recordingOf(s.id); return r?.state === 'ready' && r; }, 'verification');
  const url = await viewing(admin, rec.id);
  assert.equal((await getMedia(admin, url)).status, 200);
  const w = await therapist.client.post(`/api/cases/${c.id}/consent/withdraw`, { withdrawn_date: today });
  assert.equal(w.status, 200);
  const after = (await admin.get(`/api/recordings/${rec.id}`)).json;
  assert.equal(after.state, 'shredded');
  assert.match(after.shred_reason, /consent withdrawn/);
  const key = execFileSync('sqlite3', [join(srv.data, 'kvalab.db'), `SELECT wrapped_key IS NULL FROM recordings WHERE id = ${rec.id}`]).toString().trim();
  assert.equal(key, '1');
  assert.ok(!existsSync(join(srv.data, 'recordings', `${rec.id}.enc`)));
  const again = await getMedia(admin, url);
  assert.notEqual(again.status, 200);
  assert.equal((await admin.post(`/api/recordings/${rec.id}/viewings`, {})).status, 409);
  const receipt = await admin.get(`/api/audit?action=recording.shred&object_id=${rec.id}`);
  assert.equal(receipt.json.total, 1);
  assert.match(receipt.json.items[0].detail, /consent withdrawn/);
});

test('kvalab retention run lists with --dry-run, then destroys expired unfinished uploads', async () => {
  const { submission: s } = await submission();
  const meta = `submission_id ${Buffer.from(String(s.id)).toString('base64')}`;
  const c = await rawTus('POST', '/api/uploads', { headers: { 'Upload-Length': '5000000', 'Upload-Metadata': meta } });
  const id = Number(c.headers.location.split('/').pop());
  execFileSync('sqlite3', [join(srv.data, 'kvalab.db'), `UPDATE recordings SET expires_at = 1 WHERE id = ${id}`]);
  let r = kvalab(['retention', 'run', '--data', srv.data, '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`would destroy recording ${id} of submission ${s.id}: upload expired unfinished`));
  assert.equal((await admin.get(`/api/recordings/${id}`)).json.state, 'uploading');
  r = kvalab(['retention', 'run', '--data', srv.data]);
  assert.match(r.stdout, new RegExp(`destroyed recording ${id}`));
  assert.equal((await admin.get(`/api/recordings/${id}`)).json.state, 'shredded');
  assert.equal((await rawTus('HEAD', c.headers.location)).status, 410);
});

test('kill -9 during an upload and during a transcode: the upload resumes and the job finishes', async () => {
  const { submission: s } = await submission();
  const file = bytes(playableMp4({ seconds: 12, size: '640x480', bitrate: '2500k' }));
  const meta = `submission_id ${Buffer.from(String(s.id)).toString('base64')}`;
  const c = await rawTus('POST', '/api/uploads', { headers: { 'Upload-Length': String(file.length), 'Upload-Metadata': meta } });
  const path = c.headers.location;
  for (const fraction of [0.3, 0.7]) {
    const head = await rawTus('HEAD', path);
    const from = Number(head.headers['upload-offset']);
    const cut = Math.floor(file.length * fraction) - from;
    const sending = rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(from), 'Content-Length': String(file.length - from) }, body: file.subarray(from), cutAfter: cut });
    await new Promise((r) => setTimeout(r, 150));
    await srv.crashAndRestart();
    await sending;
  }
  const done = await tusUpload(file, s.id, { uploadUrl: srv.url + path });
  assert.ok(done.url);
  const rec = await waitFor(async () => { const r = await recordingOf(s.id); return r?.state === 'ready' && r; }, 'verification after crashes');
  assert.equal((await therapist.client.get(`/api/recordings/${rec.id}`)).json.sha256, sha256(file));

  const { submission: t } = await submission();
  await tusUpload(bytes(unplayableAvi({ seconds: 30, size: '640x480' })), t.id);
  await waitFor(async () => { const r = await recordingOf(t.id); return r?.state === 'transcoding' && r.job_progress > 0.05; }, 'transcoding to be under way');
  await srv.crashAndRestart();
  const fixed = await waitFor(async () => { const r = await recordingOf(t.id); return r?.state === 'ready' && r; }, 'transcoding after a crash', 120000);
  assert.equal(fixed.playable, true);
  const media = await getMedia(admin, await viewing(admin, fixed.id));
  assert.equal(media.status, 200);
  for (const f of readdirSync(join(srv.data, 'recordings'))) assert.ok(!readFileSync(join(srv.data, 'recordings', f)).includes(MARKER));
  assert.equal(kvalab(['check', '--data', srv.data]).status, 0);
});

test('a stalled request (connection open, no bytes) does not lock the upload: the next request takes over', async () => {
  const { submission: s } = await submission();
  const meta = `submission_id ${Buffer.from(String(s.id)).toString('base64')}`;
  const c = await rawTus('POST', '/api/uploads', { headers: { 'Upload-Length': '500000', 'Upload-Metadata': meta } });
  const path = c.headers.location;
  const u = new URL(srv.url + path);
  // A client that paused: the request stays open and sends nothing more.
  const stalled = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'PATCH', headers: {
    'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}`, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Content-Length': '500000' } });
  stalled.on('error', () => {});
  stalled.write(Buffer.alloc(1000, 1));
  await new Promise((r) => setTimeout(r, 500));
  const busy = await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' }, body: Buffer.alloc(10) });
  assert.equal(busy.status, 409);
  await new Promise((r) => setTimeout(r, 4500));
  const taken = await rawTus('PATCH', path, { headers: { 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' }, body: Buffer.alloc(10) });
  assert.equal(taken.status, 204);
  stalled.destroy();
});
