/**
 * Twilio Media Streams (JSON text frames, μ-law 8 kHz).
 * Inbound: `connected`, `start` (`start.streamSid`, `start.mediaFormat`), `media` (`media.payload`
 * base64 μ-law), `mark` (`mark.name`), `dtmf` (`dtmf.digit`), `stop`.
 * Outbound: `media` (`{event, streamSid, media: {payload}}`), `mark`, `clear`.
 */
import { Buffer } from 'node:buffer';
import { mulawDecode, mulawEncode } from '../../dsp/codecs/index.ts';
import type { AudioIn, CarrierCodec, InboundEvent, OutboundEvent, WireMessage } from './types.ts';
import { MAX_AUDIO_MS, base64Of, decodeBase64Into, objectField, parseObject, textOf } from './wire.ts';

const RATE = 8000;
const MAX_BYTES = (RATE * MAX_AUDIO_MS) / 1000;
const DTMF_DIGITS = /^[0-9*#A-Da-d]$/;

/** Twilio codec of one call. */
export class TwilioCodec implements CarrierCodec {
  readonly carrier = 'twilio' as const;
  readonly sampleRateHz = RATE;
  readonly frameSamples = RATE / 50;
  /** The stream id from `start`; every outbound message must carry it. */
  streamSid: string | undefined;
  readonly #scratch = Buffer.from(new ArrayBuffer(MAX_BYTES));
  readonly #pcm = new Int16Array(MAX_BYTES);
  readonly #out = new Uint8Array(MAX_BYTES);
  readonly #audio: AudioIn = { type: 'audio', pcm: this.#pcm.subarray(0, 0), sampleRateHz: RATE, silent: false };
  /** Reused for every outbound audio message (valid until the next `encode`). */
  readonly #wire: { data: string | Uint8Array; binary: boolean } = { data: '', binary: false };

  decode(message: ArrayBuffer | Uint8Array | string, isBinary: boolean): InboundEvent | undefined {
    if (isBinary) return { type: 'invalid', problem: 'bad_frame_type', detail: 'Twilio sends text frames only' };
    const msg = parseObject(textOf(message));
    if (msg === undefined) return { type: 'invalid', problem: 'bad_json', detail: 'not a JSON object' };
    switch (msg.event) {
      case 'media':
        return this.#media(msg);
      case 'start': {
        const start = objectField(msg, 'start');
        const sid = start?.streamSid ?? msg.streamSid;
        if (typeof sid !== 'string' || sid === '') return { type: 'invalid', problem: 'bad_field', detail: 'start.streamSid missing' };
        const format = start === undefined ? undefined : objectField(start, 'mediaFormat');
        if (format !== undefined && (format.encoding !== 'audio/x-mulaw' || format.sampleRate !== RATE)) {
          return { type: 'invalid', problem: 'bad_field', detail: 'mediaFormat must be audio/x-mulaw at 8000 Hz' };
        }
        this.streamSid = sid;
        return { type: 'start', sampleRateHz: RATE, streamId: sid };
      }
      case 'mark': {
        const name = objectField(msg, 'mark')?.name;
        if (typeof name !== 'string') return { type: 'invalid', problem: 'bad_field', detail: 'mark.name missing' };
        return { type: 'mark', name };
      }
      case 'dtmf': {
        const digit = objectField(msg, 'dtmf')?.digit;
        if (typeof digit !== 'string' || !DTMF_DIGITS.test(digit)) return { type: 'invalid', problem: 'bad_field', detail: 'dtmf.digit must be one DTMF digit' };
        return { type: 'dtmf', digit: digit.toUpperCase() };
      }
      case 'stop':
        return { type: 'stop' };
      case 'connected':
        return undefined;
      case undefined:
        return { type: 'invalid', problem: 'bad_field', detail: 'event missing' };
      default:
        return { type: 'invalid', problem: 'unknown_kind', detail: 'unknown event' };
    }
  }

  #media(msg: Record<string, unknown>): InboundEvent | undefined {
    const media = objectField(msg, 'media');
    const payload = media?.payload;
    if (media === undefined || typeof payload !== 'string') return { type: 'invalid', problem: 'bad_field', detail: 'media.payload must be a string' };
    // With a both-tracks stream Twilio also sends our own outbound track back: not caller audio.
    if (media.track !== undefined && media.track !== 'inbound') return undefined;
    const n = decodeBase64Into(payload, this.#scratch);
    if (n === -1) return { type: 'invalid', problem: 'bad_base64', detail: 'media.payload is not base64' };
    if (n === -2) return { type: 'invalid', problem: 'bad_size', detail: `audio longer than ${MAX_AUDIO_MS} ms` };
    if (n === 0) return { type: 'invalid', problem: 'bad_size', detail: 'empty audio' };
    const pcm = this.#pcm.subarray(0, n);
    mulawDecode(this.#scratch.subarray(0, n), pcm);
    this.#audio.pcm = pcm;
    return this.#audio;
  }

  encode(event: OutboundEvent): WireMessage | undefined {
    const sid = JSON.stringify(this.streamSid ?? '');
    switch (event.type) {
      case 'audio': {
        const n = event.pcm.length;
        if (n > MAX_BYTES) throw new RangeError(`at most ${MAX_BYTES} samples per message`);
        const out = this.#out.subarray(0, n);
        mulawEncode(event.pcm, out);
        this.#wire.data = `{"event":"media","streamSid":${sid},"media":{"payload":"${base64Of(out)}"}}`;
        return this.#wire;
      }
      case 'stop_audio':
        return { data: `{"event":"clear","streamSid":${sid}}`, binary: false };
      case 'mark':
        return { data: JSON.stringify({ event: 'mark', streamSid: this.streamSid ?? '', mark: { name: event.name } }), binary: false };
      default:
        return undefined;
    }
  }
}
