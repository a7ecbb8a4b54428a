// A real SMTP server for tests (the part of RFC 5321 a client needs) on 127.0.0.1, and a small
// MIME reader for what it receives. Modes simulate trouble: 'tempfail' answers 451 and
// 'reject' 550 to RCPT TO, 'refuse' hangs up at once; stop() and start() take it down and up.
import net from 'node:net';

export async function startSmtp(opts = {}) {
  const smtp = new SmtpServer(opts);
  await smtp.start(opts.port ?? 0);
  return smtp;
}

export class SmtpServer {
  // auth: {user, pass} to require AUTH PLAIN or LOGIN before MAIL FROM.
  constructor({ mode = 'ok', auth = null } = {}) {
    this.mode = mode;
    this.auth = auth;
    this.messages = []; // {from, to: [...], raw, mail: parseMessage(raw)}
    this.rcptAttempts = []; // every RCPT TO address, whatever the answer
    this.connections = 0;
    this.port = 0;
    this.server = null;
    this.sockets = new Set();
    this.waiters = [];
  }

  start(port = this.port) {
    return new Promise((ok, fail) => {
      this.server = net.createServer((s) => this.session(s));
      this.server.once('error', fail);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = this.server.address().port;
        ok(this);
      });
    });
  }

  // Closes the listener and every open connection: clients then get "connection refused".
  async stop() {
    if (!this.server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
    this.server = null;
  }

  to(address) {
    return this.messages.filter((m) => m.to.includes(address));
  }

  // Resolves with the messages once n have arrived (filtered by recipient when given).
  waitFor(n, { to = null, timeout = 20000 } = {}) {
    const have = () => (to ? this.to(to) : this.messages);
    if (have().length >= n) return Promise.resolve(have());
    return new Promise((ok, fail) => {
      const w = { check: () => have().length >= n && (clearTimeout(w.timer), ok(have()), true) };
      w.timer = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        fail(new Error(`SMTP: ${have().length} of ${n} messages${to ? ` to ${to}` : ''} after ${timeout} ms`));
      }, timeout);
      this.waiters.push(w);
    });
  }

  session(sock) {
    this.connections += 1;
    this.sockets.add(sock);
    sock.on('close', () => this.sockets.delete(sock));
    sock.on('error', () => {});
    if (this.mode === 'refuse') {
      sock.end('421 4.3.2 Service not available\r\n');
      return;
    }
    const reply = (line) => sock.write(`${line}\r\n`);
    let st = { helo: false, authed: !this.auth, from: null, to: [], data: null, authStep: null };
    let buf = '';
    reply('220 kvalab-test ESMTP ready');
    sock.on('data', (chunk) => {
      buf += chunk.toString('latin1'); // bytes as they are; decoded per part later
      let i;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (st.data !== null) {
          if (line === '.') {
            const raw = Buffer.from(st.data.join('\r\n') + '\r\n', 'latin1').toString('utf8');
            this.messages.push({ from: st.from, to: st.to, raw, mail: parseMessage(raw) });
            st = { ...st, from: null, to: [], data: null };
            reply(`250 2.0.0 Ok: queued as ${this.messages.length}`);
            this.waiters = this.waiters.filter((w) => !w.check());
          } else {
            st.data.push(line.startsWith('..') ? line.slice(1) : line); // dot-unstuffing
          }
          continue;
        }
        if (st.authStep) {
          st.authStep(line);
          continue;
        }
        this.command(line, st, reply, sock);
      }
    });
  }

  command(line, st, reply, sock) {
    const [verb, ...rest] = line.split(' ');
    const arg = rest.join(' ');
    switch (verb.toUpperCase()) {
      case 'EHLO':
        st.helo = true;
        reply('250-kvalab-test');
        reply('250-8BITMIME');
        if (this.auth) reply('250-AUTH PLAIN LOGIN');
        reply('250 SIZE 10485760');
        return;
      case 'HELO':
        st.helo = true;
        return reply('250 kvalab-test');
      case 'AUTH':
        return this.authenticate(arg, st, reply);
      case 'MAIL': {
        if (!st.helo) return reply('503 5.5.1 EHLO first');
        if (!st.authed) return reply('530 5.7.0 Authentication required');
        const m = arg.match(/^FROM:\s*<([^>]*)>/i);
        if (!m) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
        st.from = m[1];
        st.to = [];
        return reply('250 2.1.0 Ok');
      }
      case 'RCPT': {
        if (st.from === null) return reply('503 5.5.1 MAIL first');
        const m = arg.match(/^TO:\s*<([^>]+)>/i);
        if (!m) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
        this.rcptAttempts.push(m[1]);
        if (this.mode === 'tempfail') return reply('451 4.3.0 Mailbox temporarily unavailable, try again later');
        if (this.mode === 'reject') return reply('550 5.1.1 No such user here');
        st.to.push(m[1]);
        return reply('250 2.1.5 Ok');
      }
      case 'DATA':
        if (!st.to.length) return reply('503 5.5.1 RCPT first');
        st.data = [];
        return reply('354 End data with <CR><LF>.<CR><LF>');
      case 'RSET':
        st.from = null;
        st.to = [];
        return reply('250 2.0.0 Ok');
      case 'NOOP':
        return reply('250 2.0.0 Ok');
      case 'QUIT':
        reply('221 2.0.0 Bye');
        return sock.end();
      default:
        return reply('502 5.5.2 Command not recognised');
    }
  }

  // AUTH PLAIN (with or without the initial response) and AUTH LOGIN.
  authenticate(arg, st, reply) {
    const [mech, initial] = arg.split(' ');
    const b64 = (s) => Buffer.from(s, 'base64').toString('utf8');
    const finish = (user, pass) => {
      st.authStep = null;
      st.authed = this.auth && user === this.auth.user && pass === this.auth.pass;
      reply(st.authed ? '235 2.7.0 Authentication successful' : '535 5.7.8 Authentication credentials invalid');
    };
    const plain = (s) => {
      const [, user, pass] = b64(s).split('\0');
      finish(user, pass);
    };
    if (!this.auth) return reply('503 5.5.1 AUTH not available');
    if (/^PLAIN$/i.test(mech)) {
      if (initial) return plain(initial);
      st.authStep = plain;
      return reply('334 ');
    }
    if (/^LOGIN$/i.test(mech)) {
      let user = null;
      st.authStep = (line) => {
        if (user === null) {
          user = b64(line);
          reply('334 UGFzc3dvcmQ6'); // "Password:"
        } else finish(user, b64(line));
      };
      return reply('334 VXNlcm5hbWU6'); // "Username:"
    }
    return reply('504 5.5.4 Unrecognised authentication type');
  }
}

