/**
 * Per-call media tokens: control signs one for each call when it tells the carrier where to
 * stream; the gateway checks it in the WebSocket upgrade. HMAC-SHA256 over
 * `v1.{callId}.{carrier}.{expiresAtSec}`, base64url, compared in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Carrier = 'acs' | 'twilio' | 'softphone';

/** Claims carried by a media token. */
export interface MediaTokenClaims {
  readonly callId: string;
  readonly carrier: Carrier;
  readonly expiresAtSec: number;
}

const CARRIERS: ReadonlySet<string> = new Set(['acs', 'twilio', 'softphone']);

function mac(key: string, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/**
 * Signs a media token for one call and carrier.
 * @example signMediaToken(key, { callId, carrier: 'acs', expiresAtSec: now + 300 })
 */
export function signMediaToken(key: string, claims: MediaTokenClaims): string {
  const payload = `v1.${claims.callId}.${claims.carrier}.${claims.expiresAtSec}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(key, payload)}`;
}

/** Why a token was refused. */
export type MediaTokenProblem = 'malformed' | 'bad_signature' | 'expired' | 'wrong_call' | 'wrong_carrier';

/**
 * Verifies a media token for the call and carrier of the route it was presented on.
 * Returns the claims, or the reason it is refused.
 */
export function verifyMediaToken(
  key: string,
  token: string,
  expected: { callId: string; carrier: Carrier },
  nowSec: number,
): { ok: true; claims: MediaTokenClaims } | { ok: false; problem: MediaTokenProblem } {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 512) return { ok: false, problem: 'malformed' };
  const payload = Buffer.from(token.slice(0, dot), 'base64url').toString();
  const given = Buffer.from(token.slice(dot + 1));
  const want = Buffer.from(mac(key, payload));
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, problem: 'bad_signature' };
  const parts = payload.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return { ok: false, problem: 'malformed' };
  const [, callId = '', carrier = '', exp = ''] = parts;
  const expiresAtSec = Number(exp);
  if (!CARRIERS.has(carrier) || !Number.isInteger(expiresAtSec)) return { ok: false, problem: 'malformed' };
  if (expiresAtSec < nowSec) return { ok: false, problem: 'expired' };
  if (callId !== expected.callId) return { ok: false, problem: 'wrong_call' };
  if (carrier !== expected.carrier) return { ok: false, problem: 'wrong_carrier' };
  return { ok: true, claims: { callId, carrier: carrier as Carrier, expiresAtSec } };
}
