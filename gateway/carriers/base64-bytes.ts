/**
 * Base64 straight between byte arrays, for the audio messages of the hot path: a 20 ms frame is
 * decoded from the received message bytes and encoded into the outbound message bytes with no
 * string in between (a string per frame and direction is what filled the young generation).
 * Standard alphabet only, strict: anything else is left to the string path in wire.ts.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Byte → 6-bit value, -1 for anything outside the standard alphabet (`=` included). */
const VALUE = new Int8Array(256).fill(-1);
/** 6-bit value → byte. */
const CHAR = new Uint8Array(64);
for (let i = 0; i < 64; i++) {
  VALUE[ALPHABET.charCodeAt(i)] = i;
  CHAR[i] = ALPHABET.charCodeAt(i);
}
const PAD = 61; // '='

const QUOTE = 34; // '"'

/**
 * Decodes the base64 text that starts at `src[start]` and ends at the next `"` (a JSON string's
 * content) into `out`, in one pass: the text is read once, by the decoder. Returns the index of the
 * closing quote, or -1 if the text is not canonical standard base64 (a character outside
 * `A–Z a–z 0–9 + /`, an escape, `=` but as the last one or two, no closing quote) or does not fit
 * in `out`. The number of bytes written is {@link decodedLength}`(src, start, end)`.
 * @example const end = decodeBase64ToQuote(message, dataStart, scratch) // message[end] === '"'
 */
export function decodeBase64ToQuote(src: Uint8Array, start: number, out: Uint8Array): number {
  const n = src.length;
  const room = out.length;
  let i = start;
  let o = 0;
  // Whole quads of the alphabet; the first quad that is not one ends the text.
  for (; i + 4 <= n; i += 4) {
    const a = VALUE[src[i] as number] as number;
    const b = VALUE[src[i + 1] as number] as number;
    const c = VALUE[src[i + 2] as number] as number;
    const d = VALUE[src[i + 3] as number] as number;
    if ((a | b | c | d) < 0) break;
    if (o + 3 > room) return -1;
    const v = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (i < n && src[i] === QUOTE) return i;
  // A padded last quad (xy== or xyz=), then the quote.
  if (i + 4 >= n || src[i + 3] !== PAD || src[i + 4] !== QUOTE) return -1;
  const a = VALUE[src[i] as number] as number;
  const b = VALUE[src[i + 1] as number] as number;
  const twoPads = src[i + 2] === PAD;
  const c = twoPads ? 0 : (VALUE[src[i + 2] as number] as number);
  if ((a | b | c) < 0 || o + (twoPads ? 1 : 2) > room) return -1;
  const v = (a << 18) | (b << 12) | (c << 6);
  out[o++] = v >> 16;
  if (!twoPads) out[o] = (v >> 8) & 255;
  return i + 4;
}

/** Bytes decoded from the canonical base64 text `src[start, end)` (its length and padding). */
export function decodedLength(src: Uint8Array, start: number, end: number): number {
  if (end === start) return 0;
  const pad = src[end - 1] === PAD ? (src[end - 2] === PAD ? 2 : 1) : 0;
  return ((end - start) / 4) * 3 - pad;
}

/** Characters of the base64 text of `bytes` bytes (with padding). */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/**
 * Writes the base64 text (standard alphabet, padded) of `src[start, end)` into `out` from `at`;
 * returns the index after the last character written. `out` must have {@link base64Length} room.
 * @example const end = encodeBase64Bytes(pcmBytes, 0, 640, message, prefixLength)
 */
export function encodeBase64Bytes(src: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  let o = at;
  let i = start;
  for (; i + 3 <= end; i += 3) {
    const v = ((src[i] as number) << 16) | ((src[i + 1] as number) << 8) | (src[i + 2] as number);
    out[o++] = CHAR[v >> 18] as number;
    out[o++] = CHAR[(v >> 12) & 63] as number;
    out[o++] = CHAR[(v >> 6) & 63] as number;
    out[o++] = CHAR[v & 63] as number;
  }
  const rest = end - i;
  if (rest > 0) {
    const v = ((src[i] as number) << 16) | (rest === 2 ? (src[i + 1] as number) << 8 : 0);
    out[o++] = CHAR[v >> 18] as number;
    out[o++] = CHAR[(v >> 12) & 63] as number;
    out[o++] = rest === 2 ? (CHAR[(v >> 6) & 63] as number) : PAD;
    out[o++] = PAD;
  }
  return o;
}
