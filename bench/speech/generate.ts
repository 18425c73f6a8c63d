/**
 * Real speech for the synthetic callers, made at run time with espeak-ng and resampled to 16 kHz
 * with sox, cached on disk by text + voice + rate (never committed: generated on first use).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findVoicedRange } from './voiced.ts';
import { readWav } from './wav.ts';

const run = promisify(execFile);

/** Sample rate of generated speech: the ACS `Pcm16KMono` format. */
export const SPEECH_RATE_HZ = 16_000;

/** Default cache folder; override with `SpeechOptions.cacheDir`. */
export const DEFAULT_SPEECH_CACHE = join(tmpdir(), 'callcenter-bench-speech');

/** Bump when the generation or trimming changes, so stale cache entries are not reused. */
const CACHE_VERSION = 'v1';

/** One spoken utterance, trimmed to its voiced range. */
export interface Utterance {
  readonly text: string;
  readonly voice: string;
  readonly sampleRateHz: number;
  /** 16-bit mono PCM. The first sample is the first voiced one and the last the last voiced one. */
  readonly pcm: Int16Array;
  /** Length of `pcm` (ms). */
  readonly durationMs: number;
}

export interface SpeechOptions {
  /** espeak-ng voice (default `en-us`). */
  readonly voice?: string;
  /** Words per minute (espeak default 175). */
  readonly wpm?: number;
  /** Cache folder (default {@link DEFAULT_SPEECH_CACHE}). */
  readonly cacheDir?: string;
}

/** Raised when espeak-ng or sox is missing or fails; names the tool and what it printed. */
export class SpeechToolError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpeechToolError';
  }
}

/**
 * Speaks `text` (cached): espeak-ng writes a WAV, sox resamples it to 16 kHz mono 16-bit, and the
 * result is trimmed to its voiced range.
 * @example const u = await speak('Hello, I would like to report an accident.', { voice: 'en-gb' });
 */
export async function speak(text: string, options: SpeechOptions = {}): Promise<Utterance> {
  if (text.trim() === '') throw new Error('speak: text is empty');
  const voice = options.voice ?? 'en-us';
  const wpm = Math.round(options.wpm ?? 175);
  const dir = options.cacheDir ?? DEFAULT_SPEECH_CACHE;
  const key = createHash('sha256').update(`${CACHE_VERSION}\0${voice}\0${wpm}\0${text}`).digest('hex').slice(0, 32);
  const file = join(dir, `${key}.wav`);
  if (!existsSync(file)) {
    await checkVoice(voice);
    await generate(text, voice, wpm, dir, file);
  }
  const { pcm, sampleRateHz } = readWav(readFileSync(file));
  if (sampleRateHz !== SPEECH_RATE_HZ) throw new SpeechToolError(`cached ${file} is ${sampleRateHz} Hz, expected ${SPEECH_RATE_HZ}`);
  const { start, end } = findVoicedRange(pcm, sampleRateHz);
  if (end <= start) throw new SpeechToolError(`espeak-ng produced no audible speech for "${text}" (voice ${voice})`);
  const voiced = pcm.slice(start, end);
  return { text, voice, sampleRateHz, pcm: voiced, durationMs: (voiced.length / sampleRateHz) * 1000 };
}

/**
 * Speaks every text with every voice it is paired with, at most two tools at a time (the machine
 * is shared). Returns utterances in input order.
 */
export async function speakAll(items: ReadonlyArray<{ text: string; voice: string }>, options: Omit<SpeechOptions, 'voice'> = {}): Promise<Utterance[]> {
  const out: Utterance[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      out[i] = await speak(item.text, { ...options, voice: item.voice });
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}

let voices: Promise<Set<string>> | undefined;

/**
 * espeak-ng silently falls back to its default voice for an unknown name; refuse it instead.
 * A voice is `<language or voice name>[+variant]`, as listed by `espeak-ng --voices`.
 */
async function checkVoice(voice: string): Promise<void> {
  voices ??= (async () => {
    let stdout: string;
    try {
      ({ stdout } = await run('espeak-ng', ['--voices'], { timeout: 30_000 }));
    } catch (error) {
      voices = undefined;
      throw new SpeechToolError('espeak-ng is not installed or failed to list voices (apt-get install -y espeak-ng sox)', { cause: error });
    }
    const known = new Set<string>();
    for (const line of stdout.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 5) continue;
      known.add(cols[1]!.toLowerCase());
      known.add(cols[3]!.toLowerCase());
      known.add(cols[4]!.toLowerCase());
      known.add(cols[4]!.split('/').pop()!.toLowerCase());
    }
    return known;
  })();
  const base = voice.split('+')[0]!.toLowerCase();
  if (!(await voices).has(base)) throw new SpeechToolError(`espeak-ng has no voice "${base}" (see espeak-ng --voices)`);
}

async function generate(text: string, voice: string, wpm: number, dir: string, file: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const unique = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const raw = join(dir, `.raw-${unique}.wav`);
  const out = join(dir, `.out-${unique}.wav`);
  try {
    await tool('espeak-ng', ['-v', voice, '-s', String(wpm), '-w', raw, '--', text]);
    await tool('sox', [raw, '-r', String(SPEECH_RATE_HZ), '-c', '1', '-b', '16', '-e', 'signed-integer', out]);
    // Rename is atomic: concurrent runs never read a half-written cache entry.
    renameSync(out, file);
  } finally {
    rmSync(raw, { force: true });
    rmSync(out, { force: true });
  }
}

async function tool(command: string, args: string[]): Promise<void> {
  try {
    await run(command, args, { timeout: 30_000 });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new SpeechToolError(`${command} is not installed (apt-get install -y espeak-ng sox)`, { cause: error });
    throw new SpeechToolError(`${command} failed: ${String(e.stderr ?? e.message).trim()}`, { cause: error });
  }
}

