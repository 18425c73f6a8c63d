/**
 * Ingress authentication of the API (API keys) and of the gateway-facing internal API (service
 * token). Secrets are compared in constant time over their SHA-256 digests, so neither content
 * nor length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { apiError } from './errors.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** True when `given` equals one of `accepted`; every candidate is compared (constant time). */
export function matchesSecret(given: string | undefined, accepted: readonly string[]): boolean {
  if (given === undefined || given === '') return false;
  const g = digest(given);
  let ok = false;
  for (const secret of accepted) if (timingSafeEqual(g, digest(secret))) ok = true;
  return ok;
}

/** The credential of a request: `X-API-Key`, or `Authorization: Bearer <key>`. */
export function presentedKey(header: (name: string) => string | undefined): string | undefined {
  const key = header('x-api-key');
  if (key !== undefined && key !== '') return key;
  const auth = header('authorization');
  const match = auth === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(auth);
  return match?.[1];
}

/**
 * Requires one of `keys` when any is configured. With none configured the server listens on
 * loopback only (see `startControl`), so requests are let through.
 */
export function apiKeyAuth(keys: readonly string[], options: { queryParam?: string } = {}): MiddlewareHandler {
  return async (c, next) => {
    if (keys.length === 0) return next();
    const fromQuery = options.queryParam === undefined ? undefined : c.req.query(options.queryParam);
    const given = presentedKey((n) => c.req.header(n)) ?? fromQuery;
    if (!matchesSecret(given, keys)) {
      c.header('www-authenticate', 'Bearer realm="api"');
      throw apiError(401, 'missing or invalid API key', ['send it as X-API-Key or Authorization: Bearer']);
    }
    return next();
  };
}

/** Requires `Authorization: Bearer <service token>`; refuses everything when no token is configured. */
export function serviceTokenAuth(token: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (token === undefined) throw apiError(401, 'the internal API is disabled: secrets.service_token is not configured');
    const auth = c.req.header('authorization');
    const match = auth === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!matchesSecret(match?.[1], [token])) throw apiError(401, 'missing or invalid service token');
    return next();
  };
}
