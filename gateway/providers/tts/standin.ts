/** TTS client of the stand-in service (`bench/standins/tts-server.ts` protocol: POST JSON, chunked PCM back). */
import { ProviderError, retryableStatus } from '../errors.ts';
import { pcm16FromBytes } from './resample.ts';
import type { TtsProvider, TtsRequest } from './types.ts';

/**
 * @param baseUrl `tts.standin.url`
 * @example const tts = createStandinTts('http://127.0.0.1:7003');
 */
export function createStandinTts(baseUrl: string, fetchImpl: typeof fetch = globalThis.fetch): TtsProvider {
  return {
    name: 'standin',
    synthesize: (request, signal) => synthesize(baseUrl, fetchImpl, request, signal),
    close: async () => undefined,
  };
}

async function* synthesize(baseUrl: string, fetchImpl: typeof fetch, request: TtsRequest, signal: AbortSignal): AsyncGenerator<Int16Array> {
  let res: Response;
  try {
    res = await fetchImpl(new URL('/v1/synthesize', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: request.text, sample_rate_hz: request.sampleRateHz, voice: request.voice.voice, lang: request.voice.lang, style: request.style, rate: request.rate }),
      signal,
    });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError(`tts stand-in unreachable: ${(error as Error).message}`, 'tts:standin', true, { cause: error });
  }
  if (!res.ok || res.body === null) {
    const detail = await res.text().catch(() => '');
    throw new ProviderError(`tts stand-in answered ${res.status}: ${detail.slice(0, 200)}`, 'tts:standin', retryableStatus(res.status), { status: res.status });
  }
  try {
    yield* pcm16FromBytes(res.body);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new ProviderError(`tts stand-in stream broke: ${(error as Error).message}`, 'tts:standin', true, { cause: error });
  }
}
