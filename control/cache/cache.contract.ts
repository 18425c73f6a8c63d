/**
 * The behaviour every {@link Cache} must have, as a vitest suite. Each implementation's test file
 * calls {@link describeCacheContract} with a factory giving an empty cache.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from './types.ts';

/** A cache under test and a way to read a key's remaining time to live. */
export interface CacheUnderTest {
  readonly cache: Cache;
  /** Milliseconds until `key` expires, or undefined if absent. */
  ttlMs(key: string): Promise<number | undefined>;
}

/** Registers the contract tests for a cache implementation. */
export function describeCacheContract(name: string, factory: () => Promise<CacheUnderTest>): void {
  describe(`Cache contract: ${name}`, () => {
    let t: CacheUnderTest;
    beforeEach(async () => {
      t = await factory();
    });
    afterEach(async () => {
      await t.cache.close();
    });

    it('gets what was set, overwrites, and deletes', async () => {
      const { cache } = t;
      expect(await cache.get('k')).toBeUndefined();
      await cache.set('k', 'v1', 60);
      expect(await cache.get('k')).toBe('v1');
      await cache.set('k', 'v2', 60);
      expect(await cache.get('k')).toBe('v2');
      await cache.set('empty', '', 60);
      expect(await cache.get('empty')).toBe('');
      await cache.delete('k');
      expect(await cache.get('k')).toBeUndefined();
      await cache.delete('never-set');
    });

    it('keeps unicode and large values intact', async () => {
      const value = 'Amélie ☎ '.repeat(20_000);
      await t.cache.set('big', value, 60);
      expect(await t.cache.get('big')).toBe(value);
    });

    it('sets a time to live in seconds, renewed by set', async () => {
      await t.cache.set('k', 'v', 30);
      const first = await t.ttlMs('k');
      expect(first).toBeGreaterThan(25_000);
      expect(first).toBeLessThanOrEqual(30_000);
      await t.cache.set('k', 'v', 120);
      expect(await t.ttlMs('k')).toBeGreaterThan(115_000);
      await t.cache.set('frac', 'v', 0.25);
      expect(await t.ttlMs('frac')).toBeLessThanOrEqual(250);
    });

    it('setIfAbsent sets once, and keeps the first value and its TTL', async () => {
      expect(await t.cache.setIfAbsent('lock', 'a', 60)).toBe(true);
      expect(await t.cache.setIfAbsent('lock', 'b', 600)).toBe(false);
      expect(await t.cache.get('lock')).toBe('a');
      expect(await t.ttlMs('lock')).toBeLessThanOrEqual(60_000);
      await t.cache.delete('lock');
      expect(await t.cache.setIfAbsent('lock', 'c', 60)).toBe(true);
      expect(await t.cache.get('lock')).toBe('c');
    });

    it('lets exactly one of many concurrent setIfAbsent win', async () => {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.cache.setIfAbsent('race', String(i), 60)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await t.cache.get('race')).toBe(String(results.indexOf(true)));
    });

    it('refuses bad TTLs and keys with a clear error, leaving the value alone', async () => {
      await t.cache.set('k', 'v', 60);
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(t.cache.set('k', 'x', ttl)).rejects.toThrow(/TTL/);
        await expect(t.cache.setIfAbsent('new', 'x', ttl)).rejects.toThrow(/TTL/);
      }
      await expect(t.cache.get('')).rejects.toThrow(/key/);
      expect(await t.cache.get('k')).toBe('v');
      expect(await t.cache.get('new')).toBeUndefined();
    });

    it('answers ping, closes idempotently and refuses use after close', async () => {
      await t.cache.ping();
      await t.cache.close();
      await t.cache.close();
      await expect(t.cache.get('k')).rejects.toThrow(/closed/);
    });
  });
}
