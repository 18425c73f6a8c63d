/** Starts a gateway with a control stub for cross-component tests, and signs media tokens for it. */
import { randomUUID } from 'node:crypto';
import { loadConfig, signMediaToken, type Carrier, type Config } from '../../control/contract/index.ts';
import pino from 'pino';
import { startGateway, type GatewayHandle, type StartGatewayOptions } from '../gateway.ts';
import { startControlStub, type ControlStub } from './control-stub.ts';

export const MEDIA_KEY = 'k'.repeat(48);

/** A gateway under test and its control stub. */
export interface Harness {
  readonly gateway: GatewayHandle;
  readonly control: ControlStub;
  readonly config: Config;
  /** `ws://` URL of a media route with a valid token (or the given one). */
  mediaUrl(carrier: Carrier, callId?: string, token?: string): string;
  token(carrier: Carrier, callId: string, ttlSec?: number): string;
  close(): Promise<void>;
}

/** Starts the stub and a gateway on port 0 with `overrides` applied to the configuration. */
export async function startHarness(overrides: Record<string, unknown> = {}, options: StartGatewayOptions = {}): Promise<Harness> {
  const control = await startControlStub();
  const base = {
    gateway: { port: 0, host: '127.0.0.1', control_url: control.url, dsp_workers: 1, ...((overrides.gateway as object) ?? {}) },
    secrets: { media_token_key: MEDIA_KEY, service_token: control.token },
    telemetry: { log_level: 'silent' },
  };
  const { gateway: _g, ...rest } = overrides;
  const config = loadConfig({ file: '/dev/null', env: {}, overrides: { ...base, ...rest } });
  const gateway = await startGateway(config, { logger: pino({ level: 'silent' }), ...options });
  const token = (carrier: Carrier, callId: string, ttlSec = 300) => signMediaToken(MEDIA_KEY, { callId, carrier, expiresAtSec: Math.floor(Date.now() / 1000) + ttlSec });
  return {
    gateway,
    control,
    config,
    token,
    mediaUrl: (carrier, callId = randomUUID(), tok) => `ws://127.0.0.1:${gateway.port}/media/${carrier}/${callId}?token=${encodeURIComponent(tok ?? token(carrier, callId))}`,
    close: async () => {
      await gateway.close();
      await control.close();
    },
  };
}
