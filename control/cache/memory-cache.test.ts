import { describe, expect, it } from 'vitest';
import { describeCacheContract } from './cache.contract.ts';
import { createCache } from './index.ts';
import { MemoryCache } from './memory-cache.ts';

describeCacheContract('memory', async () => {
  const cache = new MemoryCache({ maxEntries: 1000 });
  return { cache, ttlMs: (key) => cache.ttlMs(key) };
});

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('MemoryCache', () => {
  it('expires entries at their TTL', async () => {
    const c = clock();
    const cache = new MemoryCache({ maxEntries: 10, now: c.now });
    await cache.set('k', 'v', 2);
    c.advance(1_999);
    expect(await cache.get('k')).toBe('v');
    c.advance(1);
    expect(await cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('lets setIfAbsent take an expired key', async () => {
    const c = clock();
    const cache = new MemoryCache({ maxEntries: 10, now: c.now });
    expect(await cache.setIfAbsent('lock', 'a', 1)).toBe(true);
    expect(await cache.setIfAbsent('lock', 'b', 1)).toBe(false);
    c.advance(1_000);
    expect(await cache.setIfAbsent('lock', 'b', 1)).toBe(true);
    expect(await cache.get('lock')).toBe('b');
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const cache = new MemoryCache({ maxEntries: 3 });
    await cache.set('a', '1', 60);
    await cache.set('b', '2', 60);
    await cache.set('c', '3', 60);
    await cache.get('a'); // a is now the most recent; b the least
    await cache.set('d', '4', 60);
    expect(cache.size).toBe(3);
    expect(await cache.get('b')).toBeUndefined();
    expect([await cache.get('a'), await cache.get('c'), await cache.get('d')]).toEqual(['1', '3', '4']);
    await cache.set('c', '3b', 60); // overwrite refreshes recency too
    await cache.set('e', '5', 60);
    expect(await cache.get('a')).toBeUndefined();
    expect(await cache.get('c')).toBe('3b');
  });

  it('refuses a bad size', () => {
    expect(() => new MemoryCache({ maxEntries: 0 })).toThrow(RangeError);
  });

  it('is what createCache builds by default', async () => {
    const cache = createCache({ kind: 'memory', memory: { max_entries: 5 } });
    expect(cache).toBeInstanceOf(MemoryCache);
    await cache.close();
  });
});
