// Set-up for bench/vault/run.sh, through kvalab's API only (the sequence of
// tests/api/vault.test.mjs before()): the admin signs in with TOTP, creates an institution with
// a programme, a therapist who is a member, an active agreement with its PDF; the therapist
// gets an API token and N submitted submissions, each ready for one recording.
//
//   node bench/vault/setup.mjs prepare --url URL --admin EMAIL --password PW --totp SECRET --submissions N
//     prints JSON {token, therapist: {email, password}, submissions: [id, ...]}
//   node bench/vault/setup.mjs viewing --url URL --email EMAIL --password PW --recording ID
//     signs the therapist in and starts a viewing; prints JSON {cookie, media_url}
//   node bench/vault/setup.mjs submission --url URL --email EMAIL --password PW
//     one more submitted submission of the therapist's (to poke at a --keep folder); prints {id}
//   node bench/vault/setup.mjs wait --url URL --token TOKEN --recording ID [--timeout S]
//     polls GET /api/recordings/ID until it leaves 'uploading'/'verifying'/'transcoding';
//     prints the recording's JSON and the seconds waited
import { parseArgs } from 'node:util';
import { Client, adminClient, makeUser } from '../../tests/lib/client.mjs';

const { positionals, values: opt } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' }, admin: { type: 'string' }, password: { type: 'string' },
    totp: { type: 'string' }, submissions: { type: 'string', default: '1' },
    email: { type: 'string' }, recording: { type: 'string' }, token: { type: 'string' },
    timeout: { type: 'string', default: '600' },
  },
});

function must(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${r.text}`);
  return r.json;
}

const today = new Date().toISOString().slice(0, 10);

async function newSubmission(t, instId, number) {
  const c = must(await t.post('/api/cases', { institution_id: instId }), 201, 'case');
  must(await t.put(`/api/cases/${c.id}/consent`, { signed_date: today, quality_assurance: true, rater_training: false, research: false }), 200, 'consent');
  const ins = must(await t.get('/api/instruments'), 200, 'instruments').items[0];
  const s = must(await t.post('/api/submissions', {
    case_id: c.id, session_date: today, session_number: number, modality: 'individual', instrument_id: ins.id,
    declared_consent: true, declared_no_identifiers: true,
  }), 201, 'submission');
  must(await t.post(`/api/submissions/${s.id}/submit`, {}), 200, 'submit');
  return s.id;
}

async function prepare() {
  const server = { url: opt.url, admin: { email: opt.admin, password: opt.password, totpSecret: opt.totp } };
  const admin = await adminClient(server);
  let inst = must(await admin.post('/api/institutions', { name: 'Benchmark-klinikken' }), 201, 'institution');
  must(await admin.post(`/api/institutions/${inst.id}/programmes`, { kind: 'mbt_individual', name: 'MBT' }), 201, 'programme');
  inst = must(await admin.get(`/api/institutions/${inst.id}`), 200, 'institution');
  const therapist = await makeUser(server, admin, 'therapist');
  must(await admin.put(`/api/institutions/${inst.id}/members/${therapist.id}`, { programme_ids: [inst.programmes[0].id] }), 200, 'member');
  const ag = must(await admin.post(`/api/institutions/${inst.id}/agreements`, {
    version: '1', signed_date: today, valid_from: today, manager_name: 'M', manager_title: 'Leder',
    manager_level: 'nivå 3', signatory_ids: [therapist.id],
  }), 201, 'agreement');
  const pdf = Buffer.from('%PDF-1.4\n%%EOF\n');
  const doc = await admin.request('PUT', `/api/agreements/${ag.id}/document`, undefined, { raw: pdf, headers: { 'content-type': 'application/pdf' } });
  if (doc.status >= 300) throw new Error(`agreement document: HTTP ${doc.status} ${doc.text}`);
  must(await admin.post(`/api/agreements/${ag.id}/activate`, {}), 200, 'activate');
  const t = therapist.client;
  const token = must(await t.post('/api/tokens', { name: 'vault benchmark' }), 201, 'token').token;
  const subs = [];
  for (let i = 0; i < Number(opt.submissions); i++) subs.push(await newSubmission(t, inst.id, 1 + i));
  return { token, therapist: { email: therapist.email, password: therapist.password }, submissions: subs };
}

async function viewing() {
  const c = new Client(opt.url);
  must(await c.post('/api/session', { email: opt.email, password: opt.password }), 200, 'sign-in');
  const v = must(await c.post(`/api/recordings/${opt.recording}/viewings`, {}), 201, 'viewing');
  return { cookie: c.cookie, media_url: v.media_url };
}

async function submission() {
  const c = new Client(opt.url);
  must(await c.post('/api/session', { email: opt.email, password: opt.password }), 200, 'sign-in');
  const insts = must(await c.get('/api/institutions'), 200, 'institutions');
  const list = insts.items ?? insts;
  return { id: await newSubmission(c, list[0].id, 100 + Math.floor(Math.random() * 900)) };
}

async function wait() {
  const c = new Client(opt.url);
  c.bearer = opt.token;
  const start = Date.now();
  const end = start + Number(opt.timeout) * 1000;
  for (;;) {
    const r = must(await c.get(`/api/recordings/${opt.recording}`), 200, 'recording');
    if (!['uploading', 'verifying', 'transcoding'].includes(r.state)) return { ...r, waited_s: (Date.now() - start) / 1000 };
    if (Date.now() > end) throw new Error(`recording ${opt.recording} still ${r.state} after ${opt.timeout} s`);
    await new Promise((ok) => setTimeout(ok, 250));
  }
}

const commands = { prepare, viewing, submission, wait };
const cmd = commands[positionals[0]];
if (!cmd) {
  console.error('usage: setup.mjs prepare|viewing|submission|wait ...');
  process.exit(2);
}
cmd().then((out) => console.log(JSON.stringify(out)), (e) => { console.error(`setup.mjs: ${e.message}`); process.exit(1); });
