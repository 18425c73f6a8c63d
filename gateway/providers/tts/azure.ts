/**
 * Azure Speech TTS: one `SpeechSynthesizer` per call, raw PCM at the outbound rate (8/16/24/48 kHz
 * natively, others resampled), SSML with voice, style and rate, audio streamed through a push
 * stream per sentence. The connection is opened ahead of the first sentence
 * (`Connection.fromSynthesizer(...).openConnection()`). An aborted sentence closes the
 * synthesizer (the SDK cannot cancel one request) and the next request opens a fresh one.
 */
import * as sdk from 'microsoft-cognitiveservices-speech-sdk';
import { azureSpeechConfig, type AzureSpeechSettings } from '../azure-speech.ts';
import { ProviderError } from '../errors.ts';
import { createChunkResampler } from './resample.ts';
import { buildSsml } from './ssml.ts';
import type { TtsProvider, TtsRequest, TtsVoice } from './types.ts';

const FORMATS: ReadonlyMap<number, sdk.SpeechSynthesisOutputFormat> = new Map([
  [8000, sdk.SpeechSynthesisOutputFormat.Raw8Khz16BitMonoPcm],
  [16000, sdk.SpeechSynthesisOutputFormat.Raw16Khz16BitMonoPcm],
  [24000, sdk.SpeechSynthesisOutputFormat.Raw24Khz16BitMonoPcm],
  [48000, sdk.SpeechSynthesisOutputFormat.Raw48Khz16BitMonoPcm],
]);

/** The native output rate used for `sampleRateHz` (exact when supported, else 24 kHz then resampled). */
export function azureOutputRate(sampleRateHz: number): number {
  return FORMATS.has(sampleRateHz) ? sampleRateHz : 24000;
}

/** Bound of audio chunks waiting for the consumer (~100 ms each): the SDK pushes faster than real time. */
const MAX_QUEUED_CHUNKS = 600;

/** @example const tts = createAzureTts(config.tts.azure); */
export function createAzureTts(settings: AzureSpeechSettings | undefined): TtsProvider {
  let synth: { s: sdk.SpeechSynthesizer; rate: number; endpointId: string | undefined } | undefined;

  const get = (rate: number, voice: TtsVoice): sdk.SpeechSynthesizer => {
    if (synth && synth.rate === rate && synth.endpointId === voice.customVoiceEndpointId) return synth.s;
    synth?.s.close();
    const config = azureSpeechConfig(settings, 'tts');
    config.speechSynthesisOutputFormat = FORMATS.get(rate) as sdk.SpeechSynthesisOutputFormat;
    if (voice.customVoiceEndpointId) config.endpointId = voice.customVoiceEndpointId;
    const s = new sdk.SpeechSynthesizer(config, null);
    synth = { s, rate, endpointId: voice.customVoiceEndpointId };
    return s;
  };
  const drop = () => {
    try {
      synth?.s.close();
    } catch {
      // Already disposed: the SDK disposes a synthesizer whose request failed.
    }
    synth = undefined;
  };

  return {
    name: 'azure',
    prepare(voice, sampleRateHz) {
      try {
        sdk.Connection.fromSynthesizer(get(azureOutputRate(sampleRateHz), voice)).openConnection();
      } catch {
        // Best effort: the first sentence opens it anyway.
      }
    },
    synthesize: (request, signal) => synthesize(request, signal, get, drop),
    close: async () => drop(),
  };
}

async function* synthesize(
  request: TtsRequest,
  signal: AbortSignal,
  get: (rate: number, voice: TtsVoice) => sdk.SpeechSynthesizer,
  drop: () => void,
): AsyncGenerator<Int16Array> {
  const nativeRate = azureOutputRate(request.sampleRateHz);
  const synthesizer = get(nativeRate, request.voice);
  const resampler = createChunkResampler(nativeRate, request.sampleRateHz);
  const queue: Int16Array[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  // `speakSsmlAsync` takes a callback object (an instance of PushAudioOutputStreamCallback), not a stream.
  const stream = new (class extends sdk.PushAudioOutputStreamCallback {
    write(data: ArrayBuffer): void {
      if (queue.length >= MAX_QUEUED_CHUNKS) return; // consumer gone or stuck: drop, bounded
      queue.push(new Int16Array(data.slice(0, data.byteLength - (data.byteLength % 2))));
      notify();
    }
    close(): void {
      done = true;
      notify();
    }
  })();
  const ssml = buildSsml({ text: request.text, lang: request.voice.lang, voice: request.voice.voice, style: request.style, rate: request.rate });
  synthesizer.speakSsmlAsync(
    ssml,
    (result) => {
      if (result.reason === sdk.ResultReason.Canceled) {
        const details = sdk.CancellationDetails.fromResult(result);
        failure = new ProviderError(`Azure TTS canceled: ${details.errorDetails}`, 'tts:azure', details.ErrorCode !== sdk.CancellationErrorCode.AuthenticationFailure);
      }
      done = true;
      notify();
    },
    (error) => {
      failure = new ProviderError(`Azure TTS failed: ${error}`, 'tts:azure', true);
      drop(); // the SDK disposes the synthesizer after an error: the next request opens a fresh one
      done = true;
      notify();
    },
    stream,
  );
  const onAbort = () => notify();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      if (signal.aborted) {
        if (!done) drop();
        throw signal.reason;
      }
      const next = queue.shift();
      if (next) {
        const out = resampler.process(next);
        if (out.length > 0) yield out;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
