import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SPEECH_RATE_HZ, speak, speakAll } from './generate.ts';
import { findVoicedRange } from './voiced.ts';
import { readWav, writeWav } from './wav.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'speech-test-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

function rms(pcm: Int16Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += pcm[i]! * pcm[i]!;
  return Math.sqrt(sum / Math.max(1, to - from));
}

describe('findVoicedRange', () => {
  it('finds a tone burst between silences to the sample', () => {
    const pcm = new Int16Array(16_000);
    for (let i = 4000; i < 12_000; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 200 * i) / 16_000) + (i % 2 === 0 ? 1 : -1) * 500);
    const { start, end } = findVoicedRange(pcm, 16_000);
    expect(Math.abs(start - 4000)).toBeLessThanOrEqual(2);
    expect(Math.abs(end - 12_000)).toBeLessThanOrEqual(2);
  });

  it('reports nothing voiced in silence or faint noise', () => {
    const noise = Int16Array.from({ length: 8000 }, (_, i) => ((i * 7919) % 9) - 4);
    expect(findVoicedRange(noise, 16_000)).toEqual({ start: 0, end: 0 });
  });
});

describe('wav', () => {
  it('round-trips PCM and refuses non-WAV input', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);
    const back = readWav(writeWav(pcm, 16_000));
    expect(back.sampleRateHz).toBe(16_000);
    expect(Array.from(back.pcm)).toEqual(Array.from(pcm));
    expect(() => readWav(Buffer.from('hello world, not a wav'))).toThrow(/not a WAV/);
  });
});

describe('speak (espeak-ng + sox)', () => {
  it('produces 16 kHz speech trimmed to its voiced range, cached on disk', async () => {
    const u = await speak('It happened yesterday in the parking lot.', { cacheDir });
    expect(u.sampleRateHz).toBe(SPEECH_RATE_HZ);
    // About 2.5 s at 175 words per minute.
    expect(u.durationMs).toBeGreaterThan(1200);
    expect(u.durationMs).toBeLessThan(5000);
    // Speech throughout: loud in the middle, every edge at the voiced threshold rather than silence.
    expect(rms(u.pcm, Math.floor(u.pcm.length * 0.3), Math.floor(u.pcm.length * 0.7))).toBeGreaterThan(1000);
    expect(findVoicedRange(u.pcm, u.sampleRateHz)).toEqual({ start: 0, end: u.pcm.length });

    const files = readdirSync(cacheDir).filter((f) => f.endsWith('.wav'));
    expect(files).toHaveLength(1);
    const cached = readWav(readFileSync(join(cacheDir, files[0]!)));
    expect(cached.sampleRateHz).toBe(16_000);
    // The cached file holds the untrimmed speech, which has quiet edges around the voice.
    const range = findVoicedRange(cached.pcm, 16_000);
    expect(range.end - range.start).toBe(u.pcm.length);
    expect(rms(cached.pcm, range.start, range.end)).toBeGreaterThan(10 * rms(cached.pcm, range.end, cached.pcm.length) + 1);

    const mtime = statSync(join(cacheDir, files[0]!)).mtimeMs;
    const again = await speak('It happened yesterday in the parking lot.', { cacheDir });
    expect(statSync(join(cacheDir, files[0]!)).mtimeMs).toBe(mtime);
    expect(again.pcm.length).toBe(u.pcm.length);
  });

  it('keys the cache by voice and keeps input order', async () => {
    const [a, b] = await speakAll(
      [
        { text: 'Yes, please.', voice: 'en-us' },
        { text: 'Yes, please.', voice: 'en-gb+m3' },
      ],
      { cacheDir },
    );
    expect(a!.voice).toBe('en-us');
    expect(b!.voice).toBe('en-gb+m3');
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.wav')).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses empty text and reports a bad voice clearly', async () => {
    await expect(speak('   ', { cacheDir })).rejects.toThrow(/empty/);
    await expect(speak('hello', { cacheDir, voice: 'no-such-voice-xx' })).rejects.toThrow(/no voice "no-such-voice-xx"/);
  });
});
