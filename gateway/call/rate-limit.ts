/** A token bucket: `capacity` tokens, refilled at `ratePerSec`; time is passed in (ms). */
export class TokenBucket {
  readonly #capacity: number;
  readonly #ratePerMs: number;
  #tokens: number;
  #lastMs: number;

  constructor(capacity: number, ratePerSec: number, nowMs: number) {
    this.#capacity = capacity;
    this.#ratePerMs = ratePerSec / 1000;
    this.#tokens = capacity;
    this.#lastMs = nowMs;
  }

  /** Takes one token; false when the bucket is empty. */
  take(nowMs: number): boolean {
    const elapsed = nowMs - this.#lastMs;
    if (elapsed > 0) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#ratePerMs);
      this.#lastMs = nowMs;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
