// Browser-test helpers: Debian's headless Chromium through playwright-core, axe-core checks,
// and a small static server for web/dist with a test-supplied /api handler.
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshTotp } from './totp.mjs';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const WEB_DIST = join(ROOT, 'web/dist');
const TMP = join(ROOT, 'tests/.tmp');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
export const CHROMIUM = process.env.KV_CHROMIUM || '/usr/bin/chromium';

// The same policy kvalab sends with the UI, so a test fails on anything the server's CSP would block.
export const CSP =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

// Starts Chromium with a fresh profile. Returns {context, page, problems, close}; `problems`
// collects page errors and CSP violations so a test can assert there were none.
export async function launchBrowser({ locale = 'en-US', viewport = { width: 1280, height: 900 } } = {}) {
	if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM} (apt-get install chromium)`);
	mkdirSync(TMP, { recursive: true });
	const profile = mkdtempSync(join(TMP, 'chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
			'--disable-component-update', '--disable-sync', '--disable-quic'],
		locale,
		viewport,
		permissions: ['clipboard-read', 'clipboard-write'],
	});
	// axe-core goes in as an init script: that is not subject to the page's CSP.
	await context.addInitScript({ path: AXE });
	const problems = [];
	const watch = (page) => {
		page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
		page.on('console', (m) => {
			const text = m.text();
			if (/Content.Security.Policy|Refused to/i.test(text)) problems.push(`CSP: ${text}`);
			else if (m.type() === 'error' && !/Failed to load resource/.test(text)) problems.push(`console: ${text}`);
		});
	};
	context.on('page', watch);
	const page = context.pages()[0] ?? (await context.newPage());
	watch(page);
	page.setDefaultTimeout(15000);
	return {
		context,
		page,
		problems,
		async close() {
			await context.close().catch(() => {});
			if (!process.env.KV_KEEP_TMP) rmSync(profile, { recursive: true, force: true });
		},
	};
}

// Signs in through the login form at `base` as `user` ({email, password}, and for a role with a
// second factor the TOTP secret as `secret`, or `totpSecret` for the initial admin, and the last
// code used as `lastCode`), then waits for the menu. The code typed is kept as user.lastCode.
export async function signIn(page, base, user) {
	await page.goto(`${base}/`);
	await page.locator('#login-email').fill(user.email);
	await page.locator('#login-password').fill(user.password);
	await page.locator('#login-password').press('Enter');
	const secret = user.secret ?? user.totpSecret;
	if (secret) {
		user.lastCode = await freshTotp(secret, user.lastCode);
		await page.locator('#login-totp').fill(user.lastCode);
		await page.locator('#login-totp').press('Enter');
	}
	await page.locator('nav.app-nav').waitFor();
}

// Signs out from the menu and waits for the login form.
export async function signOut(page) {
	await page.getByRole('button', { name: 'Sign out' }).click();
	await page.locator('#login-email').waitFor();
}

// Runs axe-core on the page as it is now; returns the violations (empty when all is well).
export async function axeViolations(page) {
	return page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(0, 2).join(' ')}`),
		}));
	});
}

// Fails with a readable list when axe finds anything.
export async function assertAccessible(page, where) {
	const v = await axeViolations(page);
	if (v.length) {
		const text = v.map((x) => `  [${x.impact}] ${x.id}: ${x.help}\n${x.nodes.map((n) => `      ${n}`).join('\n')}`).join('\n');
		throw new Error(`axe-core found ${v.length} violation(s) on ${where}:\n${text}`);
	}
}

const TYPES = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.ico': 'image/x-icon',
	'.json': 'application/json',
	'.woff2': 'font/woff2',
};

