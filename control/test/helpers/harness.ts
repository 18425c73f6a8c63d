/** Starting control for tests: port 0, SQLite store and queue in a temp dir, quiet logs. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../contract/index.ts';
import { createQueue } from '../../queue/index.ts';
import { startControl, type ControlOptions, type ControlServer } from '../../index.ts';

/** 32+ character secrets shared with the "gateway" side of tests. */
export const TEST_SERVICE_TOKEN = 'test-service-token-0123456789abcdef0123';
export const TEST_MEDIA_KEY = 'test-media-token-key-0123456789abcdef0123';

/** A running control for one test file. */
export interface TestControl {
  readonly control: ControlServer;
  readonly config: Config;
  readonly dir: string;
  readonly url: string;
  /** fetch relative to control's URL. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Internal API request with the service token. */
  internal(path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

function merge(target: Record<string, unknown>, source: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(source)) {
    const t = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && t && typeof t === 'object' && !Array.isArray(t)) merge(t as Record<string, unknown>, v as Record<string, unknown>);
    else target[k] = v;
  }
  return target;
}

/**
 * Starts control with embedded defaults plus `overrides` (config sections).
 * @param withSecrets set the media key and service token (default true).
 */
export async function startTestControl(
  overrides: Record<string, unknown> = {},
  options: ControlOptions & { withSecrets?: boolean; clock?: () => number } = {},
): Promise<TestControl> {
  const dir = mkdtempSync(join(tmpdir(), 'control-test-'));
  const file = join(dir, 'config.yaml');
  writeFileSync(file, '');
  const base: Record<string, unknown> = {
    control: { port: 0 },
    store: { sqlite: { path: join(dir, 'calls.sqlite') } },
    queue: { sqlite: { path: join(dir, 'jobs.sqlite') }, retry_base_ms: 50 },
    ...(options.withSecrets === false ? {} : { secrets: { service_token: TEST_SERVICE_TOKEN, media_token_key: TEST_MEDIA_KEY } }),
  };
  const config = loadConfig({ file, env: {}, overrides: merge(base, structuredClone(overrides)) });
  const { withSecrets: _w, clock, ...controlOptions } = options;
  // With a test clock, control and its queue share it (scheduled jobs become due when it advances).
  const queue = clock === undefined ? undefined : createQueue(config.queue, { now: clock });
  const control = await startControl(config, {
    ...(clock === undefined ? {} : { now: clock, queue }),
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    postCallDelayMs: 0,
    worker: { pollMs: 20 },
    ...controlOptions,
  });
  const request = (path: string, init?: RequestInit) => fetch(new URL(path, control.url), init);
  return {
    control,
    config,
    dir,
    url: control.url,
    request,
    internal: (path, body) =>
      request(path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${TEST_SERVICE_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    close: async () => {
      await control.close();
      await queue?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` (no fixed sleeps: each retry waits for the next macrotask batch) until it returns a value. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The example body of SPEC §2. */
export const EXAMPLE_CALL = {
  bot_company: 'Contoso',
  bot_name: 'Amélie',
  phone_number: '+11234567890',
  task: 'Help the customer with their digital workplace.',
  agent_phone_number: '+33612345678',
  claim: [
    { name: 'hardware_info', type: 'text' },
    { name: 'first_seen', type: 'datetime' },
    { name: 'building_location', type: 'text' },
  ],
};
