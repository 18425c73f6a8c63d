/**
 * Stand-in TTS service. Protocol (ours): `POST /v1/synthesize` with JSON
 * `{ text, sample_rate_hz, voice?, lang?, style?, rate? }` answers `200` with a chunked body of
 * 16-bit little-endian mono PCM at `sample_rate_hz` (header `x-sample-rate`), first byte after
 * `ttfbMs`, then produced `realtimeFactor` times faster than real time. Errors are JSON
 * `{ "error": { "message" } }` with a 4xx/5xx status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, Lateness, listen, readJson, requestSignal, sendJson, waitUntil, writeChunk } from './http.ts';
import { espeakAvailable, espeakPcm, pcmBytes, synthVoice } from './voice.ts';

/** A synthesis request as received. */
export interface TtsRequest {
  readonly text: string;
  readonly sample_rate_hz: number;
  readonly voice?: string;
  readonly lang?: string;
  readonly style?: string;
  readonly rate?: number;
  /** Server clock (ms, `performance.now()`) when the request arrived. */
  readonly receivedAt: number;
}

export interface TtsStandinOptions {
  port?: number;
  /** Time to first byte (ms); 120 resembles a good cloud voice. */
  ttfbMs?: number;
  /** Audio produced per unit of wall time; 1 is real time, `Infinity` sends it all at once. */
  realtimeFactor?: number;
  /** Size of each body chunk (ms of audio). */
  chunkMs?: number;
  /** `synthetic` (default: cheap, deterministic) or `espeak` (real speech via espeak-ng, synthetic when not installed). */
  voice?: 'synthetic' | 'espeak';
  /** Synthetic voice length per character (ms) at rate 1. */
  msPerChar?: number;
  /** Answer a request with an error instead (tests of provider failures). */
  fail?: (req: TtsRequest) => { status: number; message?: string } | undefined;
}

/** A running TTS stand-in. */
export interface TtsStandin {
  /** Base URL for the `standin` TTS provider (`tts.standin.url`). */
  readonly url: string;
  readonly requests: TtsRequest[];
  /** How late each answer's first audio left, after its arrival plus the time to first byte. */
  readonly firstByteLateness: Lateness;
  close(): Promise<void>;
}

const RATES = new Set([8000, 16000, 22050, 24000, 44100, 48000]);

/**
 * Starts the TTS stand-in on loopback.
 * @example const tts = await startTtsStandin({ ttfbMs: 50 });
 */
export async function startTtsStandin(options: TtsStandinOptions = {}): Promise<TtsStandin> {
  const requests: TtsRequest[] = [];
  const ttfbMs = options.ttfbMs ?? 120;
  const factor = options.realtimeFactor ?? 4;
  const chunkMs = options.chunkMs ?? 100;
  const useEspeak = options.voice === 'espeak' && espeakAvailable();
  const firstByteLateness = new Lateness();

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedAt = performance.now();
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      if (req.method !== 'POST' || path !== '/v1/synthesize') throw new HttpError(404, `no route ${req.method} ${path}`);
      const request = parseRequest(await readJson(req), arrivedAt);
      requests.push(request);
      const failure = options.fail?.(request);
      if (failure) throw new HttpError(failure.status, failure.message ?? `scripted error ${failure.status}`);
      const signal = requestSignal(req, res);
      const pcm = useEspeak
        ? await espeakPcm(request.text, request.sample_rate_hz, espeakVoice(request.lang), 175 * (request.rate ?? 1), signal)
        : synthVoice(request.text, request.sample_rate_hz, { rate: request.rate ?? 1, ...(options.msPerChar ? { msPerChar: options.msPerChar } : {}) });
      await stream(res, pcm, request.sample_rate_hz, { startAt: request.receivedAt, ttfbMs, factor, chunkMs, lateness: firstByteLateness }, signal);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      sendJson(res, error.status, { error: { message: error.message } });
    }
  };
  const server = await listen(handler, options.port);
  return { url: server.baseUrl, requests, firstByteLateness, close: () => server.close() };
}

function parseRequest(body: unknown, receivedAt: number): TtsRequest {
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b.text !== 'string' || b.text.trim() === '') throw new HttpError(400, 'text must be a non-empty string');
  if (b.text.length > 5000) throw new HttpError(400, 'text longer than 5000 characters');
  if (typeof b.sample_rate_hz !== 'number' || !RATES.has(b.sample_rate_hz)) throw new HttpError(400, `sample_rate_hz must be one of ${[...RATES].join(', ')}`);
  if (b.rate !== undefined && (typeof b.rate !== 'number' || b.rate < 0.25 || b.rate > 4)) throw new HttpError(400, 'rate must be a number in [0.25, 4]');
  return {
    text: b.text,
    sample_rate_hz: b.sample_rate_hz,
    ...(typeof b.voice === 'string' ? { voice: b.voice } : {}),
    ...(typeof b.lang === 'string' ? { lang: b.lang } : {}),
    ...(typeof b.style === 'string' ? { style: b.style } : {}),
    ...(typeof b.rate === 'number' ? { rate: b.rate } : {}),
    receivedAt,
  };
}

function espeakVoice(lang: string | undefined): string {
  const base = (lang ?? 'en-US').toLowerCase();
  if (base.startsWith('en')) return base === 'en-gb' ? 'en-gb' : 'en-us';
  return base.split('-')[0] ?? 'en-us';
}

async function stream(
  res: ServerResponse,
  pcm: Int16Array,
  rateHz: number,
  t: { startAt: number; ttfbMs: number; factor: number; chunkMs: number; lateness: Lateness },
  signal: AbortSignal,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-sample-rate': String(rateHz), 'transfer-encoding': 'chunked' });
  const bytes = pcmBytes(pcm);
  const chunkBytes = Math.max(2, Math.round((rateHz * t.chunkMs) / 1000) * 2);
  const gapMs = Number.isFinite(t.factor) && t.factor > 0 ? t.chunkMs / t.factor : 0;
  // Chunks leave on a schedule from the request's arrival: a late timer delays one chunk only.
  const firstAt = t.startAt + t.ttfbMs;
  try {
    await waitUntil(firstAt, signal);
    t.lateness.record(firstAt);
    for (let i = 0, k = 0; i < bytes.length; i += chunkBytes, k++) {
      if (k > 0 && gapMs > 0) await waitUntil(firstAt + k * gapMs, signal);
      await writeChunk(res, bytes.subarray(i, i + chunkBytes), signal);
    }
    res.end();
  } catch {
    res.destroy();
  }
}