// Serves web/dist on 127.0.0.1 like `kvalab serve --web` does (index.html for every path
// outside /api, the same CSP), and hands /api requests to `api(req, res, bodyText)`.
export async function serveWeb(api, { dir = WEB_DIST } = {}) {
	if (!existsSync(join(dir, 'index.html'))) throw new Error(`${dir}/index.html missing: run npx vite build web`);
	const server = createServer((req, res) => {
		const url = new URL(req.url, 'http://x');
		if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
			const chunks = [];
			req.on('data', (c) => chunks.push(c));
			req.on('end', () => {
				Promise.resolve(api(req, res, Buffer.concat(chunks).toString('utf8'), url)).catch((e) => {
					res.writeHead(500, { 'Content-Type': 'application/json' });
					res.end(JSON.stringify({ error: { code: 'server_error', message: String(e) } }));
				});
			});
			return;
		}
		let file = normalize(join(dir, decodeURIComponent(url.pathname)));
		if (!file.startsWith(dir + sep) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, 'index.html');
		res.writeHead(200, {
			'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
			'Content-Security-Policy': CSP,
			'X-Content-Type-Options': 'nosniff',
		});
		res.end(readFileSync(file));
	});
	await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
	const { port } = server.address();
	return {
		url: `http://127.0.0.1:${port}`,
		stop: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
	};
}

// Waits until `url`/api/health answers, or throws after `ms`.
export async function waitForHealth(url, ms = 10000) {
	const end = Date.now() + ms;
	for (;;) {
		try {
			const r = await fetch(`${url}/api/health`);
			if (r.ok) return await r.json();
		} catch {
			/* not up yet */
		}
		if (Date.now() > end) throw new Error(`${url}/api/health did not answer`);
		await new Promise((r) => setTimeout(r, 200));
	}
}

// ---- An in-memory stand-in for the kvalab API, for UI tests that need no C server ----
// It follows the API contract closely enough to drive every screen, including the error
// paths that are hard to reach on a real server (throttling, an expired session).

import { randomBytes } from 'node:crypto';
import { totp as totpCode } from './totp.mjs';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const COMMON = new Set(['password1234', 'passwordpassword', '123456789012', 'qwertyuiopas']);
const GATE_FREE = new Set(['GET /session', 'DELETE /session', 'GET /me', 'PATCH /me', 'PUT /me/password', 'POST /me/totp', 'POST /me/totp/confirm']);

function fakeQr(secret) {
	let cells = '';
	for (let y = 0; y < 21; y++)
		for (let x = 0; x < 21; x++) {
			const finder = (x < 7 && y < 7) || (x > 13 && y < 7) || (x < 7 && y > 13);
			const on = finder ? (x % 6 === 0 || y % 6 === 0 || (x % 7 > 1 && x % 7 < 5 && y % 7 > 1 && y % 7 < 5)) && !(x === 20 && y > 13) : secret.charCodeAt((x * 21 + y) % secret.length) % 3 === 0;
			if (on) cells += `<rect x="${x + 2}" y="${y + 2}" width="1" height="1"/>`;
		}
	return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 25 25" shape-rendering="crispEdges"><rect width="25" height="25" fill="#fff"/><g fill="#000">${cells}</g></svg>`;
}

