/**
 * Azure Speech continuous recognition: caller audio goes into a push stream
 * (`AudioStreamFormat.getWaveFormatPCM(16000, 16, 1)`), `recognizing` events are partials and
 * `recognized` events finals. Switching language recreates the recognizer on a fresh stream.
 * Tested through the real SDK against the Speech-protocol stand-in (`azure-wire.test.ts`).
 */
import * as sdk from 'microsoft-cognitiveservices-speech-sdk';
import { azureSpeechConfig, type AzureSpeechSettings } from '../azure-speech.ts';
import { ProviderError } from '../errors.ts';
import { STT_SAMPLE_RATE_HZ, type SttOpenOptions, type SttProvider, type SttStream } from './types.ts';

/** Silence Azure waits for before it finalizes a phrase; ours is VAD's job, keep Azure's short (ms). */
const SEGMENTATION_SILENCE_MS = '300';

/** @example const stt = createAzureStt(config.stt.azure); */
export function createAzureStt(settings: AzureSpeechSettings | undefined): SttProvider {
  return { name: 'azure', open: (o) => new AzureSttStream(settings, o) };
}

/** The recognizer's SpeechConfig for a language (exported for tests of the mapping). */
export function azureRecognitionConfig(settings: AzureSpeechSettings | undefined, lang: string): sdk.SpeechConfig {
  const config = azureSpeechConfig(settings, 'stt');
  config.speechRecognitionLanguage = lang;
  config.setProperty(sdk.PropertyId.Speech_SegmentationSilenceTimeoutMs, SEGMENTATION_SILENCE_MS);
  return config;
}

class AzureSttStream implements SttStream {
  #push: sdk.PushAudioInputStream | undefined;
  #recognizer: sdk.SpeechRecognizer | undefined;
  #partial = false;
  #closed = false;

  constructor(
    readonly settings: AzureSpeechSettings | undefined,
    readonly options: SttOpenOptions,
  ) {
    this.#start(options.lang);
  }

  get pending(): boolean {
    return this.#partial;
  }

  write(pcm16k: Int16Array): void {
    // The SDK keeps the buffer: hand it a copy.
    this.#push?.write(pcm16k.buffer.slice(pcm16k.byteOffset, pcm16k.byteOffset + pcm16k.byteLength) as ArrayBuffer);
  }

  speechStarted(): void {}

  speechEnded(): void {}

  setLanguage(lang: string): void {
    if (this.#closed) return;
    this.#stop();
    this.#start(lang);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop();
  }

  #start(lang: string): void {
    let config: sdk.SpeechConfig;
    try {
      config = azureRecognitionConfig(this.settings, lang);
    } catch (error) {
      this.options.onError?.(error);
      return;
    }
    const push = sdk.AudioInputStream.createPushStream(sdk.AudioStreamFormat.getWaveFormatPCM(STT_SAMPLE_RATE_HZ, 16, 1));
    const recognizer = new sdk.SpeechRecognizer(config, sdk.AudioConfig.fromStreamInput(push));
    recognizer.recognizing = (_s, e) => {
      this.#partial = true;
      this.options.onResult({ kind: 'partial', text: e.result.text });
    };
    recognizer.recognized = (_s, e) => {
      this.#partial = false;
      if (e.result.reason === sdk.ResultReason.RecognizedSpeech) this.options.onResult({ kind: 'final', text: e.result.text });
    };
    recognizer.canceled = (_s, e) => {
      this.#partial = false;
      if (e.reason === sdk.CancellationReason.Error) {
        this.options.onError?.(new ProviderError(`Azure STT canceled: ${e.errorDetails}`, 'stt:azure', e.errorCode !== sdk.CancellationErrorCode.AuthenticationFailure));
      }
    };
    recognizer.startContinuousRecognitionAsync(undefined, (error) => this.options.onError?.(new ProviderError(`Azure STT could not start: ${error}`, 'stt:azure', true)));
    this.#push = push;
    this.#recognizer = recognizer;
  }

  #stop(): void {
    const recognizer = this.#recognizer;
    this.#push?.close();
    this.#push = undefined;
    this.#recognizer = undefined;
    this.#partial = false;
    recognizer?.stopContinuousRecognitionAsync(
      () => recognizer.close(),
      () => recognizer.close(),
    );
  }
}
