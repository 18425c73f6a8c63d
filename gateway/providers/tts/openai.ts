/**
 * OpenAI speech: `audio.speech.create` with `response_format: 'pcm'` (24 kHz, 16-bit LE mono),
 * streamed and resampled to the outbound rate. Styles become spoken-style `instructions`
 * (gpt-4o-mini-tts); `rate` is the API's `speed`.
 */
import OpenAI from 'openai';
import { toProviderError } from '../llm/openai-chat.ts';
import { ProviderError } from '../errors.ts';
import { createChunkResampler, pcm16FromBytes } from './resample.ts';
import type { TtsProvider, TtsRequest } from './types.ts';

/** OpenAI's `pcm` format rate. */
export const OPENAI_PCM_HZ = 24_000;

const STYLE_INSTRUCTIONS: Record<string, string> = {
  cheerful: 'Speak in a warm, cheerful and upbeat tone.',
  sad: 'Speak in a soft, empathetic and sorry tone.',
};

export interface OpenAiTtsSettings {
  readonly model: string;
  /** OpenAI voice (`alloy`, `verse`…); a per-language voice name that is not an OpenAI voice is ignored. */
  readonly voice: string;
  readonly endpoint?: string | undefined;
  readonly api_key?: string | undefined;
}

/** @example const tts = createOpenAiTts(config.tts.openai); */
export function createOpenAiTts(settings: OpenAiTtsSettings, options: { fetch?: typeof fetch } = {}): TtsProvider {
  const client =
    settings.api_key === undefined
      ? undefined
      : new OpenAI({ apiKey: settings.api_key, maxRetries: 1, ...(settings.endpoint ? { baseURL: settings.endpoint } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  return {
    name: 'openai',
    synthesize: (request, signal) => {
      if (client === undefined) throw new ProviderError('OpenAI TTS has no credentials: set tts.openai.api_key or OPENAI_API_KEY', 'tts:openai', false);
      return synthesize(client, settings, request, signal);
    },
    close: async () => undefined,
  };
}

async function* synthesize(client: OpenAI, settings: OpenAiTtsSettings, request: TtsRequest, signal: AbortSignal): AsyncGenerator<Int16Array> {
  const instructions = STYLE_INSTRUCTIONS[request.style];
  const resampler = createChunkResampler(OPENAI_PCM_HZ, request.sampleRateHz);
  try {
    const res = await client.audio.speech.create(
      {
        model: settings.model,
        voice: settings.voice,
        input: request.text,
        response_format: 'pcm',
        speed: Math.min(4, Math.max(0.25, request.rate)),
        ...(instructions && settings.model.includes('gpt') ? { instructions } : {}),
      },
      { signal },
    );
    if (res.body === null) throw new ProviderError('OpenAI TTS returned no body', 'tts:openai', true);
    for await (const pcm of pcm16FromBytes(res.body as unknown as AsyncIterable<Uint8Array>)) {
      const out = resampler.process(pcm);
      if (out.length > 0) yield out;
    }
  } catch (error) {
    throw toProviderError(error, 'tts:openai', signal);
  }
}
