/**
 * The call store: where calls live, with optimistic concurrency. Two implementations share one
 * contract test suite: SQLite (embedded default) and Cosmos DB.
 */
import type { Call, ConversationEvent } from '../contract/index.ts';

/** The revision given to `update` is not the stored one: someone else wrote first. */
export class ConcurrencyError extends Error {
  constructor(
    readonly callId: string,
    options?: { cause?: unknown },
  ) {
    super(`call ${callId} was modified concurrently`, options);
    this.name = 'ConcurrencyError';
  }
}

/** The call does not exist. */
export class NotFoundError extends Error {
  constructor(readonly callId: string) {
    super(`call ${callId} not found`);
    this.name = 'NotFoundError';
  }
}

/** Persistence of calls. */
export interface CallStore {
  /** Stores a new call (revision 0). */
  create(call: Call): Promise<Call>;
  /** The call, or `undefined`. */
  get(callId: string): Promise<Call | undefined>;
  /**
   * The most recent call for a phone number created after `since` (ISO), matching
   * `initiate.phone_number` or `claim.policyholder_phone`.
   */
  latestByPhone(phoneNumber: string, since?: string): Promise<Call | undefined>;
  /** Latest `limit` calls, newest first, optionally for one phone number (same matching). */
  list(options: { phoneNumber?: string; limit: number }): Promise<Call[]>;
  /**
   * Replaces the call if its stored revision is still `call.revision`; returns it with the
   * revision bumped. @throws ConcurrencyError otherwise.
   */
  update(call: Call): Promise<Call>;
  /**
   * Reads, applies `mutate`, writes with optimistic concurrency, and retries on conflict.
   * @throws NotFoundError
   */
  mutate(callId: string, mutate: (call: Call) => Call): Promise<Call>;
  /** Applies conversation events whose ids are not yet applied, in order; re-delivery is a no-op. */
  appendEvents(callId: string, events: readonly ConversationEvent[]): Promise<Call>;
  /** Checks the backend is reachable (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
