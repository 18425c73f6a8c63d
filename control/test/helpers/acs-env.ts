/** Control wired to the ACS stand-ins (Call Automation REST + JWKS) for the ACS flow tests. */
import { startAcsStandin, startJwksStandin, type AcsStandin, type JwksStandin } from '../acs-standin/index.ts';
import { startTestControl, type TestControl } from './harness.ts';

export const ACS_NUMBER = '+15550001111';
export const API_KEY = 'test-api-key-0123456789abcdef';
export const PUBLIC_URL = 'https://control.example.test';
export const GATEWAY_URL = 'wss://gateway.example.test';

/** Control + stand-ins. */
export interface AcsEnv {
  readonly t: TestControl;
  readonly acs: AcsStandin;
  readonly jwks: JwksStandin;
  /** fetch with the API key. */
  api(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Starts the stand-ins, then control configured for ACS (API key required, recording on). */
export async function startAcsEnv(overrides: Record<string, unknown> = {}): Promise<AcsEnv> {
  const jwks = await startJwksStandin();
  let controlUrl = '';
  const acs = await startAcsStandin({ sign: () => jwks.sign(), deliverTo: () => controlUrl });
  const t = await startTestControl({
    control: { host: '127.0.0.1', public_url: PUBLIC_URL, api_keys: [API_KEY] },
    gateway: { public_url: GATEWAY_URL },
    media: { recording_enabled: true },
    acs: { connection_string: acs.connectionString, phone_number: ACS_NUMBER, jwks_url: jwks.jwksUrl, issuer: jwks.issuer, audience: jwks.audience },
    ...overrides,
  });
  controlUrl = t.url;
  return {
    t,
    acs,
    jwks,
    api: (path, init = {}) => t.request(path, { ...init, headers: { 'x-api-key': API_KEY, 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } }),
    close: async () => {
      await t.close();
      await acs.close();
      await jwks.close();
    },
  };
}