// `extend(ctx)` may answer routes this stand-in does not know (a test's own resources): it gets
// {req, method, path, route, pid, json, body, url, me, send, fail, log, now, users} after sign-in,
// CSRF and gate checks, and returns true when it answered.
export function createMockApi({ adminEmail = 'admin@lab.example', throttleAfter = 5, retryAfter = 42, extend = null } = {}) {
	const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
	let nextId = 1;
	const users = new Map();
	const secrets = new Map(); // user id -> {password, totpSecret, pendingSecret, lastStep}
	const sessions = new Map(); // sid -> {userId, csrf}
	const tokens = [];
	const audit = [];
	const failures = new Map(); // email -> count
	const newSecret = () => Array.from(randomBytes(32), (b) => B32[b % 32]).join('');
	const onePassword = () => randomBytes(12).toString('base64url');

	function addUser({ email, role, display_name = '', institution_id = null, password, totpSecret = null, must = true }) {
		const id = nextId++;
		const u = { id, email, display_name, role, institution_id, disabled: false, must_change_password: must, totp_enabled: !!totpSecret,
			totp_required: ['lab_admin', 'supervisor', 'rater'].includes(role), locale: 'nb', created_at: now(), last_login_at: null };
		users.set(id, u);
		secrets.set(id, { password, totpSecret, pendingSecret: null, lastStep: -1 });
		return u;
	}
	const admin = { email: adminEmail, password: onePassword(), totpSecret: newSecret() };
	addUser({ email: adminEmail, role: 'lab_admin', display_name: 'Lab Admin', password: admin.password, totpSecret: admin.totpSecret });

	function log(actor, action, object_type, object_id, outcome = 'ok', detail = null) {
		audit.push({ id: audit.length + 1, at: now(), actor_id: actor?.id ?? null, actor_email: actor?.email ?? null, role: actor?.role ?? null,
			action, object_type, object_id, outcome, detail, ip: '127.0.0.1' });
	}
	function checkTotp(id, code) {
		const s = secrets.get(id);
		const secret = s.pendingSecret ?? s.totpSecret;
		const step = Math.floor(Date.now() / 30000);
		for (const off of [0, -1, 1]) {
			if (totpCode(secret, Date.now(), off) === code) {
				if (step + off <= s.lastStep) return false;
				s.lastStep = step + off;
				return true;
			}
		}
		return false;
	}

	const handler = async (req, res, body, url) => {
		const send = (status, obj, headers = {}) => {
			res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
			res.end(obj === undefined ? '' : JSON.stringify(obj));
		};
		const fail = (status, code, message, fields) => send(status, { error: { code, message, ...(fields ? { fields } : {}) } });
		let json = {};
		// Files (a signed PDF, a scanned form) come as raw bodies; only JSON is parsed.
		if (body && /json/.test(req.headers['content-type'] ?? 'application/json')) {
			try { json = JSON.parse(body); } catch { return fail(400, 'bad_json', 'body is not JSON'); }
		}
		const path = url.pathname.slice(4);
		const method = req.method;
		const route = `${method} ${path.replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
		const idm = /\/(\d+)(?:\/|$)/.exec(path);
		const pid = idm ? Number(idm[1]) : 0;
		const sid = /(?:^|;\s*)kv_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
		const sess = sid ? sessions.get(sid) : undefined;
		const me = sess ? users.get(sess.userId) : undefined;

		if (route === 'GET /health') return send(200, { status: 'ok', version: '0.1.0-mock' });
		if (route === 'POST /session') {
			const u = [...users.values()].find((x) => x.email === String(json.email ?? '').toLowerCase());
			const n = failures.get(json.email) ?? 0;
			if (n >= throttleAfter) return send(429, { error: { code: 'throttled', message: 'too many attempts' } }, { 'Retry-After': String(retryAfter) });
			if (!u || u.disabled || secrets.get(u.id).password !== json.password) {
				failures.set(json.email, n + 1);
				log(u, 'session.login', 'user', u?.id ?? null, 'denied', 'invalid credentials');
				return fail(401, 'invalid_credentials', 'wrong email or password');
			}
			if (u.totp_enabled) {
				if (!json.totp) return fail(401, 'totp_required', 'a TOTP code is required');
				if (!checkTotp(u.id, String(json.totp))) return fail(401, 'invalid_totp', 'the TOTP code is wrong');
			}
			failures.delete(json.email);
			const s = randomBytes(16).toString('hex');
			const csrf = randomBytes(16).toString('hex');
			sessions.set(s, { userId: u.id, csrf });
			u.last_login_at = now();
			log(u, 'session.login', 'user', u.id);
			return send(200, { user: u, csrf_token: csrf }, { 'Set-Cookie': `kv_session=${s}; HttpOnly; SameSite=Strict; Path=/` });
		}
		if (!me || me.disabled) return fail(401, 'unauthenticated', 'not signed in');
		if (method !== 'GET' && req.headers['x-csrf-token'] !== sess.csrf) return fail(403, 'csrf', 'missing or wrong CSRF token');
		if (!GATE_FREE.has(route)) {
			if (me.must_change_password) return fail(403, 'password_change_required', 'change your password first');
			if (me.totp_required && !me.totp_enabled) return fail(403, 'totp_enrolment_required', 'set up TOTP first');
		}
		const admin_only = () => (me.role === 'lab_admin' ? null : fail(403, 'forbidden', 'lab admins only'));

		switch (route) {
			case 'GET /session': return send(200, { user: me, csrf_token: sess.csrf });
			case 'DELETE /session': sessions.delete(sid); log(me, 'session.logout', 'user', me.id); return send(204);
			case 'GET /me': return send(200, me);
			case 'PATCH /me': {
				if (json.locale !== undefined && !['nb', 'da', 'en'].includes(json.locale)) return fail(400, 'bad_request', 'bad input', { locale: 'must be nb, da or en' });
				if (json.display_name !== undefined) me.display_name = String(json.display_name);
				if (json.locale !== undefined) me.locale = json.locale;
				return send(200, me);
			}
			case 'PUT /me/password': {
				const s = secrets.get(me.id);
				if (typeof json.new_password !== 'string' || [...json.new_password].length < 12) return fail(400, 'bad_request', 'bad input', { new_password: 'must be at least 12 characters' });
				if (s.password !== json.current_password) return fail(422, 'wrong_current_password', 'the current password is wrong', { current_password: 'wrong password' });
				if (COMMON.has(json.new_password.toLowerCase())) return fail(422, 'weak_password', 'the password is too common', { new_password: 'too common' });
				s.password = json.new_password;
				me.must_change_password = false;
				log(me, 'user.password', 'user', me.id);
				return send(200, me);
			}
			case 'POST /me/totp': {
				if (me.totp_enabled) return fail(409, 'totp_already_enabled', 'TOTP is already enabled');
				const s = secrets.get(me.id);
				s.pendingSecret = newSecret();
				return send(200, { secret: s.pendingSecret, otpauth_uri: `otpauth://totp/kvalab:${me.email}?secret=${s.pendingSecret}&issuer=kvalab`, qr_svg: fakeQr(s.pendingSecret) });
			}
			case 'POST /me/totp/confirm': {
				const s = secrets.get(me.id);
				if (!s.pendingSecret || !checkTotp(me.id, String(json.code ?? ''))) return fail(422, 'invalid_totp', 'the code is wrong', { code: 'wrong code' });
				s.totpSecret = s.pendingSecret;
				s.pendingSecret = null;
				me.totp_enabled = true;
				log(me, 'user.totp_enable', 'user', me.id);
				return send(200, me);
			}
			case 'GET /users': {
				const deny = admin_only(); if (deny) return deny;
				const role = url.searchParams.get('role');
				const q = (url.searchParams.get('q') ?? '').toLowerCase();
				const all = url.searchParams.get('include_disabled') === 'true';
				return send(200, { items: [...users.values()].filter((u) => (!role || u.role === role) && (all || !u.disabled) &&
					(!q || u.email.includes(q) || u.display_name.toLowerCase().includes(q))) });
			}
			case 'POST /users': {
				const deny = admin_only(); if (deny) return deny;
				const email = String(json.email ?? '').trim().toLowerCase();
				const fields = {};
				if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) fields.email = 'not a valid email address';
				if (!['lab_admin', 'supervisor', 'rater', 'therapist', 'institution_admin', 'researcher'].includes(json.role)) fields.role = 'unknown role';
				if (Object.keys(fields).length) return fail(400, 'bad_request', 'bad input', fields);
				if ([...users.values()].some((u) => u.email === email)) return fail(409, 'email_taken', 'a user with this email exists', { email: 'already in use' });
				const password = onePassword();
				const u = addUser({ email, role: json.role, display_name: json.display_name ?? '', institution_id: json.institution_id ?? null, password });
				log(me, 'user.create', 'user', u.id);
				return send(201, { user: u, one_time_password: password });
			}
			case 'GET /users/{id}': case 'PATCH /users/{id}': case 'POST /users/{id}/reset-password': case 'POST /users/{id}/reset-totp': {
				const deny = admin_only(); if (deny) return deny;
				const u = users.get(pid);
				if (!u) return fail(404, 'not_found', 'no such user');
				if (method === 'GET') return send(200, u);
				if (method === 'PATCH') {
					if (json.disabled === true && u.id === me.id) return fail(422, 'cannot_disable_self', 'you cannot disable your own account');
					for (const k of ['display_name', 'role', 'disabled']) if (json[k] !== undefined) u[k] = json[k];
					u.totp_required = ['lab_admin', 'supervisor', 'rater'].includes(u.role);
					log(me, 'user.update', 'user', u.id);
					return send(200, u);
				}
				if (path.endsWith('reset-password')) {
					const p = onePassword();
					secrets.get(u.id).password = p;
					u.must_change_password = true;
					log(me, 'user.reset_password', 'user', u.id);
					return send(200, { one_time_password: p });
				}
				Object.assign(secrets.get(u.id), { totpSecret: null, pendingSecret: null });
				u.totp_enabled = false;
				log(me, 'user.reset_totp', 'user', u.id);
				return send(200, u);
			}
			case 'GET /tokens': return send(200, { items: tokens.filter((t) => t.user_id === me.id).map(({ user_id, ...t }) => t) });
			case 'POST /tokens': {
				const name = String(json.name ?? '').trim();
				const days = json.days ?? 90;
				if (!name) return fail(400, 'bad_request', 'bad input', { name: 'is required' });
				if (!Number.isInteger(days) || days < 1 || days > 365) return fail(400, 'bad_request', 'bad input', { days: 'must be between 1 and 365' });
				const item = { id: tokens.length + 1, name, created_at: now(), expires_at: new Date(Date.now() + days * 864e5).toISOString().replace(/\.\d{3}Z$/, 'Z'), last_used_at: null, revoked_at: null };
				tokens.push({ ...item, user_id: me.id });
				log(me, 'token.create', 'token', item.id);
				return send(201, { token: `kv_${randomBytes(24).toString('base64url')}`, item });
			}
			case 'DELETE /tokens/{id}': {
				const t = tokens.find((x) => x.id === pid && x.user_id === me.id);
				if (!t) return fail(404, 'not_found', 'no such token');
				t.revoked_at = now();
				log(me, 'token.revoke', 'token', t.id);
				return send(204);
			}
			case 'GET /audit': {
				const deny = admin_only(); if (deny) return deny;
				const p = url.searchParams;
				const page = Math.max(1, Number(p.get('page') ?? 1));
				const per = Math.min(200, Math.max(1, Number(p.get('per_page') ?? 50)));
				const items = audit.filter((a) => (!p.get('actor') || (a.actor_email ?? '').includes(p.get('actor'))) && (!p.get('action') || a.action === p.get('action')) &&
					(!p.get('object_type') || a.object_type === p.get('object_type')) && (!p.get('object_id') || String(a.object_id) === p.get('object_id')) &&
					(!p.get('from') || a.at >= p.get('from')) && (!p.get('to') || a.at <= p.get('to'))).reverse();
				return send(200, { items: items.slice((page - 1) * per, page * per), total: items.length, page, per_page: per });
			}
			default:
				if (extend && (await extend({ req, method, path, route, pid, json, body, url, me, send, fail, log, now, users }))) return undefined;
				return fail(404, 'not_found', `no route ${route}`);
		}
	};
	return {
		handler, admin, users, sessions, audit,
		// Adds a user directly, as `kvalab user add` would: {email, role, password, totpSecret?, must?}.
		addUser,
		// Ends every session, as if they had expired on the server.
		expireSessions: () => sessions.clear(),
		// Adds n audit entries (for paging).
		fillAudit(n) { for (let i = 0; i < n; i++) log(users.get(1), 'test.event', 'thing', i + 1, i % 7 ? 'ok' : 'denied', `entry ${i + 1}`); },
	};
}
