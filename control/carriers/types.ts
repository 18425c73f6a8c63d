/**
 * What control asks of a telephony carrier. One implementation per carrier (ACS Call Automation,
 * Twilio, the local softphone); actions are routed to the carrier of the call they concern.
 */
import type { ActionResult, Call, Carrier } from '../contract/index.ts';

/** A carrier's call control. */
export interface CarrierPort {
  readonly kind: Carrier;
  /** Places the outbound leg of a stored call. Returns the carrier's connection id when known at once. */
  dial(call: Call): Promise<{ connectionId?: string }>;
  /** Transfers the caller to `target`; resolves with the outcome (accepted or why not). */
  transfer(call: Call, target: string, operationId: string): Promise<ActionResult>;
  /** Ends the call for everyone. */
  hangup(call: Call): Promise<ActionResult>;
  /** Plays `text` to the caller through the carrier's own speech. */
  play(call: Call, text: string, langShortCode: string | undefined, operationId: string): Promise<ActionResult>;
  /** Stops pending operations (waiting transfers resolve as failed). Idempotent. */
  close(): Promise<void>;
}

/** The carrier refused or failed an operation; `retryable` when trying again may help. */
export class CarrierError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CarrierError';
  }
}

/** The carriers configured in this process; the outbound one is ACS, else Twilio, else the softphone. */
export interface Carriers {
  readonly outbound: CarrierPort;
  get(kind: Carrier): CarrierPort | undefined;
  close(): Promise<void>;
}

/** Builds the registry from the carriers present. */
export function carrierRegistry(ports: readonly CarrierPort[]): Carriers {
  const byKind = new Map(ports.map((p) => [p.kind, p] as const));
  const outbound = byKind.get('acs') ?? byKind.get('twilio') ?? byKind.get('softphone');
  if (outbound === undefined) throw new Error('no carrier configured');
  let closed = false;
  return {
    outbound,
    get: (kind) => byKind.get(kind),
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.allSettled(ports.map((p) => p.close()));
    },
  };
}
