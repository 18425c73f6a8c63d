import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { MediaClient, rawUpgrade } from './ws-client.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('graceful drain', () => {
  it('stops admitting calls, lets running ones finish, then closes', async () => {
    h = await startHarness();
    const running = await MediaClient.connect(h.mediaUrl('acs'));
    const draining = h.gateway.drain(30);
    const base = `http://127.0.0.1:${h.gateway.port}`;
    await expect.poll(async () => (await fetch(`${base}/health/readiness`)).status, { timeout: 10_000 }).toBe(503);
    const callId = crypto.randomUUID();
    expect((await rawUpgrade(h.gateway.port, `/media/acs/${callId}?token=${h.token('acs', callId)}`)).status).toBe(503);
    expect(running.open).toBe(true); // the running call goes on
    running.close(1000, 'caller done');
    await draining;
    expect(h.gateway.resources()).toEqual({ sessions: 0, timers: 0, dspSlots: 0 });
  });

  it('closes calls still running at the drain timeout with 1001', async () => {
    h = await startHarness();
    const running = await MediaClient.connect(h.mediaUrl('softphone'));
    await h.gateway.drain(0);
    expect((await running.closed).code).toBe(1001);
    expect(h.gateway.activeCalls()).toBe(0);
  });
});
