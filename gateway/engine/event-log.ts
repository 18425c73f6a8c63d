/**
 * Conversation events posted to control in order, as they happen. One sender loop per call
 * batches what accumulated while the previous POST was in flight. Event ids are chosen by the
 * engine and control applies each once, so a batch that failed half-way is simply sent again.
 */
import type { ControlClient, ConversationEventInput } from '../../control/contract/index.ts';
import type { EngineLogger } from './logger.ts';

/** Events kept while control is unreachable: ~10 min of a busy call. Beyond it the oldest are dropped and counted. */
const MAX_QUEUED = 2000;

/** An event to post; `at` defaults to now. */
export type PendingEvent = ConversationEventInput extends infer E ? (E extends unknown ? Omit<E, 'at'> & { at?: string } : never) : never;
/** Largest batch the contract accepts. */
const MAX_BATCH = 100;
/** Pause after a failed POST (the client has already retried with backoff). */
const RETRY_PAUSE_MS = 2000;

export class EventLog {
  readonly #queue: ConversationEventInput[] = [];
  #sending: Promise<void> | undefined;
  #dropped = 0;
  #closed = false;

  constructor(
    readonly control: ControlClient,
    readonly callId: string,
    readonly signal: AbortSignal,
    readonly log: EngineLogger,
  ) {}

  /** Events dropped because the queue overflowed. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Queues an event (with `at` filled in if missing) and makes sure the sender runs. */
  post(event: PendingEvent): void {
    if (this.#closed) return;
    if (this.#queue.length >= MAX_QUEUED) {
      this.#queue.shift();
      this.#dropped++;
    }
    this.#queue.push({ at: new Date().toISOString(), ...event } as ConversationEventInput);
    this.#sending ??= this.#send(this.signal).finally(() => {
      this.#sending = undefined;
      if (this.#queue.length > 0 && !this.signal.aborted && !this.#closed) this.#sending = this.#send(this.signal);
    });
  }

  /** Resolves once everything queued so far has been sent (or given up on). */
  async idle(): Promise<void> {
    while (this.#sending) await this.#sending;
  }

  /** Sends what is left within `deadlineMs`, then refuses new events; idempotent. */
  async close(deadlineMs: number): Promise<void> {
    if (this.#closed) return;
    await this.#sending?.catch(() => undefined);
    this.#closed = true;
    if (this.#queue.length === 0) return;
    await this.#send(AbortSignal.timeout(deadlineMs)).catch(() => undefined);
    if (this.#queue.length > 0) this.log.error({ lost: this.#queue.length }, 'conversation events not delivered before the call closed');
  }

  async #send(signal: AbortSignal): Promise<void> {
    while (this.#queue.length > 0 && !signal.aborted) {
      const batch = this.#queue.slice(0, MAX_BATCH);
      try {
        await this.control.postEvents(this.callId, batch, signal);
        this.#queue.splice(0, batch.length);
      } catch (error) {
        if (signal.aborted) return;
        this.log.warn({ err: error, queued: this.#queue.length }, 'posting conversation events failed; will retry');
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, RETRY_PAUSE_MS);
          signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
        });
      }
    }
  }
}
