// RFC 6238 TOTP (SHA-1, 30 s, 6 digits) so tests can log in like an authenticator app.
import { createHmac } from 'node:crypto';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`bad base32 character ${ch}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totp(secret, at = Date.now(), stepOffset = 0) {
  const counter = Math.floor(at / 1000 / 30) + stepOffset;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(off) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

// kvalab refuses a code whose time step was already used, and accepts one step of drift
// either way; so after a sign-in in this step, the next step's code is valid at once. The last
// step used per secret is remembered here; only when both are spent does this wait.
const lastStep = new Map();
export async function freshTotp(secret, lastCode) {
  for (;;) {
    const cur = Math.floor(Date.now() / 1000 / 30);
    const used = lastStep.get(secret) ?? -1;
    for (const step of [cur, cur + 1]) {
      const code = totp(secret, step * 30 * 1000);
      if (step > used && code !== lastCode) {
        lastStep.set(secret, step);
        return code;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
