/**
 * speexdsp's MDF echo canceller, run on the bench's signals through a small C harness compiled at
 * bench time (`cc … $(pkg-config --cflags --libs speexdsp)`) into a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A compiled harness, ready to run. */
export interface SpeexHarness {
  readonly binary: string;
  readonly dir: string;
}

/** Result of one speex run. */
export interface SpeexRun {
  /** Output PCM (full scale 1). */
  readonly out: Float32Array;
  /** CPU time per frame inside the speex calls, µs (measured in C). */
  readonly cpuUsPerFrame: number;
}

/**
 * Compiles `speex-harness.c` into `dir`. Throws with the compiler's message if speexdsp or a C
 * compiler is missing (Debian: `apt-get install libspeexdsp-dev`).
 */
export function buildSpeexHarness(dir: string): SpeexHarness {
  const source = join(dirname(fileURLToPath(import.meta.url)), 'speex-harness.c');
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'speexdsp'], { encoding: 'utf8' }).trim().split(/\s+/).filter((f) => f.length > 0);
  const binary = join(dir, 'speex-harness');
  execFileSync('cc', ['-O2', '-o', binary, source, ...flags, '-lm'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { binary, dir };
}

function toInt16(x: Float32Array): Buffer {
  const buf = Buffer.alloc(x.length * 2);
  for (let i = 0; i < x.length; i++) buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round((x[i] as number) * 32768))), i * 2);
  return buf;
}

/** Writes signed 16-bit little-endian PCM of `x` (full scale 1) to `path`. */
export function writePcm16(path: string, x: Float32Array): void {
  writeFileSync(path, toInt16(x));
}

/**
 * Runs speex on `near`/`far` (written as 16-bit PCM under `tag`), optionally with the preprocessor's
 * residual echo suppression.
 */
export function runSpeex(h: SpeexHarness, tag: string, near: Float32Array, far: Float32Array, sampleRateHz: number, frameSamples: number, filterSamples: number, preprocess: boolean): SpeexRun {
  const nearPath = join(h.dir, `${tag}-near.raw`);
  const farPath = join(h.dir, `${tag}-far.raw`);
  const outPath = join(h.dir, `${tag}-speex${preprocess ? '-pp' : ''}.raw`);
  writePcm16(nearPath, near);
  writePcm16(farPath, far);
  const line = execFileSync(h.binary, [nearPath, farPath, outPath, String(sampleRateHz), String(frameSamples), String(filterSamples), preprocess ? '1' : '0'], { encoding: 'utf8' });
  const stats = JSON.parse(line) as { frames: number; cpu_us_per_frame: number };
  const raw = readFileSync(outPath);
  const out = new Float32Array(near.length);
  const n = Math.min(near.length, raw.length / 2);
  for (let i = 0; i < n; i++) out[i] = raw.readInt16LE(i * 2) / 32768;
  return { out, cpuUsPerFrame: stats.cpu_us_per_frame };
}
