// Test recordings made on the fly with ffmpeg (lavfi test sources) and espeak-ng; none are
// committed. Each carries a marker string in its metadata so tests can look for plaintext.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { ROOT } from './server.mjs';

const DIR = join(ROOT, 'tests/.tmp/media');
export const MARKER = 'KVALAB-PLAINTEXT-MARKER-7f3a';

function ffmpeg(args, out) {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, out);
  if (!existsSync(path)) {
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args, '-metadata', `comment=${MARKER}`, path]);
  }
  return path;
}

// H.264 + AAC in MP4 with the index first: plays in browsers as it is.
export function playableMp4({ seconds = 4, size = '320x240', bitrate = '400k', name } = {}) {
  return ffmpeg([
    // Noise keeps the encoder at the asked bitrate, so sizes are predictable.
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25,noise=alls=40:allf=t+u`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-b:v', bitrate, '-minrate', bitrate, '-maxrate', bitrate, '-bufsize', '1M', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart',
  ], name ?? `playable-${seconds}s-${size}-${bitrate}.mp4`);
}

// MPEG-4 Part 2 with MP3 in AVI: real video that browsers cannot play, so it is transcoded.
export function unplayableAvi({ seconds = 3, size = '320x240' } = {}) {
  return ffmpeg([
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-f', 'lavfi', '-i', 'sine=frequency=330',
    '-t', String(seconds), '-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'libmp3lame', '-b:a', '64k',
  ], `unplayable-${seconds}s-${size}.avi`);
}

// A spoken sentence as WAV: audio-only and not one of the formats served as is.
export function speechWav() {
  mkdirSync(DIR, { recursive: true });
  const path = join(DIR, 'speech.wav');
  if (!existsSync(path)) {
    execFileSync('espeak-ng', ['-v', 'nb', '-w', path, 'Hvordan opplevde du det da hun sa det?']);
  }
  return path;
}

export function bytes(path) {
  return readFileSync(path);
}

export function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}
