/** STT providers behind one interface: Azure Speech (streaming), OpenAI transcription (per utterance), the stand-in service. */
import type { Config } from '../../../control/contract/index.ts';
import { ProviderError } from '../errors.ts';
import { createAzureStt } from './azure.ts';
import { createOpenAiStt } from './openai.ts';
import { createStandinStt } from './standin.ts';
import type { SttProvider } from './types.ts';

export { azureRecognitionConfig, createAzureStt } from './azure.ts';
export { createOpenAiStt, isoLanguage, wavFile } from './openai.ts';
export { createStandinStt } from './standin.ts';
export { STT_SAMPLE_RATE_HZ, type SttOpenOptions, type SttProvider, type SttResult, type SttStream } from './types.ts';

/** The STT from `stt` config; `none` yields a provider that reports clearly that nothing is recognized. */
export function createSttProvider(section: Config['stt']): SttProvider {
  switch (section.provider) {
    case 'azure':
      return createAzureStt(section.azure);
    case 'openai':
      return createOpenAiStt(section.openai);
    case 'standin':
      return section.standin ? createStandinStt(section.standin.url) : unavailable('stt.provider is standin but stt.standin.url is not set');
    case 'none':
      return unavailable('no STT configured (stt.provider): the caller cannot be understood');
  }
}

function unavailable(message: string): SttProvider {
  return {
    name: 'none',
    open(options) {
      options.onError?.(new ProviderError(message, 'stt:none', false));
      return { pending: false, write() {}, speechStarted() {}, speechEnded() {}, setLanguage() {}, close: async () => undefined };
    },
  };
}
