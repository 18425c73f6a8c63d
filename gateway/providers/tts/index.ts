/**
 * TTS providers behind one interface: Azure Speech, OpenAI speech, espeak-ng (local default where
 * installed), and the stand-in service.
 */
import type { Config } from '../../../control/contract/index.ts';
import { ProviderError } from '../errors.ts';
import { createAzureTts } from './azure.ts';
import { createEspeakTts, espeakInstalled } from './espeak.ts';
import { createOpenAiTts } from './openai.ts';
import { createStandinTts } from './standin.ts';
import type { TtsProvider } from './types.ts';

export { azureOutputRate, createAzureTts } from './azure.ts';
export { createEspeakTts, espeakInstalled, espeakVoiceFor, parseWav } from './espeak.ts';
export { createOpenAiTts, OPENAI_PCM_HZ } from './openai.ts';
export { createChunkResampler, LinearResampler, pcm16FromBytes, type ChunkResampler } from './resample.ts';
export { buildSsml, escapeXml, prosodyRate } from './ssml.ts';
export { createStandinTts } from './standin.ts';
export type { TtsProvider, TtsRequest, TtsVoice } from './types.ts';

/**
 * The TTS of one call from `tts` config. `none` uses espeak-ng when installed (the embedded
 * default), else a provider that fails clearly on use.
 */
export function createTtsProvider(section: Config['tts']): TtsProvider {
  switch (section.provider) {
    case 'azure':
      return createAzureTts(section.azure);
    case 'openai':
      return createOpenAiTts(section.openai);
    case 'espeak':
      return espeakInstalled() ? createEspeakTts() : unavailable('tts.provider is espeak but espeak-ng is not installed');
    case 'standin':
      return section.standin ? createStandinTts(section.standin.url) : unavailable('tts.provider is standin but tts.standin.url is not set');
    case 'none':
      return espeakInstalled() ? createEspeakTts() : unavailable('no TTS configured (tts.provider) and espeak-ng is not installed');
  }
}

function unavailable(message: string): TtsProvider {
  return {
    name: 'none',
    synthesize: () => {
      throw new ProviderError(message, 'tts:none', false);
    },
    close: async () => undefined,
  };
}
