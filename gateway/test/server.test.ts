import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signMediaToken } from '../../control/contract/index.ts';
import { MEDIA_KEY, startHarness, type Harness } from './harness.ts';
import { MediaClient, rawUpgrade } from './ws-client.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('media upgrade', () => {
  it('refuses an upgrade without a valid token with 401 and creates no session', async () => {
    const callId = randomUUID();
    const path = `/media/acs/${callId}`;
    const cases: Array<[string, Record<string, string>]> = [
      [path, {}],
      [`${path}?token=nonsense`, {}],
      [`${path}?token=${h.token('twilio', callId)}`, {}], // token for another carrier
      [`${path}?token=${h.token('acs', randomUUID())}`, {}], // token for another call
      [`${path}?token=${signMediaToken(MEDIA_KEY, { callId, carrier: 'acs', expiresAtSec: Math.floor(Date.now() / 1000) - 5 })}`, {}],
      [`${path}?token=${signMediaToken('x'.repeat(48), { callId, carrier: 'acs', expiresAtSec: Math.floor(Date.now() / 1000) + 60 })}`, {}],
      [path, { authorization: 'Bearer not-a-token' }],
    ];
    for (const [p, headers] of cases) {
      const res = await rawUpgrade(h.gateway.port, p, headers);
      expect(res.status, p).toBe(401);
      expect(JSON.parse(res.body).error.message).toMatch(/media token/);
    }
    expect(h.gateway.activeCalls()).toBe(0);
    expect(h.control.requests.filter((r) => r.path.includes(callId))).toEqual([]);
  });

  it('upgrades with a valid token (query or bearer) and fetches the context with the service token', async () => {
    const callId = randomUUID();
    const res = await rawUpgrade(h.gateway.port, `/media/softphone/${callId}`, { authorization: `Bearer ${h.token('softphone', callId)}` });
    expect(res.status).toBe(101);
    const client = await MediaClient.connect(h.mediaUrl('acs'));
    expect(h.gateway.activeCalls()).toBeGreaterThanOrEqual(1);
    await expect.poll(() => h.control.requests.some((r) => r.path.endsWith('/context')), { timeout: 10_000 }).toBe(true);
    const ctx = h.control.requests.find((r) => r.path.endsWith('/context'))!;
    expect(ctx.authorization).toBe(`Bearer ${h.control.token}`);
    client.close();
    await client.closed;
    await expect.poll(() => h.gateway.activeCalls(), { timeout: 10_000 }).toBe(0);
  });

  it('refuses a second media session for the same call (409), unknown routes (404) and bad call ids (400)', async () => {
    const callId = randomUUID();
    const first = await MediaClient.connect(h.mediaUrl('twilio', callId));
    expect((await rawUpgrade(h.gateway.port, `/media/twilio/${callId}?token=${h.token('twilio', callId)}`)).status).toBe(409);
    expect((await rawUpgrade(h.gateway.port, `/media/sip/${callId}?token=x`)).status).toBe(404);
    expect((await rawUpgrade(h.gateway.port, `/media/acs/${'x'.repeat(200)}?token=x`)).status).toBe(400);
    first.close();
    await first.closed;
  });

  it('closes a call control does not know with 1008', async () => {
    const callId = randomUUID();
    h.control.unknown.add(callId);
    const client = await MediaClient.connect(h.mediaUrl('acs', callId));
    const { code } = await client.closed;
    expect(code).toBe(1008);
  });
});

describe('HTTP routes', () => {
  it('serves liveness, readiness and Prometheus metrics', async () => {
    const base = `http://127.0.0.1:${h.gateway.port}`;
    expect((await fetch(`${base}/health/liveness`)).status).toBe(200);
    const ready = await fetch(`${base}/health/readiness`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/call_started_total\{carrier="acs",[^}]*\} [1-9]/);
    expect(metrics).toMatch(/process_event_loop_lag/);
    expect(metrics).not.toMatch(/\+1555/); // no phone numbers in metrics
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
