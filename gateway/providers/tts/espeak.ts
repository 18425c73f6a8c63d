/**
 * espeak-ng, the embedded default TTS where installed: `espeak-ng --stdout` writes a WAV
 * (22.05 kHz) that is parsed and resampled. Robotic but local, fast (~15 ms a sentence) and free.
 */
import { spawn, spawnSync } from 'node:child_process';
import { ProviderError } from '../errors.ts';
import { createChunkResampler } from './resample.ts';
import type { TtsProvider, TtsRequest } from './types.ts';

/** espeak's default speed (words per minute) at rate 1. */
const BASE_WPM = 175;
/** A sentence longer than this is refused (espeak would take seconds; the splitter keeps pieces short). */
const MAX_CHARS = 2000;

let available: boolean | undefined;

/** True when `espeak-ng` runs on this machine. */
export function espeakInstalled(): boolean {
  available ??= spawnSync('espeak-ng', ['--version'], { stdio: 'ignore' }).status === 0;
  return available;
}

/** espeak voice for a BCP-47 code: `en-US` → `en-us`, `en-GB` → `en-gb`, `fr-FR` → `fr`. */
export function espeakVoiceFor(lang: string): string {
  const [base = 'en', region] = lang.toLowerCase().split('-');
  if (base === 'en') return region === 'gb' ? 'en-gb' : 'en-us';
  if (base === 'pt' && region === 'br') return 'pt-br';
  return base;
}

/** @example const tts = createEspeakTts(); */
export function createEspeakTts(): TtsProvider {
  return { name: 'espeak', synthesize, close: async () => undefined };
}

async function* synthesize(request: TtsRequest, signal: AbortSignal): AsyncGenerator<Int16Array> {
  if (request.text.length > MAX_CHARS) throw new ProviderError(`text longer than ${MAX_CHARS} characters`, 'tts:espeak', false);
  const wpm = String(Math.round(BASE_WPM * request.rate));
  const child = spawn('espeak-ng', ['--stdout', '-v', espeakVoiceFor(request.voice.lang), '-s', wpm, '--', request.text], { stdio: ['ignore', 'pipe', 'pipe'], signal });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).catch((error: unknown) => {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError(`espeak-ng could not run: ${(error as Error).message}`, 'tts:espeak', false, { cause: error });
  });
  if (signal.aborted) throw signal.reason;
  if (code !== 0) throw new ProviderError(`espeak-ng exited with ${code}: ${stderr.slice(0, 200)}`, 'tts:espeak', false);
  const { pcm, sampleRateHz } = parseWav(Buffer.concat(chunks));
  const out = createChunkResampler(sampleRateHz, request.sampleRateHz).process(pcm);
  // Hand it over in 100 ms pieces, like a streaming service, so that outbound pacing starts early.
  const step = Math.round(request.sampleRateHz / 10);
  for (let i = 0; i < out.length; i += step) yield out.subarray(i, i + step);
}

/** Parses a 16-bit mono PCM WAV; tolerates the placeholder sizes espeak writes to a pipe. */
export function parseWav(buf: Buffer): { pcm: Int16Array; sampleRateHz: number } {
  if (buf.length < 44 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new ProviderError('espeak-ng did not produce a WAV', 'tts:espeak', false);
  }
  let offset = 12;
  let rate = 22_050;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = buf.readUInt32LE(offset + 12);
    if (id === 'data') {
      const start = offset + 8;
      const end = Math.min(buf.length, start + size);
      const bytes = end - start - ((end - start) % 2);
      const pcm = new Int16Array(bytes / 2);
      new Uint8Array(pcm.buffer).set(buf.subarray(start, start + bytes));
      return { pcm, sampleRateHz: rate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new ProviderError('WAV without data chunk', 'tts:espeak', false);
}
