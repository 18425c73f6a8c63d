/**
 * What carrier codecs turn wire messages into, and what they turn back into wire messages.
 * Each carrier is one pure codec (no sockets, no timers): `decode(message) → event | undefined`,
 * `encode(event) → message | undefined`. A codec instance belongs to one call and owns scratch
 * buffers, so the audio of a decoded event is a view valid until the next `decode`.
 */
import type { Carrier } from '../../control/contract/index.ts';

export type { Carrier };

/** Why an inbound message was refused; each maps to a WebSocket close code if the call is closed for it. */
export type InvalidProblem =
  /** Text that is not JSON, or JSON that is not an object. */
  | 'bad_json'
  /** A known message kind missing a field, or a field of the wrong type. */
  | 'bad_field'
  /** Audio payload that is not valid base64. */
  | 'bad_base64'
  /** Audio of an odd byte count, empty, or longer than a carrier frame may be. */
  | 'bad_size'
  /** A binary frame where the carrier only sends text, or the reverse. */
  | 'bad_frame_type'
  /** A message kind this codec does not know (counted, not held against the call: carriers add kinds). */
  | 'unknown_kind';

/** Audio from the caller. `pcm` is a view into the codec's scratch buffer: copy it if kept. */
export interface AudioIn {
  readonly type: 'audio';
  /** 16-bit PCM at `sampleRateHz`, mono. */
  pcm: Int16Array;
  sampleRateHz: number;
  /** The carrier says this is silence (ACS `silent`); the VAD may skip it. */
  silent: boolean;
}

/** A decoded inbound message. */
export type InboundEvent =
  /** The stream's format is known (ACS AudioMetadata, Twilio start, softphone hello). */
  | { readonly type: 'start'; readonly sampleRateHz: number; readonly streamId: string | undefined }
  | AudioIn
  | { readonly type: 'dtmf'; readonly digit: string }
  /** Twilio: the carrier played the audio up to a mark we sent. */
  | { readonly type: 'mark'; readonly name: string }
  /** The carrier or the caller ends the stream (Twilio stop, softphone hangup). */
  | { readonly type: 'stop' }
  | { readonly type: 'invalid'; readonly problem: InvalidProblem; readonly detail: string };

/** What the session sends to the carrier. */
export type OutboundEvent =
  /** Agent audio: 16-bit PCM at the carrier's rate; the codec encodes it. */
  | { readonly type: 'audio'; readonly pcm: Int16Array }
  /** Drop whatever audio the carrier has queued (ACS StopAudio, Twilio clear, softphone clear). */
  | { readonly type: 'stop_audio' }
  /** Twilio: ask to be told when playout reaches this point. */
  | { readonly type: 'mark'; readonly name: string }
  /** Softphone page events (transcript, latency, hangup); other carriers ignore them. */
  | { readonly type: 'page'; readonly message: PageMessage };

/** Messages the softphone page understands besides audio. */
export type PageMessage =
  | { readonly type: 'transcript'; readonly persona: 'human' | 'assistant'; readonly text: string; readonly final: boolean }
  | {
      readonly type: 'latency';
      readonly turn_id: string;
      readonly answer_ms?: number;
      readonly endpoint_ms?: number;
      readonly stt_final_ms?: number;
      readonly llm_ttft_ms?: number;
      readonly tts_ttfb_ms?: number;
    }
  | { readonly type: 'claim'; readonly claim: Readonly<Record<string, string | null>> }
  | { readonly type: 'hangup' };

/** A wire message: text (JSON) or binary. */
export interface WireMessage {
  readonly data: string | Uint8Array;
  readonly binary: boolean;
}

/** A per-call codec for one carrier. */
export interface CarrierCodec {
  readonly carrier: Carrier;
  /** The carrier's audio rate (known at connect from configuration or the route, confirmed by `start`). */
  readonly sampleRateHz: number;
  /** Samples in one 20 ms frame at `sampleRateHz`. */
  readonly frameSamples: number;
  /**
   * Decodes one wire message. `undefined` means "nothing for the call" (e.g. Twilio `connected`,
   * ACS transcription); an unknown kind is `invalid` with problem `unknown_kind`. Never throws.
   */
  decode(message: ArrayBuffer | Uint8Array | string, isBinary: boolean): InboundEvent | undefined;
  /**
   * Encodes one outbound event, or `undefined` if this carrier has no such message. Audio messages
   * are returned in an object the codec reuses: send it before the next `encode`.
   */
  encode(event: OutboundEvent): WireMessage | undefined;
}
