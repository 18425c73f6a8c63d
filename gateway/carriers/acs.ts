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
import { AcsAudioReader } from './acs-audio-reader.ts';
import { base64Length, encodeBase64Bytes } from './base64-bytes.ts';

const STOP_AUDIO: WireMessage = { data: '{"kind":"stopAudio","stopAudio":{}}', binary: false };
const AUDIO_HEAD = Buffer.from('{"kind":"audioData","audioData":{"data":"');
const AUDIO_TAIL = Buffer.from('","isSilent":false},"stopAudio":{}}');
/** Largest outbound frame: 20 ms at 24 kHz (the pacer sends 20 ms frames or shorter). */
const MAX_OUT_BYTES = (24000 / 50) * 2;
const DTMF_DIGITS = /^[0-9*#A-Da-d]$/;

/** ACS codec of one call. */
export class AcsCodec implements CarrierCodec {
  readonly carrier = 'acs' as const;
  #rate: number;
  readonly #scratch: Buffer;
  readonly #samples: Int16Array;
  readonly #audio: AudioIn;
  readonly #reader: AcsAudioReader;
  /** Outbound audio message bytes, head written once (a text frame: the JSON is ASCII). */
  readonly #message = new Uint8Array(AUDIO_HEAD.length + base64Length(MAX_OUT_BYTES) + AUDIO_TAIL.length);
  /** Bytes of the PCM buffer last encoded from (the pacer's queue: one buffer for the call). */
  #pcmBytes: Uint8Array = new Uint8Array(0);
  #messageView = new Uint8Array(0);
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
    this.#message.set(AUDIO_HEAD);
    this.#reader = new AcsAudioReader(this.#scratch);
  }

  get sampleRateHz(): number {
    return this.#rate;
  }

  get frameSamples(): number {
    return this.#rate / 50;
  }

  decode(message: ArrayBuffer | Uint8Array | string, _isBinary: boolean): InboundEvent | undefined {
    if (typeof message !== 'string') {
      // Hot path: a well-formed AudioData is read in place; anything else takes the general path.
      const audio = this.#audioInPlace(message instanceof Uint8Array ? message : new Uint8Array(message));
      if (audio !== undefined) return audio;
    }
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

  /** The audio of a plain, valid AudioData message read from its bytes, or undefined (general path). */
  #audioInPlace(bytes: Uint8Array): AudioIn | undefined {
    const reader = this.#reader;
    if (!reader.read(bytes)) return undefined;
    const n = reader.bytes;
    if (n <= 0 || n % 2 !== 0 || n > ((this.#rate * MAX_AUDIO_MS) / 1000) * 2) return undefined;
    return this.#audioOf(n, reader.silent);
  }

  #audioOf(bytes: number, silent: boolean): AudioIn {
    const audio = this.#audio;
    // Messages carry one frame size: the view of the last one is kept (not one per message).
    if (audio.pcm.length !== bytes / 2) audio.pcm = this.#samples.subarray(0, bytes / 2);
    audio.sampleRateHz = this.#rate;
    audio.silent = silent;
    return audio;
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
    return this.#audioOf(n, body.silent === true);
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
        // Same bytes as the SDK's createOutboundAudioData(data), written into one buffer per call
        // (no string per frame; uWS sends the bytes as a text frame).
        this.#wire.data = this.#encodeAudio(event.pcm);
        return this.#wire;
      case 'stop_audio':
        return STOP_AUDIO;
      default:
        return undefined;
    }
  }

  #encodeAudio(pcm: Int16Array): string | Uint8Array {
    if (pcm.byteLength > MAX_OUT_BYTES) return `${AUDIO_HEAD.toString()}${base64Of(pcm)}${AUDIO_TAIL.toString()}`;
    if (this.#pcmBytes.buffer !== pcm.buffer) this.#pcmBytes = new Uint8Array(pcm.buffer);
    const message = this.#message;
    const end = encodeBase64Bytes(this.#pcmBytes, pcm.byteOffset, pcm.byteOffset + pcm.byteLength, message, AUDIO_HEAD.length);
    message.set(AUDIO_TAIL, end);
    // Frames have one length but for a segment's last: its view is kept, not made per frame.
    const length = end + AUDIO_TAIL.length;
    if (this.#messageView.length !== length) this.#messageView = message.subarray(0, length);
    return this.#messageView;
  }
}
