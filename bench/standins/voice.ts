/**
 * Speech-like audio for the TTS stand-ins: a synthetic voiced signal (harmonics of a gliding
 * pitch, shaped into syllables and words) whose length follows the text, or espeak-ng speech
 * when it is installed and asked for.
 */
import { spawn, spawnSync } from 'node:child_process';

/** Milliseconds of synthetic speech per character of text: ~14 characters/s, a calm phone voice. */
export const DEFAULT_MS_PER_CHAR = 70;

/** Sentences kept by {@link synthVoice}: a bench speaks the same few thousands of times. */
const MEMO_ENTRIES = 256;
const memo = new Map<string, Int16Array>();

/**
 * A voiced, non-silent signal for `text`: ~125 Hz harmonics, 4 syllables/s, a short gap between words.
 * The result is shared with later calls for the same text and settings (the last 256 are kept):
 * read it, do not write it. Synthesising a sentence takes milliseconds of CPU, which at 100 calls
 * would make the stand-in a large share of the machine the bench measures.
 * @example synthVoice('Hello there.', 16000).length // ≈ 0.84 s of samples
 */
export function synthVoice(text: string, sampleRateHz: number, options: { msPerChar?: number; rate?: number } = {}): Int16Array {
  const msPerChar = (options.msPerChar ?? DEFAULT_MS_PER_CHAR) / (options.rate ?? 1);
  const key = `${sampleRateHz}|${msPerChar}|${text}`;
  const hit = memo.get(key);
  if (hit !== undefined) {
    // Most recently used last, so the oldest entry is the first to go.
    memo.delete(key);
    memo.set(key, hit);
    return hit;
  }
  const pcm = synthesize(text, sampleRateHz, msPerChar);
  memo.set(key, pcm);
  if (memo.size > MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  return pcm;
}

function synthesize(text: string, sampleRateHz: number, msPerChar: number): Int16Array {
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const totalMs = Math.max(200, text.trim().length * msPerChar);
  const out = new Int16Array(Math.round((totalMs / 1000) * sampleRateHz));
  if (words.length === 0) return out;
  // Word boundaries proportional to word length; 60 ms of near-silence between words.
  const chars = words.reduce((n, w) => n + w.length + 1, 0);
  const gap = Math.round(0.06 * sampleRateHz);
  let start = 0;
  let phase = 0;
  for (const word of words) {
    const len = Math.round(((word.length + 1) / chars) * out.length);
    const voiced = Math.max(0, len - gap);
    for (let i = 0; i < voiced; i++) {
      const t = (start + i) / sampleRateHz;
      const f0 = 125 + 20 * Math.sin(2 * Math.PI * 0.7 * t);
      phase += (2 * Math.PI * f0) / sampleRateHz;
      // Syllable envelope (4 Hz) times a word envelope, so energy rises and falls like speech.
      const syllable = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * (i / sampleRateHz));
      const word = Math.sin((Math.PI * i) / voiced);
      let s = 0;
      for (let h = 1; h <= 6; h++) s += Math.sin(h * phase) / h;
      out[start + i] = Math.round(6000 * syllable * word * s);
    }
    start += len;
    if (start >= out.length) break;
  }
  return out;
}

let espeakChecked: boolean | undefined;

/** True when `espeak-ng` can be run. */
export function espeakAvailable(): boolean {
  if (espeakChecked === undefined) {
    const r = spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' });
    espeakChecked = r.status === 0;
  }
  return espeakChecked;
}

/**
 * Speaks `text` with espeak-ng and returns 16-bit mono PCM at `sampleRateHz`.
 * @param voice espeak voice, e.g. `en-us` or `fr`
 * @param wpm words per minute (espeak default 175)
 */
export async function espeakPcm(text: string, sampleRateHz: number, voice = 'en-us', wpm = 175, signal?: AbortSignal): Promise<Int16Array> {
  const child = spawn('espeak-ng', ['--stdout', '-v', voice, '-s', String(Math.round(wpm)), '--', text], {
    stdio: ['ignore', 'pipe', 'ignore'],
    ...(signal ? { signal } : {}),
  });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) throw new Error(`espeak-ng exited with ${code}`);
  const { pcm, sampleRateHz: rate } = parseWav(Buffer.concat(chunks));
  return resampleLinear(pcm, rate, sampleRateHz);
}

/** Parses a PCM16 mono WAV (tolerates the unknown sizes espeak writes to a pipe). */
export function parseWav(buf: Buffer): { pcm: Int16Array; sampleRateHz: number } {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let rate = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = buf.readUInt32LE(offset + 12);
    if (id === 'data') {
      const end = Math.min(buf.length, offset + 8 + size);
      const bytes = buf.subarray(offset + 8, end - ((end - offset - 8) % 2));
      const pcm = new Int16Array(bytes.length / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(i * 2);
      return { pcm, sampleRateHz: rate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('WAV without data chunk');
}

/** Linear-interpolation resampler (stand-ins only: quality is irrelevant here). */
export function resampleLinear(input: Int16Array, fromHz: number, toHz: number): Int16Array {
  if (fromHz === toHz) return input;
  const out = new Int16Array(Math.floor((input.length * toHz) / fromHz));
  const step = fromHz / toHz;
  for (let i = 0; i < out.length; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    const frac = pos - j;
    const a = input[j] ?? 0;
    const b = input[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * frac);
  }
  return out;
}

/** Little-endian bytes of 16-bit PCM (a copy on big-endian hosts is never needed here: x64/arm64 are LE). */
export function pcmBytes(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
