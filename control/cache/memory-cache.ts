/**
 * The embedded cache: an in-process LRU with a per-entry TTL. A Map keeps insertion order, so
 * re-inserting on read makes its first key the least recently used.
 */
import type { Cache } from './types.ts';
import { checkKey, ttlToMs } from './ttl.ts';

/** Options of {@link MemoryCache}. */
export interface MemoryCacheOptions {
  /** Entries kept before the least recently used is evicted. */
  readonly maxEntries: number;
  /** Clock in ms; injectable so TTL tests need no sleeps. */
  readonly now?: () => number;
}

interface Entry {
  value: string;
  expiresAtMs: number;
}

/** The in-process implementation of {@link Cache}. Expired entries are dropped when touched or evicted. */
export class MemoryCache implements Cache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  #closed = false;

  constructor(options: MemoryCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${options.maxEntries}`);
    }
    this.#maxEntries = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  /** Number of entries held, including expired ones not yet dropped. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    this.#open();
    checkKey(key);
    const entry = this.#live(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlSec: number): Promise<void> {
    this.#open();
    checkKey(key);
    this.#put(key, value, ttlToMs(ttlSec));
  }

  async delete(key: string): Promise<void> {
    this.#open();
    checkKey(key);
    this.#entries.delete(key);
  }

  async setIfAbsent(key: string, value: string, ttlSec: number): Promise<boolean> {
    this.#open();
    checkKey(key);
    const ttlMs = ttlToMs(ttlSec);
    if (this.#live(key)) return false;
    this.#put(key, value, ttlMs);
    return true;
  }

  /** Milliseconds until `key` expires, or `undefined` if absent. */
  async ttlMs(key: string): Promise<number | undefined> {
    this.#open();
    const entry = this.#live(key);
    return entry ? entry.expiresAtMs - this.#now() : undefined;
  }

  async ping(): Promise<void> {
    this.#open();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#entries.clear();
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAtMs <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #put(key: string, value: string, ttlMs: number): void {
    if (typeof value !== 'string') throw new TypeError('cache value must be a string');
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAtMs: this.#now() + ttlMs });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  #open(): void {
    if (this.#closed) throw new Error('cache is closed');
  }
}
