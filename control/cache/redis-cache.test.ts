import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisTestServer } from '../test/support/redis-server.ts';
import { describeCacheContract } from './cache.contract.ts';
import { createCache } from './index.ts';
import { RedisCache } from './redis-cache.ts';

let server: RedisTestServer;
let n = 0;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.close();
});

describeCacheContract('redis', async () => {
  // A fresh prefix per test: each test sees an empty keyspace on the shared server.
  const cache = new RedisCache({ url: server.url, keyPrefix: `t${n++}:` });
  return { cache, ttlMs: (key) => cache.ttlMs(key) };
});

describe('RedisCache', () => {
  it('stores under its prefix with a millisecond expiry (PTTL)', async () => {
    const cache = createCache({ kind: 'redis', memory: { max_entries: 1 }, redis: { url: server.url } });
    expect(cache).toBeInstanceOf(RedisCache);
    const raw = new Redis(server.url);
    await cache.set('plain', 'v', 1.5);
    const pttl = await raw.pttl('plain');
    expect(pttl).toBeGreaterThan(1_000);
    expect(pttl).toBeLessThanOrEqual(1_500);
    // Expiry is Redis's own: once the key expires, get sees nothing.
    await raw.pexpire('plain', 1);
    await expect.poll(() => cache.get('plain'), { timeout: 5_000 }).toBeUndefined();
    await raw.quit();
    await cache.close();
  });

  it('reports an unreachable server on ping instead of hanging', async () => {
    const dead = await startRedisServer();
    const url = dead.url;
    await dead.close();
    const cache = new RedisCache({ url });
    await expect(cache.ping()).rejects.toThrow(/unreachable/);
    await cache.close();
  });
});
