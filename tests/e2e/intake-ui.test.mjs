// The intake screens against an in-memory stand-in for the intake API (institutions, agreements,
// patient cases, consent, submissions), which follows the contract of issue 3: every screen of each
// role with axe-core, the error paths (an incomplete agreement, a refused requisition with a link to
// fix it, a fødselsnummer in free text, a withdrawn consent), resuming a draft after a reload, the
// three languages and a phone-width screen. Needs only web/dist and Chromium, not the C server.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, assertAccessible, createMockApi, launchBrowser, serveWeb } from '../lib/browser.mjs';
import { freshTotp } from '../lib/totp.mjs';

const SHOTS = process.env.KV_SHOTS ? join(ROOT, process.env.KV_SHOTS) : null;
if (SHOTS) mkdirSync(SHOTS, { recursive: true });
async function shot(page, name) {
	if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// ---- The stand-in for the intake API ----

const day = () => new Date().toISOString().slice(0, 10);

// Norwegian fødselsnummer (and D-number): two mod-11 check digits over a plausible date.
function validFnr(d) {
	if (!/^\d{11}$/.test(d)) return false;
	const n = [...d].map(Number);
	const dd = n[0] * 10 + n[1] - (n[0] >= 4 ? 40 : 0);
	const mm = n[2] * 10 + n[3];
	if (dd < 1 || dd > 31 || mm < 1 || mm > 12) return false;
	const w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
	const w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
	let k1 = 11 - (w1.reduce((s, w, i) => s + w * n[i], 0) % 11);
	if (k1 === 11) k1 = 0;
	let k2 = 11 - (w2.reduce((s, w, i) => s + w * n[i], 0) % 11);
	if (k2 === 11) k2 = 0;
	return k1 < 10 && k2 < 10 && k1 === n[9] && k2 === n[10];
}

function idNumberIn(text) {
	for (const m of String(text).matchAll(/\d[\d ]{9,13}\d/g)) {
		const digits = m[0].replace(/ /g, '');
		if (validFnr(digits)) return 'contains what is a valid Norwegian national identity number (fødselsnummer or D-number); kvalab must not hold patient identities, so remove it';
	}
	return null;
}

function validNoOrg(d) {
	if (!/^\d{9}$/.test(d)) return false;
	const w = [3, 2, 7, 6, 5, 4, 3, 2];
	let k = 11 - (w.reduce((s, x, i) => s + x * Number(d[i]), 0) % 11);
	if (k === 11) k = 0;
	return k < 10 && k === Number(d[8]);
}

const STATES = ['draft', 'submitted', 'recording_ready', 'assigned', 'rated', 'consensus', 'approved', 'feedback_published', 'closed', 'withdrawn'];
const NEXT = { draft: 'complete_requisition', submitted: 'upload_recording', recording_ready: 'assign_raters', assigned: 'rating', rated: 'consensus', consensus: 'approval', approved: 'feedback', feedback_published: 'meeting', closed: 'none', withdrawn: 'none' };

export function createIntake() {
	let seq = 100;
	const institutions = new Map();
	const members = new Map(); // institution id -> Map(user id -> {programme_ids, created_at})
	const agreements = new Map();
	const cases = new Map();
	const submissions = new Map();
	const instruments = [{ id: 1, code: 'mbt-i-acs', version: '1.0', name: 'MBT adherence and quality scale (individual)', kind: 'fidelity' }];
	const ts = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

	function instOf(id) { return institutions.get(id); }
	function agreementJson(a, users) {
		return { ...a, signatories: a.signatory_ids.map((id) => ({ user_id: id, email: users.get(id)?.email ?? '', display_name: users.get(id)?.display_name ?? '', signed_date: a.signed_date })) };
	}
	function caseJson(c) {
		return { ...c, institution_name: instOf(c.institution_id).name, submission_count: [...submissions.values()].filter((s) => s.case_id === c.id).length };
	}
	function subJson(s, users, withHistory) {
		const c = cases.get(s.case_id);
		const u = users.get(s.therapist_id);
		const waiting = Math.floor((Date.now() - Date.parse(s.state_changed_at)) / 864e5);
		const out = { ...s, next_step: NEXT[s.state], therapist_email: u.email, therapist_name: u.display_name, institution_id: c.institution_id,
			institution_name: instOf(c.institution_id).name, case_code: c.code, instrument_name: instruments.find((i) => i.id === s.instrument_id)?.name ?? null, waiting_days: waiting };
		if (!withHistory) delete out.history;
		return out;
	}
	function activeAgreement(instId) {
		return [...agreements.values()].find((a) => a.institution_id === instId && a.status === 'active');
	}
	function move(s, to, actor, event) {
		s.history.push({ at: ts(), event, from_state: s.state, to_state: to, actor_email: actor?.email ?? null });
		s.state = to;
		s.state_changed_at = ts();
		s.updated_at = ts();
	}
	// Refuses identity numbers in the named free-text fields, as the server does for every one.
	function refuseIds(json, fields, fail) {
		const bad = {};
		for (const f of fields) if (typeof json[f] === 'string') { const m = idNumberIn(json[f]); if (m) bad[f] = m; }
		if (Object.keys(bad).length) { fail(422, 'identity_number', 'free text must not contain national identity numbers', bad); return true; }
		return false;
	}

	const handler = async ({ method, path, json, body, url, me, send, fail, users }) => {
		const seg = path.split('/').filter(Boolean);
		const id = Number(seg[1]);
		const lab = me.role === 'lab_admin';
		const readAll = lab || me.role === 'supervisor';
		const memberOf = (instId, uid = me.id) => members.get(instId)?.has(uid) ?? false;
		const myInsts = () => [...institutions.values()].filter((i) => readAll || (me.role === 'institution_admin' ? me.institution_id === i.id : memberOf(i.id)));

		if (seg[0] === 'instruments' && method === 'GET') return send(200, { items: instruments }), true;

		if (seg[0] === 'institutions') {
			if (seg.length === 1 && method === 'GET') return send(200, { items: myInsts() }), true;
			if (seg.length === 1 && method === 'POST') {
				if (!lab) return fail(403, 'forbidden', 'lab admins only'), true;
				const fields = {};
				if (!String(json.name ?? '').trim()) fields.name = 'is required';
				if (json.org_number && json.country === 'NO' && !validNoOrg(json.org_number)) fields.org_number = 'is not a valid Norwegian organisation number (9 digits, mod 11)';
				if (Object.keys(fields).length) return fail(400, 'bad_request', 'bad input', fields), true;
				if (refuseIds(json, ['name', 'address', 'contact_name'], fail)) return true;
				if ([...institutions.values()].some((i) => i.name === json.name.trim())) return fail(409, 'name_taken', 'an institution with this name exists', { name: 'is taken' }), true;
				const inst = { id: ++seq, name: json.name.trim(), org_number: json.org_number ?? null, country: json.country ?? null, address: json.address ?? null, contact_name: json.contact_name ?? null,
					contact_email: json.contact_email ?? null, contact_phone: json.contact_phone ?? null, retention_days: json.retention_days ?? 30, keep_ratings_for_research: !!json.keep_ratings_for_research, created_at: ts(), programmes: [] };
				institutions.set(inst.id, inst);
				members.set(inst.id, new Map());
				return send(201, inst), true;
			}
			const inst = institutions.get(id);
			if (!inst || !myInsts().includes(inst)) return fail(404, 'not_found', 'no such institution'), true;
			if (seg.length === 2 && method === 'GET') return send(200, inst), true;
			if (seg.length === 2 && method === 'PATCH') {
				if (!lab) return fail(403, 'forbidden', 'lab admins only'), true;
				if (json.org_number && (json.country ?? inst.country) === 'NO' && !validNoOrg(json.org_number)) return fail(400, 'bad_request', 'bad input', { org_number: 'is not a valid Norwegian organisation number (9 digits, mod 11)' }), true;
				Object.assign(inst, json);
				return send(200, inst), true;
			}
			if (seg[2] === 'programmes' && method === 'POST') {
				if (!String(json.name ?? '').trim()) return fail(400, 'bad_request', 'bad input', { name: 'is required' }), true;
				inst.programmes.push({ id: ++seq, kind: json.kind, name: json.name });
				return send(201, inst), true;
			}
			if (seg[2] === 'members') {
				if (!lab) return fail(403, 'forbidden', 'lab admins only'), true;
				const list = () => ({ items: [...members.get(inst.id).entries()].map(([uid, m]) => { const u = users.get(uid); return { user_id: uid, email: u.email, display_name: u.display_name, role: u.role, created_at: m.created_at, programme_ids: m.programme_ids }; }) });
				if (seg.length === 3 && method === 'GET') return send(200, list()), true;
				const uid = Number(seg[3]);
				const u = users.get(uid);
				if (!u) return fail(404, 'not_found', 'no such user'), true;
				if (method === 'PUT') {
					if (u.role !== 'therapist') return fail(422, 'not_a_therapist', 'only therapists can be members'), true;
					const prev = members.get(inst.id).get(uid);
					members.get(inst.id).set(uid, { programme_ids: json.programme_ids ?? [], created_at: prev?.created_at ?? ts() });
					return send(200, list()), true;
				}
				if (method === 'DELETE') { members.get(inst.id).delete(uid); return send(204), true; }
			}
			if (seg[2] === 'agreements') {
				if (method === 'GET') {
					if (!(readAll || (me.role === 'institution_admin' && me.institution_id === inst.id))) return fail(403, 'forbidden', 'no'), true;
					return send(200, { items: [...agreements.values()].filter((a) => a.institution_id === inst.id).map((a) => agreementJson(a, users)) }), true;
				}
				if (method === 'POST') {
					if (!lab) return fail(403, 'forbidden', 'lab admins only'), true;
					if (!String(json.version ?? '').trim()) return fail(400, 'bad_request', 'bad input', { version: 'is required' }), true;
					if (refuseIds(json, ['version', 'manager_name', 'manager_title', 'manager_level'], fail)) return true;
					const a = { id: ++seq, institution_id: inst.id, version: json.version, signed_date: json.signed_date ?? null, valid_from: json.valid_from ?? null, valid_until: json.valid_until ?? null,
						status: 'draft', manager_name: json.manager_name ?? null, manager_title: json.manager_title ?? null, manager_level: json.manager_level ?? null, has_document: false,
						created_at: ts(), activated_at: null, ended_at: null, termination_reason: null, signatory_ids: json.signatory_ids ?? [] };
					agreements.set(a.id, a);
					return send(201, agreementJson(a, users)), true;
				}
			}
		}

		if (seg[0] === 'agreements') {
			const a = agreements.get(id);
			if (!a) return fail(404, 'not_found', 'no such agreement'), true;
			if (seg.length === 2 && method === 'GET') return send(200, agreementJson(a, users)), true;
			if (!lab) return fail(403, 'forbidden', 'lab admins only'), true;
			if (seg.length === 2 && method === 'PATCH') {
				if (a.status !== 'draft') return fail(409, 'conflict', 'only a draft can be changed'), true;
				if (refuseIds(json, ['version', 'manager_name', 'manager_title', 'manager_level'], fail)) return true;
				for (const k of ['version', 'signed_date', 'valid_from', 'valid_until', 'manager_name', 'manager_title', 'manager_level', 'signatory_ids']) if (k in json) a[k] = json[k];
				return send(200, agreementJson(a, users)), true;
			}
			if (seg[2] === 'document' && method === 'PUT') {
				if (a.status !== 'draft') return fail(409, 'conflict', 'only a draft can be changed'), true;
				if (!body.startsWith('%PDF-')) return fail(422, 'not_a_pdf', 'the document must be a PDF'), true;
				a.has_document = true;
				return send(200, agreementJson(a, users)), true;
			}
			if (seg[2] === 'activate' && method === 'POST') {
				if (a.status !== 'draft') return fail(409, 'conflict', 'only a draft can be activated'), true;
				const missing = {};
				for (const k of ['signed_date', 'valid_from', 'manager_name', 'manager_title', 'manager_level']) if (!a[k]) missing[k] = 'is missing';
				if (!a.has_document) missing.document = 'the signed PDF is missing';
				if (!a.signatory_ids.length) missing.signatory_ids = 'no therapist has signed';
				if (Object.keys(missing).length) return fail(422, 'agreement_incomplete', 'the agreement is incomplete', missing), true;
				for (const b of agreements.values()) if (b.institution_id === a.institution_id && b.status === 'active') { b.status = 'superseded'; b.ended_at = ts(); }
				a.status = 'active';
				a.activated_at = ts();
				return send(200, agreementJson(a, users)), true;
			}
			if (seg[2] === 'terminate' && method === 'POST') {
				if (!['active', 'expired'].includes(a.status)) return fail(409, 'conflict', 'only an agreement in force can be terminated'), true;
				if (!String(json.reason ?? '').trim()) return fail(400, 'bad_request', 'bad input', { reason: 'is required' }), true;
				a.status = 'terminated';
				a.ended_at = ts();
				a.termination_reason = json.reason;
				return send(200, agreementJson(a, users)), true;
			}
		}

		if (seg[0] === 'cases') {
			if (me.role !== 'therapist') return fail(403, 'forbidden', 'therapists only'), true;
			if (seg.length === 1 && method === 'GET') {
				const inst = Number(url.searchParams.get('institution_id') ?? 0);
				return send(200, { items: [...cases.values()].filter((c) => c.therapist_id === me.id && (!inst || c.institution_id === inst)).map(caseJson) }), true;
			}
			if (seg.length === 1 && method === 'POST') {
				if (!memberOf(json.institution_id)) return fail(422, 'not_a_member', 'you do not belong to this institution'), true;
				const c = { id: ++seq, code: `P-${Math.random().toString(36).slice(2, 6).toUpperCase()}-${Math.random().toString(36).slice(2, 4).toUpperCase()}`, institution_id: json.institution_id,
					therapist_id: me.id, age_band: json.age_band ?? null, gender: json.gender ?? null, created_at: ts(), consent: null };
				cases.set(c.id, c);
				return send(201, caseJson(c)), true;
			}
			const c = cases.get(id);
			if (!c || c.therapist_id !== me.id) return fail(404, 'not_found', 'no such case'), true;
			if (seg.length === 2 && method === 'GET') return send(200, caseJson(c)), true;
			if (seg[2] === 'consent' && seg.length === 3 && method === 'PUT') {
				if (c.consent?.withdrawn_date) return fail(409, 'consent_withdrawn', 'consent was withdrawn'), true;
				c.consent = { signed_date: json.signed_date, quality_assurance: !!json.quality_assurance, rater_training: !!json.rater_training, research: !!json.research,
					has_form: c.consent?.has_form ?? false, declared_at: ts(), withdrawn_date: null, withdrawn_at: null };
				return send(200, caseJson(c)), true;
			}
			if (seg[3] === 'form' && method === 'PUT') {
				if (!c.consent) return fail(409, 'conflict', 'declare consent first'), true;
				c.consent.has_form = true;
				return send(200, caseJson(c)), true;
			}
			if (seg[3] === 'withdraw' && method === 'POST') {
				if (refuseIds(json, ['note'], fail)) return true;
				if (!c.consent) return fail(409, 'conflict', 'no consent'), true;
				c.consent.withdrawn_date = json.withdrawn_date;
				c.consent.withdrawn_at = ts();
				for (const s of submissions.values()) if (s.case_id === c.id && s.state !== 'withdrawn') move(s, 'withdrawn', me, 'withdraw');
				return send(200, caseJson(c)), true;
			}
		}

		if (seg[0] === 'submissions') {
			const visible = (s) => readAll || s.therapist_id === me.id;
			if (seg[1] === 'counts' && method === 'GET') {
				const inst = Number(url.searchParams.get('institution_id') ?? 0);
				if (me.role === 'institution_admin' && inst !== me.institution_id) return fail(403, 'forbidden', 'not your institution'), true;
				if (!readAll && me.role !== 'institution_admin') return fail(403, 'forbidden', 'no'), true;
				const counts = {};
				let total = 0;
				for (const s of submissions.values()) if (!inst || cases.get(s.case_id).institution_id === inst) { counts[s.state] = (counts[s.state] ?? 0) + 1; total++; }
				return send(200, { institution_id: inst || null, counts, total }), true;
			}
			if (seg.length === 1 && method === 'GET') {
				const p = url.searchParams;
				let items = [...submissions.values()].filter(visible).map((s) => subJson(s, users, false));
				for (const k of ['institution_id', 'therapist_id', 'case_id']) if (p.get(k)) items = items.filter((s) => String(s[k]) === p.get(k));
				const counts = {};
				for (const s of items) counts[s.state] = (counts[s.state] ?? 0) + 1;
				if (p.get('state')) items = items.filter((s) => s.state === p.get('state'));
				return send(200, { items, counts }), true;
			}
			if (seg.length === 1 && method === 'POST') {
				if (me.role !== 'therapist') return fail(403, 'forbidden', 'therapists only'), true;
				const c = cases.get(json.case_id);
				if (!c || c.therapist_id !== me.id) return fail(400, 'bad_request', 'bad input', { case_id: 'no such case' }), true;
				if (refuseIds(json, ['questions'], fail)) return true;
				const s = { id: ++seq, state: 'draft', therapist_id: me.id, case_id: c.id, session_date: null, session_number: null, treatment_phase: null, modality: null, instrument_id: null,
					questions: null, declared_consent: false, declared_no_identifiers: false, created_at: ts(), updated_at: ts(), submitted_at: null, state_changed_at: ts(), history: [] };
				Object.assign(s, json);
				submissions.set(s.id, s);
				s.history.push({ at: ts(), event: 'create', from_state: null, to_state: 'draft', actor_email: me.email });
				return send(201, subJson(s, users, true)), true;
			}
			const s = submissions.get(id);
			if (!s || !visible(s)) return fail(404, 'not_found', 'no such submission'), true;
			if (seg.length === 2 && method === 'GET') return send(200, subJson(s, users, true)), true;
			if (s.therapist_id !== me.id) return fail(403, 'forbidden', 'not yours'), true;
			if (seg.length === 2 && method === 'PATCH') {
				if (s.state !== 'draft') return fail(409, 'conflict', 'only a draft can be changed'), true;
				if (refuseIds(json, ['questions'], fail)) return true;
				for (const k of ['case_id', 'session_date', 'session_number', 'treatment_phase', 'modality', 'instrument_id', 'questions', 'declared_consent', 'declared_no_identifiers']) if (k in json) s[k] = json[k];
				s.updated_at = ts();
				return send(200, subJson(s, users, true)), true;
			}
			if (seg.length === 2 && method === 'DELETE') {
				if (s.state !== 'draft') return fail(409, 'conflict', 'only a draft can be deleted'), true;
				submissions.delete(s.id);
				return send(204), true;
			}
			if (seg[2] === 'submit' && method === 'POST') {
				if (s.state !== 'draft') return fail(409, 'conflict', 'already submitted'), true;
				const c = cases.get(s.case_id);
				const a = activeAgreement(c.institution_id);
				let why = null;
				if (!a) why = 'the institution has no active data processing agreement with the lab; ask the lab admin to activate one';
				else if (!a.signatory_ids.includes(me.id)) why = "you have not signed the institution's active data processing agreement; ask the lab admin to add you as a signatory";
				else if (!c.consent) why = "no consent is declared for this patient case; declare the patient's written consent first";
				else if (c.consent.withdrawn_date) why = 'the patient has withdrawn consent for this case';
				else if (!c.consent.quality_assurance) why = "the patient's consent does not cover quality assurance";
				else if (!s.session_date || !s.session_number || !s.modality || !s.instrument_id) why = 'the session date, session number, modality and instrument must be filled in';
				else if (!s.declared_consent) why = 'declare that the patient signed written consent before the recording';
				else if (!s.declared_no_identifiers) why = 'declare that the recording contains no full names or identity numbers';
				if (why) return fail(422, 'cannot_submit', why), true;
				move(s, 'submitted', me, 'submit');
				s.submitted_at = ts();
				return send(200, subJson(s, users, true)), true;
			}
		}
		return false;
	};

	return {
		handler, institutions, agreements, cases, submissions, members,
		// Puts a submission into a later state directly, with its state change `daysAgo` days back.
		age(subId, state, daysAgo) {
			const s = submissions.get(subId);
			s.state = state;
			s.state_changed_at = new Date(Date.now() - daysAgo * 864e5).toISOString().replace(/\.\d{3}Z$/, 'Z');
		},
	};
}

// ---- Helpers for driving the screens ----

const PDF = '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

async function signIn(page, url, email, password) {
	await page.goto(`${url}/`);
	await page.locator('#login-email').fill(email);
	await page.locator('#login-password').fill(password);
	await page.locator('#login-password').press('Enter');
	await page.locator('nav.app-nav').waitFor();
}

async function signOut(page) {
	await page.getByRole('button', { name: /Sign out|Logg ut|Log ud/ }).click();
	await page.locator('#login-email').waitFor();
}

async function nav(page, name) {
	await page.locator('nav.app-nav').getByRole('link', { name, exact: true }).click();
	await page.getByRole('heading', { level: 1 }).first().waitFor();
}

async function loaded(page) {
	await page.locator('.loading').first().waitFor({ state: 'detached' });
}

describe('intake screens against the stand-in API', () => {
	let mock;
	let intake;
	let web;
	let browser;
	let page;
	const THERAPIST = { email: 'tora@klinikk.example', password: 'calm north river 2026' };
	const SECOND = { email: 'per@klinikk.example', password: 'slow east river 2026' };
	const SUPERVISOR = { email: 'vera@lab.example', password: 'wide west river 2026' };
	const INST_ADMIN = { email: 'leder@klinikk.example', password: 'tall south river 2026' };
	let therapistId;

	before(async () => {
		intake = createIntake();
		mock = createMockApi({ extend: intake.handler });
		const admin = mock.users.get(1);
		admin.must_change_password = false;
		admin.locale = 'en';
		therapistId = mock.addUser({ email: THERAPIST.email, role: 'therapist', display_name: 'Tora Terapeut', password: THERAPIST.password, must: false }).id;
		mock.addUser({ email: SECOND.email, role: 'therapist', display_name: 'Per Pedersen', password: SECOND.password, must: false });
		// Supervisors need TOTP; this one has it "enabled" with a secret the tests never need, so skip the gate.
		const sup = mock.addUser({ email: SUPERVISOR.email, role: 'supervisor', display_name: 'Vera Veileder', password: SUPERVISOR.password, must: false });
		sup.totp_required = false;
		for (const u of mock.users.values()) u.locale = 'en';
		web = await serveWeb(mock.handler);
		browser = await launchBrowser({ locale: 'en-GB' });
		page = browser.page;
	});
	after(async () => {
		await browser?.close();
		await web?.stop();
	});

	async function signInAdmin() {
		await page.goto(`${web.url}/`);
		await page.locator('#login-email').fill(mock.admin.email);
		await page.locator('#login-password').fill(mock.admin.password);
		await page.locator('#login-password').press('Enter');
		await page.locator('#login-totp').fill(await freshTotp(mock.admin.totpSecret, ''));
		await page.locator('#login-totp').press('Enter');
		await page.locator('nav.app-nav').waitFor();
	}

	test('the lab admin registers an institution, with the organisation number checked', async () => {
		await signInAdmin();
		assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Overview', 'Inbox', 'Feedback', 'Institutions', 'Users', 'Audit log', 'Export requests', 'Reliability', 'Lab figures', 'API tokens', 'Account']);
		await nav(page, 'Institutions');
		await page.getByText('No institutions are registered yet.').waitFor();
		await assertAccessible(page, 'the institutions page, empty');
		await page.getByRole('button', { name: 'New institution' }).click();
		const dialog = page.getByRole('dialog', { name: 'New institution' });
		await dialog.waitFor();
		assert.equal(await dialog.locator('#inst-retention').inputValue(), '30', 'the retention default is 30 days');
		await dialog.getByLabel('Name', { exact: true }).fill('Oslo MBT-klinikk');
		await dialog.getByLabel(/Organisation number/).fill('12345');
		await dialog.getByRole('button', { name: 'Register institution' }).click();
		await dialog.locator('#inst-org-error').filter({ hasText: '9 digits' }).waitFor();
		assert.ok(await dialog.locator('#inst-org').evaluate((el) => el === document.activeElement), 'focus goes to the field in error');
		await dialog.getByLabel(/Organisation number/).fill('123456789');
		await dialog.getByRole('button', { name: 'Register institution' }).click();
		await dialog.locator('#inst-org-error').filter({ hasText: 'not a valid organisation number' }).waitFor();
		await assertAccessible(page, 'the new-institution dialog with an error');
		await shot(page, 'admin-institution-new');
		await dialog.getByLabel(/Organisation number/).fill('974 760 673');
		await dialog.getByLabel(/Address/).fill('Klinikkveien 1\n0450 Oslo');
		await dialog.locator('#inst-contact-name').fill('Kari Kontakt');
		await dialog.locator('#inst-contact-email').fill('kari@klinikk.example');
		await dialog.getByRole('button', { name: 'Register institution' }).click();
		await page.getByRole('heading', { level: 1, name: 'Oslo MBT-klinikk' }).waitFor();
		await page.getByRole('status').filter({ hasText: 'Oslo MBT-klinikk' }).waitFor();
		await page.getByText('No agreement is in force', { exact: false }).waitFor();
	});

	test('programmes and therapists of the institution', async () => {
		await page.locator('#prog-kind').selectOption('mbt_individual');
		await page.locator('#prog-name').fill('MBT team nord');
		await page.getByRole('button', { name: 'Add programme' }).click();
		await page.locator('.item-list').getByText('MBT team nord').waitFor();
		await page.locator('#mem-add').selectOption({ label: `Tora Terapeut (${THERAPIST.email})` });
		await page.getByLabel('MBT team nord').check();
		await page.getByRole('button', { name: 'Add therapist' }).click();
		const row = page.getByRole('row').filter({ hasText: THERAPIST.email });
		await row.waitFor();
		assert.match(await row.textContent(), /MBT team nord/);
		await page.locator('#mem-add').selectOption({ label: `Per Pedersen (${SECOND.email})` });
		await page.getByRole('button', { name: 'Add therapist' }).click();
		await page.getByRole('row').filter({ hasText: SECOND.email }).waitFor();
		await loaded(page);
		await assertAccessible(page, 'the institution page');

		/* Remove one again, with a confirmation. */
		await page.getByRole('button', { name: 'Remove Per Pedersen from the institution' }).click();
		const dialog = page.getByRole('dialog', { name: 'Remove therapist' });
		await dialog.getByText('Remove Per Pedersen from Oslo MBT-klinikk?').waitFor();
		await dialog.getByRole('button', { name: 'Remove' }).click();
		await page.getByRole('row').filter({ hasText: SECOND.email }).waitFor({ state: 'detached' });
	});

	test('a draft agreement cannot be activated until it is complete; then it is', async () => {
		await page.getByRole('button', { name: 'New agreement' }).click();
		let dialog = page.getByRole('dialog', { name: /New agreement with/ });
		await dialog.waitFor();
		await assertAccessible(page, 'the new-agreement dialog');
		await dialog.getByLabel('Version', { exact: true }).fill('2026-1');
		await dialog.getByRole('button', { name: 'Create draft' }).click();
		const row = page.getByRole('row').filter({ hasText: '2026-1' });
		await row.filter({ hasText: 'Draft' }).waitFor();

		await row.getByRole('button', { name: 'Activate version 2026-1' }).click();
		dialog = page.getByRole('dialog', { name: 'Activate version 2026-1' });
		await dialog.getByRole('button', { name: 'Activate' }).click();
		const alert = dialog.getByRole('alert');
		await alert.filter({ hasText: 'cannot be activated yet' }).waitFor();
		const missing = await alert.locator('li').allTextContents();
		assert.deepEqual(missing, ['the date signed', 'the date it is valid from', 'the name of the manager who signed', 'the manager’s title', 'the manager’s level', 'the signed PDF', 'at least one therapist who signed']);
		await assertAccessible(page, 'the activate dialog listing what is missing');
		await shot(page, 'admin-agreement-incomplete');
		await dialog.getByRole('button', { name: 'Cancel' }).click();

		await row.getByRole('button', { name: 'Edit the draft of version 2026-1' }).click();
		dialog = page.getByRole('dialog', { name: 'Edit the draft of version 2026-1' });
		await dialog.getByLabel('Date signed').fill('2026-01-10');
		await dialog.getByLabel('Valid from').fill('2026-01-15');
		await dialog.getByLabel(/Valid until/).fill('2026-01-01');
		await dialog.getByRole('button', { name: 'Save draft' }).click();
		await dialog.locator('#agr-until-error').filter({ hasText: 'before the start date' }).waitFor();
		await dialog.getByLabel(/Valid until/).fill('2028-12-31');
		await dialog.locator('#agr-manager-name').fill('Mona Leder');
		await dialog.locator('#agr-manager-title').fill('Avdelingssjef');
		await dialog.locator('#agr-manager-level').fill('nivå 3');
		await dialog.getByLabel(`Tora Terapeut (${THERAPIST.email})`).check();
		await shot(page, 'admin-agreement-edit');
		await dialog.getByRole('button', { name: 'Save draft' }).click();
		await dialog.waitFor({ state: 'detached' });
		await row.filter({ hasText: 'Mona Leder' }).filter({ hasText: 'Tora Terapeut' }).waitFor();

		await row.getByRole('button', { name: 'Upload signed PDF of version 2026-1' }).click();
		dialog = page.getByRole('dialog', { name: 'Signed PDF of version 2026-1' });
		await dialog.getByLabel('Signed agreement (PDF)').setInputFiles({ name: 'avtale.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
		await dialog.getByRole('button', { name: 'Upload' }).click();
		await dialog.waitFor({ state: 'detached' });
		const pdf = row.getByRole('link', { name: /View PDF/ });
		await pdf.waitFor();
		assert.equal(await pdf.getAttribute('target'), '_blank', 'the PDF opens in a new tab');
		assert.match(await pdf.getAttribute('href'), /^\/api\/agreements\/\d+\/document$/);
		assert.equal(await page.locator('iframe, object, embed').count(), 0, 'the PDF is never framed');

		await row.getByRole('button', { name: 'Activate version 2026-1' }).click();
		dialog = page.getByRole('dialog', { name: 'Activate version 2026-1' });
		await dialog.getByRole('button', { name: 'Activate' }).click();
		await dialog.waitFor({ state: 'detached' });
		await row.filter({ hasText: 'In force' }).waitFor();
		await page.getByText('In force: version 2026-1', { exact: false }).waitFor();
		await page.getByRole('status').filter({ hasText: 'Version 2026-1 is now in force' }).waitFor();
		/* The Activate button is gone: the keyboard lands on the section, not the top of the page. */
		await page.waitForFunction(() => document.activeElement?.id === 'agr-h');
		await assertAccessible(page, 'the institution page with an agreement in force');
		await shot(page, 'admin-institution');
		await signOut(page);
	});

	test('the therapist’s navigation, and a new case without names', async () => {
		await signIn(page, web.url, THERAPIST.email, THERAPIST.password);
		assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Overview', 'Submissions', 'Patient cases', 'Clients', 'My feedback', 'Practice', 'API tokens', 'Account']);
		await nav(page, 'Submissions');
		await page.getByText('You have not started any submissions.').waitFor();
		await assertAccessible(page, 'the empty submissions list');
		await page.getByRole('link', { name: 'New submission' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 1 of 5: Patient case/ }).waitFor();
		assert.ok(await page.locator('#wz-step-h').evaluate((el) => el === document.activeElement), 'focus on the step heading');
		assert.equal(await page.locator('[aria-current="step"]').textContent(), '1Patient case');
		await loaded(page);
		/* One institution: chosen already; no cases yet: a new one. */
		assert.equal(await page.locator('#wc-institution option:checked').textContent(), 'Oslo MBT-klinikk');
		await page.getByText('Never write a patient’s name', { exact: false }).waitFor();
		await page.locator('#wc-age').selectOption('26_35');
		await page.locator('#wc-gender').selectOption('female');
		await assertAccessible(page, 'wizard step 1');
		await shot(page, 'wizard-1-case');
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 2 of 5: Consent/ }).waitFor();
		assert.match(page.url(), /\/submissions\/\d+\/consent$/);
		assert.equal(intake.submissions.size, 1, 'the draft is saved on the server at the first step');
	});

	test('consent: each scope answered yes or no, a scanned form, saved to the case', async () => {
		await loaded(page);
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.locator('#cs-date-error').waitFor();
		await page.locator('#cs-qa-error').filter({ hasText: 'Answer yes or no.' }).waitFor();
		assert.ok(await page.locator('#cs-date').evaluate((el) => el === document.activeElement));
		await assertAccessible(page, 'wizard step 2 with errors');
		await page.locator('#cs-date').fill('2026-02-01');
		await page.getByRole('group', { name: 'Quality assurance' }).getByLabel('Yes').check();
		await page.getByRole('group', { name: 'Training of raters' }).getByLabel('No').check();
		await page.getByRole('group', { name: 'Research' }).getByLabel('Yes').check();
		await page.locator('#cs-form').setInputFiles({ name: 'samtykke.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
		await shot(page, 'wizard-2-consent');
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 3 of 5: Session/ }).waitFor();
		const c = [...intake.cases.values()][0];
		assert.deepEqual({ ...c.consent, declared_at: undefined }, { signed_date: '2026-02-01', quality_assurance: true, rater_training: false, research: true, has_form: true, declared_at: undefined, withdrawn_date: null, withdrawn_at: null });
	});

	test('session details: a fødselsnummer in the questions is refused at the field', async () => {
		await loaded(page);
		await page.locator('#ss-date').fill('2026-02-03');
		await page.locator('#ss-number').fill('12');
		await page.getByLabel('Middle').check();
		await page.getByLabel('Individual').check();
		assert.equal(await page.locator('#ss-instrument option:checked').textContent(), 'MBT adherence and quality scale (individual) (1.0)', 'the only scale is chosen');
		await page.locator('#ss-questions').fill('How do I challenge more? The patient (15076500565) said I was too kind.');
		await page.getByRole('button', { name: 'Save and continue' }).click();
		const err = page.locator('#ss-questions-error');
		await err.filter({ hasText: 'valid Norwegian national identity number' }).waitFor();
		assert.equal(await page.locator('#ss-questions').getAttribute('aria-invalid'), 'true');
		assert.match(await page.locator('#ss-questions').getAttribute('aria-describedby'), /ss-questions-error/);
		assert.ok(await page.locator('#ss-questions').evaluate((el) => el === document.activeElement), 'focus on the refused field');
		await page.getByRole('alert').filter({ hasText: 'Remove the identity number' }).waitFor();
		await assertAccessible(page, 'wizard step 3 with an identity number refused');
		await shot(page, 'wizard-3-identity-number');
		await page.locator('#ss-questions').fill('How do I challenge more? The patient said I was too kind.');
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 4 of 5/ }).waitFor();
	});

	test('nothing is lost on reload: the draft reopens where it was', async () => {
		await page.reload();
		await page.getByRole('heading', { level: 2, name: /Step 4 of 5/ }).waitFor();
		await page.getByRole('button', { name: 'Change the session details' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 3 of 5/ }).waitFor();
		assert.equal(await page.locator('#ss-number').inputValue(), '12');
		assert.equal(await page.locator('#ss-questions').inputValue(), 'How do I challenge more? The patient said I was too kind.');
		assert.ok(await page.getByLabel('Middle').isChecked());
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 4 of 5/ }).waitFor();
	});

	test('sending needs both declarations, then the next step is the recording', async () => {
		await page.getByRole('button', { name: 'Send the requisition' }).click();
		await page.locator('#decl-consent-error').waitFor();
		await page.locator('#decl-identifiers-error').waitFor();
		await assertAccessible(page, 'wizard step 4 with errors');
		await page.getByLabel(/The patient gave written consent/).check();
		await page.getByLabel(/The recording contains no full names/).check();
		await shot(page, 'wizard-4-declarations');
		await page.getByRole('button', { name: 'Send the requisition' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 5 of 5: Upload the recording/ }).waitFor();
		await page.getByRole('status').filter({ hasText: 'has been sent to the lab' }).waitFor();
		await page.getByText('Uploading is not available in this version of kvalab yet', { exact: false }).waitFor();
		assert.equal(await page.locator('input[type=file]').count(), 0, 'no pretend upload');
		await assertAccessible(page, 'the recording step');
		await shot(page, 'wizard-5-recording');
		await nav(page, 'Submissions');
		const row = page.getByRole('row').filter({ hasText: 'Submitted' });
		await row.filter({ hasText: 'Recording to be uploaded' }).waitFor();
		await assertAccessible(page, 'the submissions list');
	});

	test('a refused requisition says what is missing and links to where it is fixed', async () => {
		await page.getByRole('link', { name: 'New submission' }).click();
		await loaded(page);
		/* An existing case is offered first. */
		assert.equal(await page.getByLabel('An existing case').isChecked(), true);
		await page.getByLabel('A new case').check();
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 2 of 5/ }).waitFor();
		await loaded(page);
		await page.locator('#cs-date').fill('2026-02-10');
		await page.getByRole('group', { name: 'Quality assurance' }).getByLabel('No').check();
		await page.getByText('Without consent to quality assurance', { exact: false }).waitFor();
		await page.getByRole('group', { name: 'Training of raters' }).getByLabel('No').check();
		await page.getByRole('group', { name: 'Research' }).getByLabel('No').check();
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 3 of 5/ }).waitFor();
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByText('Saved. Fill in the marked fields before you go on.').waitFor();
		await page.locator('#ss-date').fill('2026-02-11');
		await page.locator('#ss-number').fill('3');
		await page.getByLabel('Early').check();
		await page.getByLabel('Group').check();
		await page.getByRole('button', { name: 'Save and continue' }).click();
		await page.getByLabel(/The patient gave written consent/).check();
		await page.getByLabel(/The recording contains no full names/).check();
		await page.getByRole('button', { name: 'Send the requisition' }).click();
		const refusal = page.locator('#submit-refused');
		await refusal.filter({ hasText: 'does not cover quality assurance' }).waitFor();
		assert.ok(await refusal.evaluate((el) => el === document.activeElement), 'focus on the refusal');
		await assertAccessible(page, 'a refused requisition');
		await shot(page, 'wizard-4-refused');
		await refusal.getByRole('link', { name: 'Go to the consent step' }).click();
		await page.getByRole('heading', { level: 2, name: /Step 2 of 5: Consent/ }).waitFor();
		await loaded(page);
		assert.ok(await page.getByRole('group', { name: 'Quality assurance' }).getByLabel('No').isChecked(), 'the saved answer is shown');
	});

	test('a draft can be deleted from the wizard and from the list', async () => {
		await page.getByRole('button', { name: 'Delete draft' }).click();
		const dialog = page.getByRole('dialog', { name: 'Delete draft' });
		await dialog.getByText('The patient case and its consent are kept.', { exact: false }).waitFor();
		await assertAccessible(page, 'the delete-draft confirmation');
		await dialog.getByRole('button', { name: 'Delete draft' }).click();
		await page.getByRole('heading', { level: 1, name: 'Submissions' }).waitFor();
		await page.getByRole('status').filter({ hasText: 'has been deleted' }).waitFor();
		assert.equal(await page.getByRole('row').filter({ hasText: 'Draft' }).count(), 0);
	});

	test('patient cases: consent state, and withdrawing consent ends the submissions', async () => {
		await nav(page, 'Patient cases');
		await loaded(page);
		const rows = page.locator('table tbody tr');
		assert.equal(await rows.count(), 2);
		const first = [...intake.cases.values()][0];
		const row = page.getByRole('row').filter({ hasText: first.code });
		assert.match(await row.textContent(), /Signed 1 Feb 2026/);
		assert.match(await row.textContent(), /Quality assurance, Research/);
		assert.match(await row.textContent(), /26–35 · Female/);
		await row.getByRole('link', { name: /Signed form/ }).waitFor();
		await assertAccessible(page, 'the patient cases page');
		await shot(page, 'therapist-cases');
		await row.getByRole('button', { name: `Withdraw consent for case ${first.code}` }).click();
		const dialog = page.getByRole('dialog', { name: `Withdraw consent for case ${first.code}` });
		await dialog.getByText(`All submissions of case ${first.code} (1) end, and every recording of them is destroyed.`).waitFor();
		await dialog.getByText('This cannot be undone.', { exact: false }).waitFor();
		await assertAccessible(page, 'the withdraw-consent confirmation');
		await shot(page, 'therapist-withdraw');
		await dialog.getByLabel(/Note/).fill('Phoned on 15076500565');
		await dialog.getByRole('button', { name: 'Withdraw consent' }).click();
		await dialog.locator('#wd-note-error').filter({ hasText: 'identity number' }).waitFor();
		await dialog.getByLabel(/Note/).fill('Told me by phone.');
		await dialog.getByRole('button', { name: 'Withdraw consent' }).click();
		await dialog.waitFor({ state: 'detached' });
		await row.filter({ hasText: /Withdrawn/ }).waitFor();
		await page.waitForFunction(() => document.activeElement?.closest('.table-wrap') !== null, undefined, { timeout: 2000 });
		assert.equal(await row.getByRole('button', { name: /Withdraw consent/ }).count(), 0);
		await nav(page, 'Submissions');
		await page.getByRole('row').filter({ hasText: first.code }).filter({ hasText: 'Withdrawn' }).waitFor();
		await signOut(page);
	});

	test('the lab inbox: counts per state, filters, waiting time, details', async () => {
		/* Another submitted requisition from a second institution, waiting for 20 days. */
		await signInAdmin();
		const admin = mock.users.get(1);
		assert.ok(admin);
		await nav(page, 'Institutions');
		await page.getByRole('button', { name: 'New institution' }).click();
		const dialog = page.getByRole('dialog', { name: 'New institution' });
		await dialog.getByLabel('Name', { exact: true }).fill('Aarhus MBT');
		await dialog.getByLabel('Country').selectOption('DK');
		await dialog.getByLabel(/Organisation number/).fill('12345678');
		await dialog.getByRole('button', { name: 'Register institution' }).click();
		await page.getByRole('heading', { level: 1, name: 'Aarhus MBT' }).waitFor();
		const aarhus = [...intake.institutions.values()].find((i) => i.name === 'Aarhus MBT');
		intake.members.get(aarhus.id).set(therapistId, { programme_ids: [], created_at: new Date().toISOString() });
		const c = { id: 9001, code: 'P-DK00-01', institution_id: aarhus.id, therapist_id: therapistId, age_band: null, gender: null, created_at: new Date().toISOString(), consent: null };
		intake.cases.set(c.id, c);
		const now = new Date().toISOString();
		intake.submissions.set(9002, { id: 9002, state: 'submitted', therapist_id: therapistId, case_id: c.id, session_date: '2026-01-20', session_number: 4, treatment_phase: 'early', modality: 'group',
			instrument_id: 1, questions: 'Group climate.', declared_consent: true, declared_no_identifiers: true, created_at: now, updated_at: now, submitted_at: now, state_changed_at: now, history: [] });
		intake.age(9002, 'submitted', 20);

		await nav(page, 'Inbox');
		await loaded(page);
		const chips = page.getByRole('navigation', { name: 'Submissions by state' });
		assert.match(await chips.getByRole('button', { name: /All sent/ }).textContent(), /All sent\s*2/);
		assert.match(await chips.getByRole('button', { name: /^Submitted/ }).textContent(), /Submitted\s*1/);
		assert.match(await chips.getByRole('button', { name: /^Withdrawn/ }).textContent(), /Withdrawn\s*1/);
		const rows = page.locator('table tbody tr');
		assert.equal(await rows.count(), 2);
		assert.match(await rows.first().textContent(), /P-DK00-01.*Aarhus MBT.*Tora Terapeut.*Submitted.*20 days/, 'longest waiting first');
		await assertAccessible(page, 'the lab inbox');
		await shot(page, 'admin-inbox');

		await chips.getByRole('button', { name: /^Submitted/ }).click();
		assert.equal(await chips.getByRole('button', { name: /^Submitted/ }).getAttribute('aria-pressed'), 'true');
		await page.getByText('Submissions shown: 1').waitFor();
		await chips.getByRole('button', { name: /All sent/ }).click();
		await page.locator('#in-institution').selectOption({ label: 'Oslo MBT-klinikk' });
		await page.getByText('Submissions shown: 1').waitFor();
		assert.match(await rows.first().textContent(), /Oslo MBT-klinikk/);
		await page.locator('#in-institution').selectOption('');
		await page.locator('#in-therapist').selectOption({ label: 'Tora Terapeut' });
		await page.getByText('Submissions shown: 2').waitFor();

		await page.getByRole('button', { name: 'Details of the submission for case P-DK00-01' }).click();
		const details = page.getByRole('dialog', { name: 'Submission for case P-DK00-01' });
		await details.getByText('Group climate.').waitFor();
		await assertAccessible(page, 'the submission details');
		await details.getByRole('button', { name: 'Close', exact: true }).first().click();
		await signOut(page);
	});

	test('the supervisor reads the inbox; other pages are closed', async () => {
		await signIn(page, web.url, SUPERVISOR.email, SUPERVISOR.password);
		assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Overview', 'Inbox', 'Feedback', 'Reliability', 'Lab figures', 'API tokens', 'Account']);
		await nav(page, 'Inbox');
		await loaded(page);
		assert.equal(await page.locator('table tbody tr').count(), 2);
		assert.equal(await page.locator('main').getByRole('button', { name: /Assign|Delete|Activate/ }).count(), 0, 'read-only');
		await assertAccessible(page, 'the supervisor inbox');
		await page.goto(`${web.url}/institutions`);
		await page.getByRole('heading', { level: 1, name: 'No access' }).waitFor();
		await signOut(page);
	});

	test('the institution admin sees the agreement and counts only', async () => {
		const oslo = [...intake.institutions.values()].find((i) => i.name === 'Oslo MBT-klinikk');
		const u = mock.addUser({ email: INST_ADMIN.email, role: 'institution_admin', display_name: 'Ine Leder', institution_id: oslo.id, password: INST_ADMIN.password, must: false });
		u.locale = 'en';
		await signIn(page, web.url, INST_ADMIN.email, INST_ADMIN.password);
		assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Overview', 'My institution', 'Lab figures', 'API tokens', 'Account']);
		await nav(page, 'My institution');
		await loaded(page);
		await page.getByRole('heading', { level: 2, name: 'Oslo MBT-klinikk' }).waitFor();
		await page.getByText('Version 2026-1').waitFor();
		/* The first submission was withdrawn with its consent; the second draft was deleted. */
		await page.getByText('1 in all').waitFor();
		const counts = page.getByRole('table', { name: 'Submissions of Oslo MBT-klinikk by state' });
		assert.match(await counts.getByRole('row', { name: /Submitted/ }).textContent(), /0$/);
		assert.match(await counts.getByRole('row', { name: /Withdrawn/ }).textContent(), /1$/);
		assert.equal(await page.getByText('P-').count(), 0, 'no case codes, no single sessions');
		await assertAccessible(page, 'my institution');
		await shot(page, 'institution-admin');
		await signOut(page);
	});

	test('the lab admin terminates the agreement after a warning about retention', async () => {
		await signInAdmin();
		await nav(page, 'Institutions');
		await loaded(page);
		await assertAccessible(page, 'the institutions list');
		await shot(page, 'admin-institutions');
		await page.getByRole('link', { name: 'Oslo MBT-klinikk' }).click();
		await page.getByRole('heading', { level: 1, name: 'Oslo MBT-klinikk' }).waitFor();
		await loaded(page);
		await page.getByRole('button', { name: 'Terminate version 2026-1' }).click();
		const dialog = page.getByRole('dialog', { name: 'Terminate version 2026-1' });
		await dialog.getByText('deleted under its retention policy: 30 days after each feedback meeting', { exact: false }).waitFor();
		await dialog.getByRole('button', { name: 'Terminate agreement' }).click();
		await dialog.locator('#agr-reason-error').waitFor();
		await assertAccessible(page, 'the terminate confirmation');
		await shot(page, 'admin-terminate');
		await dialog.getByLabel('Reason').fill('The institution ended its MBT programme.');
		await dialog.getByRole('button', { name: 'Terminate agreement' }).click();
		await dialog.waitFor({ state: 'detached' });
		await page.getByRole('row').filter({ hasText: '2026-1' }).filter({ hasText: 'Terminated' }).waitFor();
		await page.getByText('No agreement is in force', { exact: false }).waitFor();
	});

	test('in Norwegian and Danish, dates in the locale', async () => {
		await page.locator('#lang-header').selectOption('nb');
		await page.getByRole('heading', { level: 2, name: 'Databehandleravtaler' }).waitFor();
		assert.deepEqual(await page.locator('nav.app-nav a').allTextContents(), ['Oversikt', 'Innboks', 'Tilbakemeldinger', 'Institusjoner', 'Brukere', 'Revisjonslogg', 'Uttrekksforespørsler', 'Pålitelighet', 'Laboratoriets tall', 'API-nøkler', 'Konto']);
		await page.getByRole('row').filter({ hasText: '2026-1' }).filter({ hasText: 'Sagt opp' }).filter({ hasText: '10. jan. 2026' }).waitFor();
		await assertAccessible(page, 'the institution page in Norwegian');
		await page.locator('#lang-header').selectOption('da');
		await page.getByRole('heading', { level: 2, name: 'Databehandleraftaler' }).waitFor();
		await page.getByRole('row').filter({ hasText: '2026-1' }).filter({ hasText: 'Opsagt' }).filter({ hasText: '10. jan. 2026' }).waitFor();
		await nav(page, 'Indbakke');
		await loaded(page);
		await page.getByRole('button', { name: /Alle indsendte/ }).waitFor();
		await page.locator('#lang-header').selectOption('en');
		await signOut(page);
		assert.deepEqual(browser.problems, [], 'no page errors or CSP violations');
	});
});

