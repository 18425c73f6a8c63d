/** What the conversation engine needs from a text-to-speech service. */
import type { Style } from '../../../control/contract/index.ts';

/** The voice of a language, as configured per call (`initiate.lang.availables[]`). */
export interface TtsVoice {
  /** BCP-47 short code, e.g. `fr-FR`. */
  readonly lang: string;
  /** Provider voice name, e.g. `fr-FR-DeniseNeural`. */
  readonly voice: string;
  readonly customVoiceEndpointId?: string | undefined;
}

/** One piece of speech to synthesize. */
export interface TtsRequest {
  readonly text: string;
  readonly voice: TtsVoice;
  readonly style: Style;
  /** Speaking rate, 1 = normal (`prosody_rate`, `speech_speed`). */
  readonly rate: number;
  /** Rate of the PCM wanted (the outbound's). */
  readonly sampleRateHz: number;
}

/** A TTS service bound to one call. */
export interface TtsProvider {
  /** Low-cardinality name for logs and metrics (`azure`, `openai`, `espeak`, `standin`). */
  readonly name: string;
  /**
   * Streams 16-bit mono PCM at `sampleRateHz` as it is produced. Throws {@link ProviderError} on
   * failure and the abort reason when `signal` aborts.
   */
  synthesize(request: TtsRequest, signal: AbortSignal): AsyncIterable<Int16Array>;
  /** Opens connections ahead of the first sentence, for this voice and output rate (best effort, never throws). */
  prepare?(voice: TtsVoice, sampleRateHz: number): void;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}
