/**
 * A stand-in for ACS's callback signing keys: a JWKS endpoint on loopback with a test RSA key,
 * and a signer for callback tokens (plus a second key that is not published, for forgeries).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

/** Claims a test may bend to build refused tokens. */
export interface TokenOptions {
  readonly issuer?: string;
  readonly audience?: string;
  /** Expiry, seconds since epoch (default: in 10 minutes). */
  readonly expSec?: number;
  /** Sign with the unpublished key (a forgery). */
  readonly forged?: boolean;
}

/** A running JWKS stand-in. */
export interface JwksStandin {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Times the key set was fetched. */
  readonly fetches: () => number;
  sign(options?: TokenOptions): Promise<string>;
  close(): Promise<void>;
}

/** Starts the JWKS stand-in. */
export async function startJwksStandin(options: { issuer?: string; audience?: string } = {}): Promise<JwksStandin> {
  const issuer = options.issuer ?? 'https://acscallautomation.communication.azure.com';
  const audience = options.audience ?? 'c0ffee00-acs0-4000-8000-resource0001';
  const trusted = await generateKeyPair('RS256', { extractable: true });
  const forged = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(trusted.publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/calling/keys') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = async (o: TokenOptions = {}): Promise<string> => {
    const key: CryptoKey = o.forged ? forged.privateKey : trusted.privateKey;
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'test-key-1', typ: 'JWT' })
      .setIssuer(o.issuer ?? issuer)
      .setAudience(o.audience ?? audience)
      .setIssuedAt()
      .setExpirationTime(o.expSec ?? Math.floor(Date.now() / 1000) + 600)
      .sign(key);
  };
  return {
    jwksUrl: `${base}/calling/keys`,
    issuer,
    audience,
    fetches: () => fetches,
    sign,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
