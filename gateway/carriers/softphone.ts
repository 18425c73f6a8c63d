/**
 * The local softphone page's protocol. Binary frames: raw PCM16 little-endian, 16 kHz mono
 * (20 ms = 640 bytes), both ways. Text frames: small JSON control messages — from the page
 * `{"type":"hello"}`, `{"type":"hangup"}`, `{"type":"dtmf","digit":"1"}`; to the page
 * `{"type":"clear"}`, `{"type":"hangup"}`, transcript, claim and latency events.
 */
import type { AudioIn, CarrierCodec, InboundEvent, OutboundEvent, WireMessage } from './types.ts';
import { MAX_AUDIO_MS, parseObject, textOf } from './wire.ts';

const RATE = 16000;
const MAX_SAMPLES = (RATE * MAX_AUDIO_MS) / 1000;
const DTMF_DIGITS = /^[0-9*#A-Da-d]$/;
const CLEAR: WireMessage = { data: '{"type":"clear"}', binary: false };
/** Longest text control message accepted (bytes): they are a few dozen. */
const MAX_TEXT = 1024;

/** Softphone codec of one call. */
export class SoftphoneCodec implements CarrierCodec {
  readonly carrier = 'softphone' as const;
  readonly sampleRateHz = RATE;
  readonly frameSamples = RATE / 50;
  readonly #pcm = new Int16Array(MAX_SAMPLES);
  readonly #audio: AudioIn = { type: 'audio', pcm: this.#pcm.subarray(0, 0), sampleRateHz: RATE, silent: false };
  /** Reused for every outbound audio message (valid until the next `encode`). */
  readonly #wire: { data: string | Uint8Array; binary: boolean } = { data: new Uint8Array(0), binary: true };

  decode(message: ArrayBuffer | Uint8Array | string, isBinary: boolean): InboundEvent | undefined {
    if (isBinary && typeof message !== 'string') return this.#binary(message);
    const text = textOf(message);
    if (text.length > MAX_TEXT) return { type: 'invalid', problem: 'bad_size', detail: `control message over ${MAX_TEXT} bytes` };
    const msg = parseObject(text);
    if (msg === undefined) return { type: 'invalid', problem: 'bad_json', detail: 'not a JSON object' };
    switch (msg.type) {
      case 'hello':
        return { type: 'start', sampleRateHz: RATE, streamId: undefined };
      case 'hangup':
        return { type: 'stop' };
      case 'dtmf': {
        const digit = msg.digit;
        if (typeof digit !== 'string' || !DTMF_DIGITS.test(digit)) return { type: 'invalid', problem: 'bad_field', detail: 'digit must be one DTMF digit' };
        return { type: 'dtmf', digit: digit.toUpperCase() };
      }
      case undefined:
        return { type: 'invalid', problem: 'bad_field', detail: 'type missing' };
      default:
        return { type: 'invalid', problem: 'unknown_kind', detail: 'unknown type' };
    }
  }

  #binary(message: ArrayBuffer | Uint8Array): InboundEvent {
    const bytes = message instanceof Uint8Array ? message : new Uint8Array(message);
    const n = bytes.byteLength;
    if (n === 0 || n % 2 !== 0) return { type: 'invalid', problem: 'bad_size', detail: `audio of ${n} bytes is not whole 16-bit samples` };
    if (n / 2 > MAX_SAMPLES) return { type: 'invalid', problem: 'bad_size', detail: `audio longer than ${MAX_AUDIO_MS} ms` };
    // Copy: the socket's buffer is reused after the callback, and it may not be 2-byte aligned.
    const pcm = this.#pcm.subarray(0, n / 2);
    new Uint8Array(pcm.buffer, pcm.byteOffset, n).set(bytes);
    this.#audio.pcm = pcm;
    return this.#audio;
  }

  encode(event: OutboundEvent): WireMessage | undefined {
    switch (event.type) {
      case 'audio':
        this.#wire.data = new Uint8Array(event.pcm.buffer, event.pcm.byteOffset, event.pcm.byteLength);
        return this.#wire;
      case 'stop_audio':
        return CLEAR;
      case 'page':
        return { data: JSON.stringify(event.message), binary: false };
      default:
        return undefined;
    }
  }
}
