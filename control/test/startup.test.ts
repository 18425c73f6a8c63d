/**
 * Start-up and readiness: loopback-only without API keys, readiness naming a backend that does
 * not answer, the entry point refusing a bad configuration, the softphone placing and resuming calls.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallContext, INTERNAL_PATHS, type Call } from '../contract/index.ts';
import { freePort } from './support/free-port.ts';
import { startTestControl, type TestControl } from './helpers/harness.ts';

describe('binding', () => {
  it('listens on 127.0.0.1 when no API key is configured, whatever control.host says', async () => {
    const t = await startTestControl({ control: { host: '0.0.0.0' } });
    try {
      expect(t.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await t.request('/health/liveness')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('readiness', () => {
  it('is 503 naming the backend that does not answer', async () => {
    // Nothing listens on this port: the Redis cache cannot answer its ping.
    const port = await freePort();
    const t = await startTestControl({ cache: { kind: 'redis', redis: { url: `redis://127.0.0.1:${port}` } } });
    try {
      const res = await t.request('/health/readiness');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { message: string; details: string[] } };
      expect(body.error.message).toBe('not ready: cache');
      expect(body.error.details).toEqual([expect.stringMatching(/^cache: /)]);
      expect((await t.request('/health/liveness')).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('entry point', () => {
  it('prints the configuration problems, naming the keys, and exits 1', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'control-main-')), 'config.yaml');
    writeFileSync(file, 'control:\n  api_keys: []\n  surprise: 1\n');
    const child = spawn(process.execPath, ['--import', 'tsx', 'control/main.ts'], {
      env: { PATH: process.env.PATH, CONFIG_FILE: file, CONTROL__PORT: 'not-a-port' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/invalid configuration/);
    expect(stderr).toMatch(/control\.port: /);
    expect(stderr).toMatch(/control\.surprise: unknown key/);
  });
});

describe('softphone calls', () => {
  let t: TestControl;
  beforeAll(async () => {
    t = await startTestControl();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('places an inbound call from the page and resumes it within the callback window', async () => {
    const res = await t.request('/softphone/calls', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(201);
    const placed = (await res.json()) as { call_id: string; media_url: string; token: string; resumed: boolean };
    expect(placed.resumed).toBe(false);
    expect(new URL(placed.media_url).pathname).toBe(`/media/softphone/${placed.call_id}`);
    expect(new URL(placed.media_url).searchParams.get('token')).toBe(placed.token);
    const ctx = CallContext.parse(await (await t.internal(INTERNAL_PATHS.context(placed.call_id))).json());
    expect(ctx).toMatchObject({ direction: 'inbound', carrier: 'softphone', resumed: false });

    const at = new Date().toISOString();
    await t.internal(INTERNAL_PATHS.events(placed.call_id), {
      events: [
        { type: 'message_added', event_id: 'm', at, message: { created_at: at, persona: 'human', action: 'talk', content: 'I need help with my claim.' } },
        { type: 'call_ended', event_id: 'e', at, reason: 'caller_hangup' },
      ],
    });
    const again = (await (await t.request('/softphone/calls', { method: 'POST', body: '' })).json()) as { call_id: string; resumed: boolean };
    expect(again).toMatchObject({ call_id: placed.call_id, resumed: true });
    const resumed = CallContext.parse(await (await t.internal(INTERNAL_PATHS.context(placed.call_id))).json());
    expect(resumed.resumed).toBe(true);
    expect(resumed.messages.map((m) => m.content)).toEqual(['I need help with my claim.']);
    const call = (await (await t.request(`/call/${placed.call_id}`)).json()) as Call;
    expect(call).toMatchObject({ state: 'ringing', in_progress: true });
  });

  it('refuses a bad softphone request', async () => {
    expect((await t.request('/softphone/calls', { method: 'POST', body: '{"phone_number":"12"}' })).status).toBe(422);
    expect((await t.request('/softphone/calls', { method: 'POST', body: '{' })).status).toBe(400);
  });
});
