/** A small key-value cache with TTL: memory LRU (embedded) or Redis. */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  /** Sets with a time to live in seconds. */
  set(key: string, value: string, ttlSec: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Sets only if absent (returns true if set): a cheap lock/dedup primitive. */
  setIfAbsent(key: string, value: string, ttlSec: number): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
