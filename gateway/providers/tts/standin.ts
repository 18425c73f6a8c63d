/** TTS client of the stand-in service (`bench/standins/tts-server.ts` protocol: POST JSON, chunked PCM back). */
import type { IncomingMessage } from 'node:http';
import { httpStream } from '../../../control/contract/index.ts';
import { ProviderError, retryableStatus } from '../errors.ts';
import { pcm16FromBytes } from './resample.ts';
import type { TtsProvider, TtsRequest } from './types.ts';

/** Until the first byte: the stand-in's configured delay is ~120 ms; 10 s means it is stuck. */
const RESPONSE_TIMEOUT_MS = 10_000;

/**
 * Over keep-alive `node:http` rather than `fetch` (a fraction of the CPU per request and per chunk,
 * see control/contract/http-transport.ts).
 * @param baseUrl `tts.standin.url`
 * @example const tts = createStandinTts('http://127.0.0.1:7003');
 */
export function createStandinTts(baseUrl: string): TtsProvider {
  return {
    name: 'standin',
    synthesize: (request, signal) => synthesize(baseUrl, request, signal),
    close: async () => undefined,
  };
}

async function* synthesize(baseUrl: string, request: TtsRequest, signal: AbortSignal): AsyncGenerator<Int16Array> {
  const url = new URL('/v1/synthesize', baseUrl);
  const body = JSON.stringify({ text: request.text, sample_rate_hz: request.sampleRateHz, voice: request.voice.voice, lang: request.voice.lang, style: request.style, rate: request.rate });
  let res: IncomingMessage;
  try {
    res = await httpStream(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal, timeoutMs: RESPONSE_TIMEOUT_MS });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError(`tts stand-in unreachable: ${(error as Error).message}`, 'tts:standin', true, { cause: error });
  }
  const status = res.statusCode ?? 0;
  if (status !== 200) {
    let detail = '';
    for await (const chunk of res) detail += String(chunk);
    throw new ProviderError(`tts stand-in answered ${status}: ${detail.slice(0, 200)}`, 'tts:standin', retryableStatus(status), { status });
  }
  try {
    yield* pcm16FromBytes(res);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError(`tts stand-in stream broke: ${(error as Error).message}`, 'tts:standin', true, { cause: error });
  } finally {
    // A consumer that stops early (barge-in) leaves the body unread: end the request.
    if (!res.complete) res.destroy();
  }
}
