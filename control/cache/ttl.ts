/** Argument checks shared by the caches. */

/** Converts a TTL in seconds to whole milliseconds. @throws RangeError unless finite and > 0 */
export function ttlToMs(ttlSec: number): number {
  if (typeof ttlSec !== 'number' || !Number.isFinite(ttlSec) || ttlSec <= 0) {
    throw new RangeError(`cache TTL must be a positive number of seconds, got ${String(ttlSec)}`);
  }
  return Math.max(1, Math.ceil(ttlSec * 1000));
}

/** @throws TypeError unless `key` is a non-empty string */
export function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError('cache key must be a non-empty string');
}
