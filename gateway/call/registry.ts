/**
 * What the gateway owns, counted: live sessions and timers. Every timer a call or the gateway
 * starts goes through here, so a test (or an operator) can check that nothing outlives its owner.
 */

/** A cancellable timer handle. */
export interface TimerHandle {
  cancel(): void;
}

/** Live resources of a gateway. */
export class ResourceRegistry<S = unknown> {
  /** Live call sessions by call id. */
  readonly sessions = new Map<string, S>();
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Timers currently scheduled (timeouts not yet fired, intervals not cancelled). */
  get timers(): number {
    return this.#timers.size;
  }

  /** A one-shot timer, counted until it fires or is cancelled. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
    return {
      cancel: () => {
        clearTimeout(handle);
        this.#timers.delete(handle);
      },
    };
  }

  /** A repeating timer, counted until cancelled. */
  setInterval(fn: () => void, ms: number): TimerHandle {
    const handle = setInterval(fn, ms);
    this.#timers.add(handle);
    return {
      cancel: () => {
        clearInterval(handle);
        this.#timers.delete(handle);
      },
    };
  }
}