// ---- MIME -------------------------------------------------------------------------------

// RFC 2047 encoded words (B and Q), with the white space between adjacent words dropped.
export function decodeWords(s) {
  return s
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset, enc, text) => {
      const bytes = /b/i.test(enc)
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (m, h) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return bytes.toString(/utf-?8/i.test(charset) ? 'utf8' : 'latin1');
    });
}

function decodeQuotedPrintable(s) {
  const bytes = [];
  const text = s.replace(/=\r\n/g, '');
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes);
}

// "text/calendar; charset=UTF-8; method=REQUEST" -> {type: 'text/calendar', params: {...}}
function contentType(value = 'text/plain') {
  const [type, ...params] = value.split(';');
  const out = { type: type.trim().toLowerCase(), params: {} };
  for (const p of params) {
    const m = p.trim().match(/^([^=]+)=(?:"([^"]*)"|(.*))$/);
    if (m) out.params[m[1].toLowerCase()] = m[2] ?? m[3];
  }
  return out;
}

function splitHead(raw) {
  const end = raw.indexOf('\r\n\r\n');
  const head = end < 0 ? raw : raw.slice(0, end);
  const body = end < 0 ? '' : raw.slice(end + 4);
  const headers = {};
  for (const line of head.replace(/\r\n[ \t]/g, ' ').split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] ??= line.slice(i + 1).trim();
  }
  return { headers, body };
}

// Every leaf part, depth first: {headers, type, params, filename, content (Buffer)}.
function leaves(raw) {
  const { headers, body } = splitHead(raw);
  const ct = contentType(headers['content-type']);
  if (ct.type.startsWith('multipart/')) {
    const parts = body.split(`--${ct.params.boundary}`).slice(1);
    return parts.filter((p) => !p.startsWith('--')).flatMap((p) => leaves(p.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  }
  const cte = (headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
  const content = cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64')
    : cte === 'quoted-printable' ? decodeQuotedPrintable(body) : Buffer.from(body, 'utf8');
  const disp = contentType(headers['content-disposition'] ?? '');
  return [{ headers, type: ct.type, params: ct.params, filename: disp.params.filename ?? ct.params.name ?? null, content }];
}

// What the tests look at in a received message.
export function parseMessage(raw) {
  const { headers } = splitHead(raw);
  const parts = leaves(raw);
  const text = parts.find((p) => p.type === 'text/plain' && !p.filename);
  const cal = parts.find((p) => p.type === 'text/calendar');
  return {
    headers,
    subject: decodeWords(headers.subject ?? ''),
    from: decodeWords(headers.from ?? ''),
    to: headers.to,
    contentType: contentType(headers['content-type']).type,
    text: text ? text.content.toString('utf8') : null,
    calendar: cal ? { method: cal.params.method, text: cal.content.toString('utf8') } : null,
    attachments: parts.filter((p) => p.filename).map((p) => ({ filename: p.filename, type: p.type, text: p.content.toString('utf8') })),
  };
}
