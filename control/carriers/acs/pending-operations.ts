/**
 * Operations whose outcome arrives later as a callback (a transfer's CallTransferAccepted or
 * CallTransferFailed), keyed by the operation context sent with the request.
 */
import type { ActionResult } from '../../contract/index.ts';

interface Waiter {
  resolve(result: ActionResult): void;
  timer: NodeJS.Timeout;
}

/** Waiters for callback outcomes; bounded by their timeouts. */
export class PendingOperations {
  readonly #waiters = new Map<string, Waiter>();
  /** Outcomes that arrived before anyone waited (the callback can beat the REST response). */
  readonly #early = new Map<string, ActionResult>();
  #closed = false;

  /** Waits for the outcome of `operationContext`, or `onTimeout` after `timeoutMs`. */
  wait(operationContext: string, timeoutMs: number, onTimeout: ActionResult): Promise<ActionResult> {
    const early = this.#early.get(operationContext);
    if (early !== undefined) {
      this.#early.delete(operationContext);
      return Promise.resolve(early);
    }
    if (this.#closed) return Promise.resolve({ ok: false, detail: 'control is shutting down' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(operationContext);
        resolve(onTimeout);
      }, timeoutMs);
      this.#waiters.set(operationContext, { resolve, timer });
    });
  }

  /** Delivers an outcome; kept briefly if nobody waits yet. */
  settle(operationContext: string, result: ActionResult): void {
    const waiter = this.#waiters.get(operationContext);
    if (waiter === undefined) {
      // Bounded: only the latest 100 unclaimed outcomes are kept.
      if (this.#early.size >= 100) this.#early.delete(this.#early.keys().next().value as string);
      this.#early.set(operationContext, result);
      return;
    }
    clearTimeout(waiter.timer);
    this.#waiters.delete(operationContext);
    waiter.resolve(result);
  }

  /** Resolves every waiter as failed. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, waiter] of this.#waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve({ ok: false, detail: 'control is shutting down' });
      this.#waiters.delete(id);
    }
    this.#early.clear();
  }
}
