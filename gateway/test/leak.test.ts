import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { MediaClient } from './ws-client.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Node's active handles and requests, by type. */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of process.getActiveResourcesInfo()) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

function exceeding(now: Map<string, number>, base: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [type, n] of now) if (n > (base.get(type) ?? 0)) out.push(`${type}: ${n} > ${base.get(type) ?? 0}`);
  return out;
}

const FRAME = JSON.stringify({
  kind: 'AudioData',
  audioData: { timestamp: '2024-05-14T09:21:07.317Z', participantRawID: '4:+14255550123', data: Buffer.alloc(640, 1).toString('base64'), silent: false },
});

describe('connection churn', () => {
  it('opens and drops 1,000 connections (clean and abrupt) and leaves no session, timer, DSP slot or handle behind', async () => {
    // One call first, so lazily created process-wide things exist in the baseline.
    const warm = await MediaClient.connect(h.mediaUrl('acs'));
    warm.close();
    await warm.closed;
    await expect.poll(() => h.gateway.resources().sessions, { timeout: 10_000 }).toBe(0);
    const baseline = activeResources();

    const TOTAL = 1000;
    const BATCH = 50;
    let opened = 0;
    for (let b = 0; b < TOTAL / BATCH; b++) {
      const clients = await Promise.all(
        Array.from({ length: BATCH }, (_, i) => MediaClient.connect(h.mediaUrl((['acs', 'twilio', 'softphone'] as const)[i % 3]!))),
      );
      opened += clients.length;
      expect(h.gateway.activeCalls()).toBeGreaterThan(0);
      await Promise.all(clients.map((c, i) => (i % 3 === 0 ? c.send(FRAME) : i % 3 === 2 ? c.send(new Uint8Array(640)) : Promise.resolve())));
      clients.forEach((c, i) => {
        if (i % 3 === 0) c.close(1000, 'done'); // clean close handshake
        else if (i % 3 === 1) c.terminate(); // abrupt: no close frame
        else c.destroySocket(); // abrupt: TCP socket destroyed under the client
      });
      await Promise.all(clients.map((c) => c.closed));
    }
    expect(opened).toBe(TOTAL);
    await expect.poll(() => h.gateway.resources(), { timeout: 30_000, interval: 50 }).toEqual({ sessions: 0, timers: 0, dspSlots: 0 });
    expect(h.gateway.activeCalls()).toBe(0);
    await expect.poll(() => exceeding(activeResources(), baseline), { timeout: 30_000, interval: 100 }).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${h.gateway.port}/metrics`)).text();
    const started = [...metrics.matchAll(/^call_started_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
    const ended = [...metrics.matchAll(/^call_ended_total\{[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
    expect(started).toBe(TOTAL + 1);
    expect(ended).toBe(TOTAL + 1);
  }, 180_000);
});
