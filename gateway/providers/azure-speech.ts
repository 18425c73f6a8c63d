/** Azure Speech settings (`stt.azure`, `tts.azure`) → the Speech SDK's `SpeechConfig`. */
import * as sdk from 'microsoft-cognitiveservices-speech-sdk';
import { ProviderError } from './errors.ts';

/** The `azure` block of the `stt` / `tts` config sections. */
export interface AzureSpeechSettings {
  readonly region?: string | undefined;
  readonly key?: string | undefined;
  /** Custom endpoint (private link, container); takes precedence over `region`. */
  readonly endpoint?: string | undefined;
}

/**
 * Builds a `SpeechConfig` from settings: endpoint + key, else region + key.
 * @throws ProviderError (not retryable) naming the missing key.
 */
export function azureSpeechConfig(settings: AzureSpeechSettings | undefined, what: 'stt' | 'tts'): sdk.SpeechConfig {
  if (settings?.key === undefined) throw new ProviderError(`Azure Speech needs ${what}.azure.key`, `${what}:azure`, false);
  if (settings.endpoint !== undefined) return sdk.SpeechConfig.fromEndpoint(new URL(settings.endpoint), settings.key);
  if (settings.region === undefined) throw new ProviderError(`Azure Speech needs ${what}.azure.region or ${what}.azure.endpoint`, `${what}:azure`, false);
  return sdk.SpeechConfig.fromSubscription(settings.key, settings.region);
}
