// A small HTTP client for API tests: keeps the session cookie and CSRF token like a browser.
import { totp, freshTotp } from './totp.mjs';

export class Client {
  constructor(base) {
    this.base = base;
    this.cookie = null;
    this.csrf = null;
    this.bearer = null;
  }

  async request(method, path, body, { headers = {}, raw, csrf = true } = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (csrf && this.csrf && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = this.csrf;
    let payload;
    if (raw !== undefined) payload = raw;
    else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = setCookie.match(/kv_session=([^;]*)/);
      if (m) this.cookie = m[1] ? `kv_session=${m[1]}` : null;
    }
    const text = await res.text();
    let json = null;
    if (text) {
      try { json = JSON.parse(text); } catch { json = null; }
    }
    if (json && json.csrf_token) this.csrf = json.csrf_token;
    return { status: res.status, headers: res.headers, json, text };
  }

  get(path, opts) { return this.request('GET', path, undefined, opts); }
  post(path, body, opts) { return this.request('POST', path, body, opts); }
  put(path, body, opts) { return this.request('PUT', path, body, opts); }
  patch(path, body, opts) { return this.request('PATCH', path, body, opts); }
  del(path, opts) { return this.request('DELETE', path, undefined, opts); }
}

// Signs in as the initial admin (password + TOTP) and replaces the one-time password.
// Returns the client and the admin's new password.
export async function adminClient(server) {
  const c = new Client(server.url);
  const code = await freshTotp(server.admin.totpSecret, server.admin.lastCode);
  server.admin.lastCode = code;
  let r = await c.post('/api/session', { email: server.admin.email, password: server.admin.password, totp: code });
  if (r.status !== 200) throw new Error(`admin login failed: ${r.status} ${r.text}`);
  if (r.json.user.must_change_password) {
    const next = 'Admin-pass-for-tests-1';
    r = await c.put('/api/me/password', { current_password: server.admin.password, new_password: next });
    if (r.status !== 200) throw new Error(`admin password change failed: ${r.status} ${r.text}`);
    server.admin.password = next;
  }
  return c;
}

let counter = 0;
// Creates a user through the API as admin; returns {email, password, id} after the user has
// signed in once and chosen a password (no TOTP for roles that do not need it).
export async function makeUser(server, admin, role, { activate = true } = {}) {
  counter += 1;
  const email = `${role}${counter}-${Date.now() % 100000}@clinic.example`;
  const r = await admin.post('/api/users', { email, role, display_name: `Test ${role} ${counter}` });
  if (r.status !== 201) throw new Error(`create user failed: ${r.status} ${r.text}`);
  const user = { email, password: r.json.one_time_password, id: r.json.user.id };
  if (activate) {
    const c = new Client(server.url);
    const s = await c.post('/api/session', { email, password: user.password });
    if (s.status !== 200) throw new Error(`first login failed: ${s.status} ${s.text}`);
    const next = `A-good-long-passphrase-${counter}`;
    const p = await c.put('/api/me/password', { current_password: user.password, new_password: next });
    if (p.status !== 200) throw new Error(`password change failed: ${p.status} ${p.text}`);
    user.password = next;
    user.client = c;
  }
  return user;
}

export { totp, freshTotp };
