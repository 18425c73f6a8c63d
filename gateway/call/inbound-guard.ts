/** The per-call inbound policy: message rate (flood) and how many invalid messages are tolerated. */
import { FLOOD_CLOSE_AFTER, INVALID_CLOSE_AFTER, MESSAGE_BURST, MESSAGE_RATE_PER_SEC } from './limits.ts';
import { TokenBucket } from './rate-limit.ts';

/** Counts and limits what one call's carrier sends. */
export class InboundGuard {
  readonly #bucket: TokenBucket;
  #refusedInRow = 0;
  #invalid = 0;
  /** Audio frames admitted since the last metrics flush. */
  frames = 0;

  constructor(nowMs: number) {
    this.#bucket = new TokenBucket(MESSAGE_BURST, MESSAGE_RATE_PER_SEC, nowMs);
  }

  /** `ok`, `drop` (over the rate: refuse this one), or `close` (sustained flood). */
  admit(nowMs: number): 'ok' | 'drop' | 'close' {
    if (this.#bucket.take(nowMs)) {
      this.#refusedInRow = 0;
      return 'ok';
    }
    return ++this.#refusedInRow >= FLOOD_CLOSE_AFTER ? 'close' : 'drop';
  }

  /** Counts an invalid message; true once the call has sent too many. */
  invalid(): boolean {
    return ++this.#invalid >= INVALID_CLOSE_AFTER;
  }
}
