/**
 * Per-call callback secrets (SPEC §9: never one secret for every call). Each carrier leg gets a
 * fresh random secret put in its callback URL; only its SHA-256 is kept, in the cache.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Cache } from '../../cache/types.ts';

/** A secret outlives its call: no call lasts a day, and later callbacks are refused. */
const SECRET_TTL_SEC = 24 * 3600;

const key = (callId: string): string => `callback_secret:${callId}`;
const hash = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();

/** Issues and checks callback secrets. */
export class CallbackSecrets {
  readonly #cache: Cache;

  constructor(cache: Cache) {
    this.#cache = cache;
  }

  /** A new secret for the call (replacing the previous leg's). */
  async issue(callId: string): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await this.#cache.set(key(callId), hash(secret).toString('hex'), SECRET_TTL_SEC);
    return secret;
  }

  /** True when `given` is the call's current secret (constant-time comparison). */
  async verify(callId: string, given: string | undefined): Promise<boolean> {
    if (given === undefined || given === '' || given.length > 200) return false;
    const stored = await this.#cache.get(key(callId));
    if (stored === undefined) return false;
    const want = Buffer.from(stored, 'hex');
    const got = hash(given);
    return want.length === got.length && timingSafeEqual(want, got);
  }
}
