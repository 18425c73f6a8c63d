/**
 * Verification of ACS Call Automation callbacks' `Authorization: Bearer` JWT: RS256, signed by a
 * key of ACS's JWKS, issuer and audience as configured, not expired.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

/** What a callback token must satisfy. */
export interface AcsJwtOptions {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Clock for expiry checks (tests); seconds since epoch. */
  readonly nowSec?: () => number;
}

/** Why a token was refused (for logs; the client only sees 401). */
export type JwtCheck = { ok: true } | { ok: false; reason: string };

/** Checks callback tokens against ACS's signing keys (fetched and cached by jose). */
export class AcsJwtVerifier {
  readonly #keys: JWTVerifyGetKey;
  readonly #o: AcsJwtOptions;

  constructor(options: AcsJwtOptions) {
    this.#o = options;
    // Keys are re-fetched at most every 10 min, and at most once a minute when an unknown kid shows up.
    this.#keys = createRemoteJWKSet(new URL(options.jwksUrl), { cacheMaxAge: 600_000, cooldownDuration: 60_000, timeoutDuration: 5_000 });
  }

  /** Verifies the `Authorization` header value. */
  async verify(authorization: string | undefined): Promise<JwtCheck> {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] === undefined) return { ok: false, reason: 'no bearer token' };
    try {
      await jwtVerify(match[1], this.#keys, {
        algorithms: ['RS256'],
        issuer: this.#o.issuer,
        audience: this.#o.audience,
        requiredClaims: ['exp'],
        ...(this.#o.nowSec === undefined ? {} : { currentDate: new Date(this.#o.nowSec() * 1000) }),
      });
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }
}
