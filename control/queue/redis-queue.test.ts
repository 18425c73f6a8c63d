import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisTestServer } from '../test/support/redis-server.ts';
import { createQueue } from './index.ts';
import { describeJobQueueContract, testClock } from './queue.contract.ts';
import { RedisJobQueue } from './redis-queue.ts';
import type { JobQueue } from './types.ts';

let server: RedisTestServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.close();
});

/**
 * Redis measures lease expiry itself (XAUTOCLAIM min-idle), in real time: a short timeout keeps
 * the crash tests quick, long enough that a claim right after another never sees it expired.
 */
const VISIBILITY_MS = 2_000;

describeJobQueueContract(
  'redis',
  async (options) => {
    const clock = testClock();
    // A fresh stream per test: each test starts with an empty queue on the shared server.
    const stream = `jobs-${randomUUID()}`;
    const opened: JobQueue[] = [];
    return {
      clock,
      async open() {
        const q = new RedisJobQueue({ ...options, url: server.url, stream, group: 'workers', now: clock.now });
        opened.push(q);
        return q;
      },
      async expireLeases() {},
      async close() {
        await Promise.all(opened.map((q) => q.close()));
      },
    };
  },
  VISIBILITY_MS,
);

describe('RedisJobQueue', () => {
  it('is what createQueue builds for kind redis; done jobs expire after retention; the stream stays empty', async () => {
    const stream = `jobs-${randomUUID()}`;
    const q = createQueue({
      kind: 'redis',
      sqlite: { path: 'unused' },
      redis: { url: server.url, stream, group: 'g' },
      visibility_timeout_sec: 60,
      max_attempts: 5,
      retry_base_ms: 1000,
    });
    expect(q).toBeInstanceOf(RedisJobQueue);
    await q.enqueue({ id: 'a', kind: 'k', payload: null });
    const [claimed] = await q.claim('w', 1);
    expect(await q.ack('a', claimed!.lease)).toBe(true);
    const raw = new Redis(server.url);
    const ttl = await raw.pttl(`{${stream}}:job:a`);
    expect(ttl).toBeGreaterThan(6 * 24 * 3_600_000);
    expect(await raw.xlen(`{${stream}}`)).toBe(0);
    const pending = (await raw.xpending(`{${stream}}`, 'g')) as [number, ...unknown[]];
    expect(pending[0]).toBe(0);
    await raw.quit();
    await q.close();
  });

  it('moves a retried job through the delayed set by the injected clock', async () => {
    const clock = testClock();
    const stream = `jobs-${randomUUID()}`;
    const q = new RedisJobQueue({ url: server.url, stream, group: 'g', visibilityTimeoutMs: 60_000, maxAttempts: 5, retryBaseMs: 500, now: clock.now });
    await q.enqueue({ id: 'r', kind: 'k', payload: null });
    const [claimed] = await q.claim('w', 1);
    expect(await q.fail('r', claimed!.lease, 'x')).toBe(true);
    const raw = new Redis(server.url);
    expect(await raw.zscore(`{${stream}}:delayed`, 'r')).toBe(String(clock.now() + 500));
    clock.advance(500);
    expect((await q.claim('w', 1)).map((j) => j.attempt)).toEqual([2]);
    expect(await raw.zcard(`{${stream}}:delayed`)).toBe(0);
    await raw.quit();
    await q.close();
  });

  it('reports an unreachable server on ping', async () => {
    const dead = await startRedisServer();
    await dead.close();
    const q = new RedisJobQueue({ url: dead.url, stream: 's', group: 'g', visibilityTimeoutMs: 1000, maxAttempts: 1, retryBaseMs: 0 });
    await expect(q.ping()).rejects.toThrow(/unreachable/);
    await q.close();
  });
});
