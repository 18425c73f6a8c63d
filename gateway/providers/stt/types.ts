/** What the conversation engine needs from a speech-to-text service. */

/** A recognition result: partials while the caller speaks, then a final for each utterance. */
export interface SttResult {
  readonly kind: 'partial' | 'final';
  /** For a partial: the text of the current utterance so far. For a final: the utterance's text. */
  readonly text: string;
}

export interface SttOpenOptions {
  /** BCP-47 language, e.g. `en-US`. */
  readonly lang: string;
  /** The call, for providers that tag sessions (never used as a metric attribute). */
  readonly callId: string;
  readonly onResult: (result: SttResult) => void;
  /** A provider failure (logged by the engine; the stream tries to recover on the next utterance). */
  readonly onError?: (error: unknown) => void;
}

/** One call's recognition session. Input is 16 kHz 16-bit mono PCM, 20 ms frames. */
export interface SttStream {
  /** Caller audio (echo-cancelled); copied if kept. */
  write(pcm16k: Int16Array): void;
  /** VAD: the caller started speaking. */
  speechStarted(): void;
  /** VAD: the caller stopped speaking; providers that need it finish the utterance now. */
  speechEnded(): void;
  /** Switches the recognition language (the caller switched language). */
  setLanguage(lang: string): void;
  /** True while a final result is still expected for speech that has ended. */
  readonly pending: boolean;
  /** Ends the session; idempotent. */
  close(): Promise<void>;
}

/** A speech-to-text service. */
export interface SttProvider {
  readonly name: string;
  open(options: SttOpenOptions): SttStream;
}

/** Input rate of every STT stream. */
export const STT_SAMPLE_RATE_HZ = 16_000;
