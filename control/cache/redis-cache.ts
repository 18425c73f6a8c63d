/** The production cache: Redis via ioredis, TTLs in milliseconds (`SET ... PX`). */
import { Redis } from 'ioredis';
import type { Cache } from './types.ts';
import { checkKey, ttlToMs } from './ttl.ts';

/** Options of {@link RedisCache}. */
export interface RedisCacheOptions {
  /** `redis://` or `rediss://` URL. */
  readonly url: string;
  /** Prefix of every key, to share one Redis between deployments. */
  readonly keyPrefix?: string;
}

/**
 * A request fails after one reconnection attempt instead of ioredis's default 20: a cache miss is
 * cheaper for a caller than a request stuck while Redis is down.
 */
const MAX_RETRIES_PER_REQUEST = 1;
/** Connecting gives up after 5 s: Redis answers in milliseconds when it is up. */
const CONNECT_TIMEOUT_MS = 5_000;

/** The Redis implementation of {@link Cache}. */
export class RedisCache implements Cache {
  readonly #redis: Redis;
  #lastError: Error | undefined;
  #closed = false;

  constructor(options: RedisCacheOptions) {
    this.#redis = new Redis(options.url, {
      keyPrefix: options.keyPrefix ?? '',
      maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
      connectTimeout: CONNECT_TIMEOUT_MS,
      lazyConnect: true,
    });
    // Without a listener ioredis prints every connection error; ping() reports the last one.
    this.#redis.on('error', (err: Error) => (this.#lastError = err));
  }

  async get(key: string): Promise<string | undefined> {
    this.#open();
    checkKey(key);
    return (await this.#redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSec: number): Promise<void> {
    this.#open();
    checkKey(key);
    await this.#redis.set(key, checkValue(value), 'PX', ttlToMs(ttlSec));
  }

  async delete(key: string): Promise<void> {
    this.#open();
    checkKey(key);
    await this.#redis.del(key);
  }

  async setIfAbsent(key: string, value: string, ttlSec: number): Promise<boolean> {
    this.#open();
    checkKey(key);
    return (await this.#redis.set(key, checkValue(value), 'PX', ttlToMs(ttlSec), 'NX')) === 'OK';
  }

  /** Milliseconds until `key` expires (`PTTL`), or `undefined` if absent or without expiry. */
  async ttlMs(key: string): Promise<number | undefined> {
    this.#open();
    const ms = await this.#redis.pttl(key);
    return ms >= 0 ? ms : undefined;
  }

  async ping(): Promise<void> {
    this.#open();
    try {
      await this.#redis.ping();
    } catch (err) {
      throw new Error(`redis cache unreachable: ${(err as Error).message}`, { cause: this.#lastError ?? err });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeRedis(this.#redis);
  }

  #open(): void {
    if (this.#closed) throw new Error('cache is closed');
  }
}

function checkValue(value: string): string {
  if (typeof value !== 'string') throw new TypeError('cache value must be a string');
  return value;
}

/** Quits politely when connected, else drops the connection; never hangs on a dead server. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  try {
    await redis.quit();
  } catch {
    redis.disconnect();
  }
}
