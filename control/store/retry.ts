/** Retry helpers shared by the stores: optimistic-concurrency conflicts and throttling. */
import { ConcurrencyError } from './types.ts';

/** How a conflict retry loop waits and gives up. */
export interface ConflictRetryOptions {
  /**
   * Attempts before the ConcurrencyError is passed on. 25 lets 20 writers racing on one call all
   * get through (each round lets at least one win) with room to spare.
   */
  readonly maxAttempts?: number;
  /** First backoff; doubles each conflict up to `maxDelayMs`. 5 ms: a write takes about that long. */
  readonly baseDelayMs?: number;
  /** Cap on one backoff. 200 ms keeps a contended call responsive. */
  readonly maxDelayMs?: number;
  /** Waits `ms`; injectable for tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); injectable for tests. */
  readonly random?: () => number;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it does not throw ConcurrencyError, with "full jitter" exponential backoff
 * between attempts so racing writers spread out instead of colliding again in lockstep.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, options: ConflictRetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 25;
  const base = options.baseDelayMs ?? 5;
  const cap = options.maxDelayMs ?? 200;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof ConcurrencyError) || n >= maxAttempts) throw err;
      await wait(Math.floor(random() * Math.min(cap, base * 2 ** (n - 1))));
    }
  }
}

/** How the throttling retry loop waits and gives up. */
export interface ThrottleRetryOptions {
  /** Retries after the first attempt. 5: Cosmos DB throttling clears within a few hints. */
  readonly maxRetries?: number;
  /** Total time spent waiting before giving up. 10 s stays well within an HTTP request's budget. */
  readonly maxWaitMs?: number;
  /** Wait when the server gives no hint. */
  readonly defaultDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Whether `err` is a 429 from the service, and the delay it asked for, if any. */
function throttleDelay(err: unknown): { throttled: boolean; delayMs?: number } {
  if (typeof err !== 'object' || err === null) return { throttled: false };
  const e = err as { code?: unknown; statusCode?: unknown; retryAfterInMs?: unknown; retryAfterInMilliseconds?: unknown };
  const throttled = e.code === 429 || e.statusCode === 429;
  const hint = typeof e.retryAfterInMs === 'number' ? e.retryAfterInMs : e.retryAfterInMilliseconds;
  return { throttled, ...(typeof hint === 'number' && Number.isFinite(hint) && hint >= 0 ? { delayMs: hint } : {}) };
}

/**
 * Runs `attempt`, retrying a 429 ("request rate too large") after the delay the service asks for
 * (`retryAfterInMs`), within a bounded number of retries and total wait.
 */
export async function retryOnThrottle<T>(attempt: () => Promise<T>, options: ThrottleRetryOptions = {}): Promise<T> {
  const maxRetries = options.maxRetries ?? 5;
  const maxWaitMs = options.maxWaitMs ?? 10_000;
  const wait = options.sleep ?? sleep;
  let waited = 0;
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const { throttled, delayMs } = throttleDelay(err);
      const delay = delayMs ?? options.defaultDelayMs ?? 100 * 2 ** n;
      if (!throttled || n >= maxRetries || waited + delay > maxWaitMs) throw err;
      waited += delay;
      await wait(delay);
    }
  }
}