describe('intake on a phone', () => {
	test('the wizard, the inbox and the institution page fit a phone screen', async () => {
		const intake = createIntake();
		const mock = createMockApi({ extend: intake.handler });
		const admin = mock.users.get(1);
		admin.must_change_password = false;
		admin.totp_required = false;
		admin.totp_enabled = false;
		admin.locale = 'en';
		const t = mock.addUser({ email: 'phone@klinikk.example', role: 'therapist', display_name: 'Phone Therapist', password: 'phone therapist 2026', must: false });
		t.locale = 'en';
		const inst = { id: 1, name: 'Bergen poliklinikk', org_number: null, country: 'NO', address: null, contact_name: null, contact_email: null, contact_phone: null, retention_days: 30,
			keep_ratings_for_research: false, created_at: new Date().toISOString(), programmes: [] };
		intake.institutions.set(1, inst);
		intake.members.set(1, new Map([[t.id, { programme_ids: [], created_at: new Date().toISOString() }]]));
		const web = await serveWeb(mock.handler);
		const browser = await launchBrowser({ locale: 'en-GB', viewport: { width: 375, height: 740 } });
		const overflow = () => browser.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
		try {
			const { page } = browser;
			await signIn(page, web.url, 'phone@klinikk.example', 'phone therapist 2026');
			for (const path of ['/submissions', '/cases', '/submissions/new']) {
				await page.goto(`${web.url}${path}`);
				await page.locator('nav.app-nav').waitFor();
				await loaded(page);
				assert.ok((await overflow()) <= 0, `${path} is wider than the screen`);
			}
			await page.getByRole('button', { name: 'Save and continue' }).click();
			await page.getByRole('heading', { level: 2, name: /Step 2 of 5/ }).waitFor();
			await loaded(page);
			assert.ok((await overflow()) <= 0, 'the consent step is wider than the screen');
			await assertAccessible(page, 'the consent step on a phone');
			await shot(page, 'phone-wizard-consent');
			await signOut(page);
			await page.locator('#login-email').fill(mock.admin.email);
			await page.locator('#login-password').fill(mock.admin.password);
			await page.locator('#login-password').press('Enter');
			await page.locator('nav.app-nav').waitFor();
			for (const path of ['/inbox', '/institutions', '/institutions/1']) {
				await page.goto(`${web.url}${path}`);
				await page.locator('nav.app-nav').waitFor();
				await loaded(page);
				assert.ok((await overflow()) <= 0, `${path} is wider than the screen`);
			}
			await shot(page, 'phone-institution');
			assert.deepEqual(browser.problems, []);
		} finally {
			await browser.close();
			await web.stop();
		}
	});
});
