/**
 * Reads an ACS `AudioData` message in place, from its bytes: `audioData.data` is decoded straight
 * into the codec's scratch memory as the message is walked, and `audioData.silent` noted, with no
 * string or object built (50 messages a second per call) and every byte read once.
 *
 * It only says yes to messages it understands exactly as `JSON.parse` would: a JSON object whose
 * strings have no escapes and only ASCII, `audioData.data` canonical standard base64, whose values are strings, numbers or literals except
 * `audioData` (an object of such values), with `kind` a case-insensitive `AudioData`. A duplicated
 * key counts last, as in `JSON.parse`. Anything else (another kind, nested values, an escape, a
 * syntax error) returns false and the codec takes the general path, which then says what is wrong.
 */

import { decodeBase64ToQuote, decodedLength } from './base64-bytes.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KIND = bytesOf('kind');
const AUDIO_DATA = bytesOf('audioData');
const DATA = bytesOf('data');
const SILENT = bytesOf('silent');
/** `kind` value, lower case (compared with `| 0x20`: every byte of it is a letter). */
const AUDIODATA_LOWER = bytesOf('audiodata');
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');
const NULL = bytesOf('null');

function skipSpace(b: Uint8Array, i: number): number {
  for (;;) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** Index of the closing quote of the string whose first character is at `i`, or -1 (escape, control, non-ASCII, unterminated). */
function stringEnd(b: Uint8Array, i: number): number {
  for (let n = b.length; i < n; i++) {
    const c = b[i] as number;
    if (c === QUOTE) return i;
    if (c === BACKSLASH || c < 0x20 || c >= 0x80) return -1;
  }
  return -1;
}

function equals(b: Uint8Array, start: number, end: number, word: Uint8Array): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (b[start + k] !== word[k]) return false;
  return true;
}

function digits(b: Uint8Array, i: number): number {
  while ((b[i] as number) >= ZERO && (b[i] as number) <= NINE) i++;
  return i;
}

/** End of a JSON number starting at `i`, or -1. */
function numberEnd(b: Uint8Array, i: number): number {
  if (b[i] === MINUS) i++;
  if (b[i] === ZERO) i++;
  else {
    const end = digits(b, i);
    if (end === i) return -1;
    i = end;
  }
  if (b[i] === DOT) {
    const end = digits(b, i + 1);
    if (end === i + 1) return -1;
    i = end;
  }
  if (((b[i] as number) | 0x20) === 0x65) {
    i++;
    if (b[i] === PLUS || b[i] === MINUS) i++;
    const end = digits(b, i);
    if (end === i) return -1;
    i = end;
  }
  return i;
}

/** End of a string, number or literal starting at `i`, or -1 (objects and arrays included). */
function scalarEnd(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === QUOTE) {
    const end = stringEnd(b, i + 1);
    return end < 0 ? -1 : end + 1;
  }
  if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) return numberEnd(b, i);
  if (equals(b, i, i + TRUE.length, TRUE)) return i + TRUE.length;
  if (equals(b, i, i + FALSE.length, FALSE)) return i + FALSE.length;
  if (equals(b, i, i + NULL.length, NULL)) return i + NULL.length;
  return -1;
}

/** Object levels the reader walks: the message, and its `audioData`. */
const TOP = 0;
const BODY = 1;

/**
 * One reader per codec; `read` fills its fields (no closure or object per message).
 * @example const reader = new AcsAudioReader(scratch);
 * if (reader.read(bytes)) use(scratch.subarray(0, reader.bytes), reader.silent);
 */
export class AcsAudioReader {
  /** Bytes of audio decoded into the output, after a successful `read`. */
  bytes = 0;
  /** `audioData.silent === true`. */
  silent = false;
  readonly #out: Uint8Array;
  #hasData = false;
  #hasBody = false;
  #kindIsAudio = false;

  /** @param out where `audioData.data` is decoded (its size bounds the audio accepted here). */
  constructor(out: Uint8Array) {
    this.#out = out;
  }

  /** True if `b` is an `AudioData` message of the plain shape (see the module comment). */
  read(b: Uint8Array): boolean {
    this.#kindIsAudio = false;
    this.#hasBody = false;
    this.#hasData = false;
    const end = this.#object(b, skipSpace(b, 0), TOP);
    return end >= 0 && skipSpace(b, end) === b.length && this.#kindIsAudio && this.#hasBody && this.#hasData;
  }

  /** One member of the message; returns the end of its value or -1. */
  #topMember(b: Uint8Array, key: number, keyEnd: number, i: number): number {
    if (equals(b, key, keyEnd, AUDIO_DATA)) {
      this.#hasBody = true;
      this.#hasData = false;
      this.silent = false;
      return this.#object(b, i, BODY);
    }
    const valueEnd = scalarEnd(b, i);
    if (valueEnd >= 0 && equals(b, key, keyEnd, KIND)) this.#kindIsAudio = b[i] === QUOTE && isAudioDataKind(b, i + 1, valueEnd - 1);
    return valueEnd;
  }

  /** One member of `audioData`; returns the end of its value or -1. */
  #bodyMember(b: Uint8Array, key: number, keyEnd: number, i: number): number {
    if (equals(b, key, keyEnd, DATA)) {
      // Walked by the decoder itself; not canonical base64 (or not a string) leaves it to the JSON path.
      if (b[i] !== QUOTE) return -1;
      const end = decodeBase64ToQuote(b, i + 1, this.#out);
      if (end < 0) return -1;
      this.#hasData = true;
      this.bytes = decodedLength(b, i + 1, end);
      return end + 1;
    }
    const valueEnd = scalarEnd(b, i);
    if (valueEnd >= 0 && equals(b, key, keyEnd, SILENT)) this.silent = equals(b, i, valueEnd, TRUE);
    return valueEnd;
  }

  /** Walks the object whose `{` is at `i`, member by member; returns the index after its `}`, or -1. */
  #object(b: Uint8Array, i: number, level: number): number {
    if (b[i] !== LBRACE) return -1;
    i = skipSpace(b, i + 1);
    if (b[i] === RBRACE) return i + 1;
    for (;;) {
      if (b[i] !== QUOTE) return -1;
      const keyEnd = stringEnd(b, i + 1);
      if (keyEnd < 0) return -1;
      const colon = skipSpace(b, keyEnd + 1);
      if (b[colon] !== COLON) return -1;
      const value = skipSpace(b, colon + 1);
      const valueEnd = level === TOP ? this.#topMember(b, i + 1, keyEnd, value) : this.#bodyMember(b, i + 1, keyEnd, value);
      if (valueEnd < 0) return -1;
      i = skipSpace(b, valueEnd);
      if (b[i] === RBRACE) return i + 1;
      if (b[i] !== COMMA) return -1;
      i = skipSpace(b, i + 1);
    }
  }
}

/** `kind` is `AudioData` in any casing (every byte of the target is a letter, so `| 0x20` lowers exactly). */
function isAudioDataKind(b: Uint8Array, start: number, end: number): boolean {
  if (end - start !== AUDIODATA_LOWER.length) return false;
  for (let k = 0; k < AUDIODATA_LOWER.length; k++) if (((b[start + k] as number) | 0x20) !== AUDIODATA_LOWER[k]) return false;
  return true;
}
