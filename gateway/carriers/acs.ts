/**
 * Azure Communication Services bidirectional media streaming (JSON text frames).
 * Inbound: `AudioMetadata` (`audioMetadata: {subscriptionId, encoding: 'PCM', sampleRate, channels, length}`),
 * `AudioData` (`audioData: {data: base64 PCM16 mono, timestamp, participantRawID, silent}`),
 * `DtmfData` (`dtmfData: {data: digit}`); `kind` is accepted in either casing.
 * Outbound: exactly what the SDK's `createOutboundAudioData` / `createOutboundStopAudioData` write:
 * `{"kind":"audioData","audioData":{"data":…,"isSilent":false},"stopAudio":{}}` and
 * `{"kind":"stopAudio","stopAudio":{}}`.
 */
import { Buffer } from 'node:buffer';
import type { AudioIn, CarrierCodec, InboundEvent, OutboundEvent, WireMessage } from './types.ts';
import { MAX_AUDIO_MS, base64Of, decodeBase64Into, objectField, parseObject, textOf } from './wire.ts';

const STOP_AUDIO: WireMessage = { data: '{"kind":"stopAudio","stopAudio":{}}', binary: false };
const DTMF_DIGITS = /^[0-9*#A-Da-d]$/;

/** ACS codec of one call. */
export class AcsCodec implements CarrierCodec {
  readonly carrier = 'acs' as const;
  #rate: number;
  readonly #scratch: Buffer;
  readonly #samples: Int16Array;
  readonly #audio: AudioIn;
  /** Reused for every outbound audio message (valid until the next `encode`). */
  readonly #wire: { data: string | Uint8Array; binary: boolean } = { data: '', binary: false };

  /** @param sampleRateHz the format requested from ACS (16000 or 24000); `AudioMetadata` may confirm it. */
  constructor(sampleRateHz: 16000 | 24000) {
    this.#rate = sampleRateHz;
    const bytes = ((24000 * MAX_AUDIO_MS) / 1000) * 2;
    const ab = new ArrayBuffer(bytes);
    this.#scratch = Buffer.from(ab);
    this.#samples = new Int16Array(ab);
    this.#audio = { type: 'audio', pcm: this.#samples.subarray(0, 0), sampleRateHz: sampleRateHz, silent: false };
  }

  get sampleRateHz(): number {
    return this.#rate;
  }

  get frameSamples(): number {
    return this.#rate / 50;
  }

  decode(message: ArrayBuffer | Uint8Array | string, _isBinary: boolean): InboundEvent | undefined {
    // ACS sends text frames; a binary frame holding the same JSON is accepted too (the SDK parses both).
    const msg = parseObject(textOf(message));
    if (msg === undefined) return { type: 'invalid', problem: 'bad_json', detail: 'not a JSON object' };
    const kind = typeof msg.kind === 'string' ? msg.kind.toLowerCase() : undefined;
    switch (kind) {
      case 'audiodata':
        return this.#audioData(msg);
      case 'audiometadata':
        return this.#metadata(msg);
      case 'dtmfdata': {
        const digit = objectField(msg, 'dtmfData')?.data;
        if (typeof digit !== 'string' || !DTMF_DIGITS.test(digit)) return { type: 'invalid', problem: 'bad_field', detail: 'dtmfData.data must be one DTMF digit' };
        return { type: 'dtmf', digit: digit.toUpperCase() };
      }
      case undefined:
        return { type: 'invalid', problem: 'bad_field', detail: 'kind missing' };
      case 'transcriptiondata':
      case 'transcriptionmetadata':
        return undefined; // ACS transcription: not used by this gateway
      default:
        return { type: 'invalid', problem: 'unknown_kind', detail: 'unknown kind' };
    }
  }

  #audioData(msg: Record<string, unknown>): InboundEvent {
    const body = objectField(msg, 'audioData');
    const data = body?.data;
    if (body === undefined || typeof data !== 'string') return { type: 'invalid', problem: 'bad_field', detail: 'audioData.data must be a string' };
    const maxBytes = ((this.#rate * MAX_AUDIO_MS) / 1000) * 2;
    const n = decodeBase64Into(data, this.#scratch);
    if (n === -1) return { type: 'invalid', problem: 'bad_base64', detail: 'audioData.data is not base64' };
    if (n === -2 || n > maxBytes) return { type: 'invalid', problem: 'bad_size', detail: `audio longer than ${MAX_AUDIO_MS} ms` };
    if (n === 0 || n % 2 !== 0) return { type: 'invalid', problem: 'bad_size', detail: `audio of ${n} bytes is not whole 16-bit samples` };
    const audio = this.#audio;
    audio.pcm = this.#samples.subarray(0, n / 2);
    audio.sampleRateHz = this.#rate;
    audio.silent = body.silent === true;
    return audio;
  }

  #metadata(msg: Record<string, unknown>): InboundEvent {
    const meta = objectField(msg, 'audioMetadata');
    const rate = meta?.sampleRate;
    if (meta === undefined || (rate !== 16000 && rate !== 24000)) return { type: 'invalid', problem: 'bad_field', detail: 'audioMetadata.sampleRate must be 16000 or 24000' };
    if (meta.encoding !== undefined && meta.encoding !== 'PCM') return { type: 'invalid', problem: 'bad_field', detail: 'audioMetadata.encoding must be PCM' };
    if (meta.channels !== undefined && meta.channels !== 1) return { type: 'invalid', problem: 'bad_field', detail: 'audioMetadata.channels must be 1' };
    this.#rate = rate;
    const id = meta.subscriptionId;
    return { type: 'start', sampleRateHz: rate, streamId: typeof id === 'string' ? id : undefined };
  }

  encode(event: OutboundEvent): WireMessage | undefined {
    switch (event.type) {
      case 'audio':
        // Same bytes as the SDK's createOutboundAudioData(data), without building an object per frame.
        this.#wire.data = `{"kind":"audioData","audioData":{"data":"${base64Of(event.pcm)}","isSilent":false},"stopAudio":{}}`;
        return this.#wire;
      case 'stop_audio':
        return STOP_AUDIO;
      default:
        return undefined;
    }
  }
}
