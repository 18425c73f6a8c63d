/** Helpers the carrier codecs share: text of a message, validating base64 into scratch memory. */
import { Buffer } from 'node:buffer';

/** Longest audio one inbound message may carry (ms): carriers send 20 ms; 200 ms tolerates batching. */
export const MAX_AUDIO_MS = 200;

/** UTF-8 text of a wire message. */
export function textOf(message: ArrayBuffer | Uint8Array | string): string {
  if (typeof message === 'string') return message;
  const view = message instanceof Uint8Array ? message : new Uint8Array(message);
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('utf8');
}

/** Parses JSON text into an object, or undefined if it is not JSON or not a plain object. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A child object field, or undefined. */
export function objectField(obj: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = obj[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * Decodes base64 into a reusable scratch buffer, refusing anything that is not canonical base64
 * (Node's decoder skips bad characters silently, so the decoded length is checked against the text).
 * Returns the number of bytes, or -1 if invalid, or -2 if it does not fit.
 */
export function decodeBase64Into(text: string, scratch: Buffer): number {
  const len = text.length;
  if (len === 0) return 0;
  if (len % 4 !== 0) return -1;
  const pad = text.charCodeAt(len - 1) === 61 ? (text.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  const expected = (len / 4) * 3 - pad;
  if (expected > scratch.length) return -2;
  const written = scratch.write(text, 0, 'base64');
  return written === expected ? written : -1;
}

/** Base64 of a typed array's bytes (one string allocation; no intermediate copy). */
export function base64Of(view: ArrayBufferView): string {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('base64');
}
