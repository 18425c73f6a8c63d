/**
 * The cache: an in-process LRU (embedded default) or Redis, chosen by configuration.
 *
 * @example
 * const cache = createCache(config.cache);
 * if (await cache.setIfAbsent(`sms:${id}`, '1', 3600)) await sendSms();
 */
import type { Config } from '../contract/index.ts';
import { MemoryCache } from './memory-cache.ts';
import { RedisCache } from './redis-cache.ts';
import type { Cache } from './types.ts';

export type { Cache } from './types.ts';
export { MemoryCache, type MemoryCacheOptions } from './memory-cache.ts';
export { RedisCache, type RedisCacheOptions } from './redis-cache.ts';

/** Creates the configured cache. Redis connects on first use. */
export function createCache(config: Config['cache']): Cache {
  if (config.kind === 'redis') {
    if (!config.redis) throw new Error('cache.redis is required when cache.kind is redis');
    return new RedisCache({ url: config.redis.url });
  }
  return new MemoryCache({ maxEntries: config.memory.max_entries });
}
