/**
 * Test speech with known truth: espeak-ng sentences, resampled to 16 kHz by sox and trimmed of
 * their own leading and trailing silence, laid out between silences of known length. The truth
 * of each speech segment is where its trimmed clip was placed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A generated recording and where its speech is (ms). */
export interface SpeechFixture {
  readonly pcm: Int16Array;
  readonly segments: ReadonlyArray<{ readonly startMs: number; readonly endMs: number }>;
}

/** Speaks `text` with espeak-ng at 16 kHz mono, trimmed to its voiced part. */
export function speak(text: string, voice = 'en-us'): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), 'speech-'));
  try {
    const wav = join(dir, 'say.wav');
    const raw = join(dir, 'say.raw');
    execFileSync('espeak-ng', ['-v', voice, '-s', '160', '-w', wav, text]);
    // Trim below −50 dBFS at both ends so the clip starts and ends on speech.
    execFileSync('sox', [wav, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed', '-t', 'raw', raw, 'silence', '1', '0.005', '-50d', 'reverse', 'silence', '1', '0.005', '-50d', 'reverse']);
    const buf = readFileSync(raw);
    return new Int16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Lays out `[silence ms, sentence, silence ms, sentence, …, silence ms]`.
 * @example buildFixture([1000, 'Hello there.', 1200, 'I need help.', 1000])
 */
export function buildFixture(parts: ReadonlyArray<number | string>, noiseAmplitude = 30): SpeechFixture {
  const chunks: Int16Array[] = [];
  const segments: Array<{ startMs: number; endMs: number }> = [];
  let samples = 0;
  let seed = 12345;
  const noise = () => {
    // Low line noise (≈ −60 dBFS) so silence is not digital zero; deterministic.
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return Math.round(((seed / 0x7fffffff) * 2 - 1) * noiseAmplitude);
  };
  for (const part of parts) {
    const chunk = typeof part === 'number' ? new Int16Array((part * 16000) / 1000) : speak(part);
    if (typeof part === 'string') segments.push({ startMs: samples / 16, endMs: (samples + chunk.length) / 16 });
    for (let i = 0; i < chunk.length; i++) chunk[i] = Math.max(-32768, Math.min(32767, (chunk[i] as number) + noise()));
    chunks.push(chunk);
    samples += chunk.length;
  }
  const pcm = new Int16Array(samples);
  let at = 0;
  for (const c of chunks) {
    pcm.set(c, at);
    at += c.length;
  }
  return { pcm, segments };
}

/** Merges segments closer than `gapMs` (pauses between words are not turn boundaries). */
export function mergeSegments(segments: ReadonlyArray<{ startMs: number; endMs: number }>, gapMs: number): Array<{ startMs: number; endMs: number }> {
  const out: Array<{ startMs: number; endMs: number }> = [];
  for (const s of segments) {
    const last = out.at(-1);
    if (last && s.startMs - last.endMs < gapMs) last.endMs = Math.max(last.endMs, s.endMs);
    else out.push({ ...s });
  }
  return out;
}
