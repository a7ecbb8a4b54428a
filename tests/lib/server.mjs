// Starts a real kvalab server on 127.0.0.1 with a random port and a fresh data folder.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, appendFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
export const BIN = process.env.KVALAB_BIN ? resolve(ROOT, process.env.KVALAB_BIN) : join(ROOT, 'build/kvalab');
const TMP = join(ROOT, 'tests/.tmp');

// Runs `kvalab ARGS`; returns {status, stdout, stderr} without throwing.
export function kvalab(args, opts = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

// Picks "label: value" out of kvalab's output.
export function field(output, label) {
  const m = output.match(new RegExp(`^${label}: (.+)$`, 'm'));
  if (!m) throw new Error(`no "${label}:" in output:\n${output}`);
  return m[1].trim();
}

// config: lines appended to DIR/kvalab.ini before the server starts, e.g. a [mail] section.
export async function startServer({ adminEmail = 'admin@lab.example', web = true, config = '' } = {}) {
  mkdirSync(TMP, { recursive: true });
  const base = mkdtempSync(join(TMP, 'srv-'));
  const data = join(base, 'var');
  const init = kvalab(['init', '--data', data, '--admin', adminEmail]);
  if (init.status !== 0) throw new Error(`kvalab init failed: ${init.stderr}`);
  if (config) appendFileSync(join(data, 'kvalab.ini'), `\n${config}\n`);
  const admin = {
    email: adminEmail,
    password: field(init.stdout, 'one-time password'),
    totpSecret: field(init.stdout, 'totp secret'),
  };
  const args = ['serve', '--data', data, '--listen', '127.0.0.1:0', '--instruments', join(ROOT, 'instruments')];
  if (web) args.push('--web', join(ROOT, 'web/dist'));
  let log = '';
  const launch = async () => {
    const proc = spawn(BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stderr.on('data', (d) => { log += d; });
    const url = await new Promise((ok, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`server did not start:\n${log}`)), 15000);
      proc.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on (http:\/\/\S+)/);
        if (m) { clearTimeout(timer); ok(m[1]); }
      });
      proc.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}:\n${log}`)); });
    });
    proc.stdout.resume();
    return { proc, url };
  };
  const first = await launch();
  const server = {
    url: first.url, data, admin, proc: first.proc,
    log: () => log,
    // Kills the server like a power cut (SIGKILL) and starts it again on the same data.
    async crashAndRestart() {
      const dead = new Promise((r) => server.proc.once('exit', r));
      server.proc.kill('SIGKILL');
      await dead;
      // Same port, so clients and upload URLs stay valid, as behind a load balancer.
      const port = new URL(server.url).port;
      args[args.indexOf('--listen') + 1] = `127.0.0.1:${port}`;
      const next = await launch();
      server.proc = next.proc;
      server.url = next.url;
      return server;
    },
    // Stops the server gracefully, runs fn() on its data folder, and starts it again (same port).
    async whileStopped(fn) {
      const dead = new Promise((r) => server.proc.once('exit', r));
      server.proc.kill('SIGTERM');
      await dead;
      await fn();
      const port = new URL(server.url).port;
      args[args.indexOf('--listen') + 1] = `127.0.0.1:${port}`;
      const next = await launch();
      server.proc = next.proc;
      server.url = next.url;
      return server;
    },
    // Stops the server; the data folder is removed unless keep is set (to inspect it after).
    async stop({ keep = false } = {}) {
      const proc = server.proc;
      if (proc.exitCode === null && proc.signalCode === null) {
        const done = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await done;
      }
      if (!keep && !process.env.KV_KEEP_TMP) rmSync(base, { recursive: true, force: true });
    },
  };
  return server;
}
