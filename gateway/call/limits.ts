/** Per-call limits on what a carrier connection may do, each with its reason, and the close codes used. */

/** Average inbound messages per second allowed: 1.5× the 50/s of 20 ms frames, room for control messages. */
export const MESSAGE_RATE_PER_SEC = 75;
/** Burst allowance: 3 s of frames, for a carrier catching up after a network stall. */
export const MESSAGE_BURST = 150;
/** Messages refused in a row for rate before the call is closed: one second of sustained excess. */
export const FLOOD_CLOSE_AFTER = 75;
/** Invalid messages tolerated per call: a glitch passes, a broken peer is closed. */
export const INVALID_CLOSE_AFTER = 50;
/** Socket bytes buffered above which the pacer holds audio: about five frames of ACS JSON. */
export const CONGESTED_BYTES = 16 * 1024;
/** Socket backpressure that, sustained for SLOW_READER_MS, marks a slow reader. */
export const SLOW_READER_BYTES = 48 * 1024;
/** How long heavy backpressure may last before the call is closed: 2 s of audio the caller cannot hear anyway. */
export const SLOW_READER_MS = 2000;
/** Longest wait for queued agent audio to play before an agent hang-up goes ahead. */
export const HANGUP_PLAYOUT_MAX_MS = 30_000;
/** Longest wait for the engine to finish closing. */
export const ENGINE_CLOSE_MAX_MS = 5000;
/** Largest inbound message accepted (bytes): 200 ms of 24 kHz PCM in base64 JSON fits; larger is closed with 1009. */
export const MAX_MESSAGE_BYTES = 16 * 1024;
/** uWS's own limit: beyond it the socket is cut without a close frame, before the message is even buffered. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;
/** uWS per-socket send buffer limit; past it uWS drops and (closeOnBackpressureLimit) closes. */
export const MAX_BACKPRESSURE_BYTES = 256 * 1024;

/** WebSocket close codes (RFC 6455 §7.4.1). */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  unsupportedData: 1003,
  invalidPayload: 1007,
  policy: 1008,
  tooBig: 1009,
  internalError: 1011,
} as const;
