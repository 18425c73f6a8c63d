/** The gateway's few error classes; branch on `instanceof`, never on message text. */

/** An operation on a call that has ended (or is ending). */
export class CallClosedError extends Error {
  constructor(
    readonly callId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`call ${callId} is closed (${reason})`, options);
    this.name = 'CallClosedError';
  }
}

/** A bounded buffer refused more work under its named overflow rule. */
export class OverflowError extends Error {
  constructor(
    readonly rule: string,
    options?: { cause?: unknown },
  ) {
    super(`overflow: ${rule}`, options);
    this.name = 'OverflowError';
  }
}

/** An operation that is not valid in the current state. */
export class InvalidStateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidStateError';
  }
}

/** The abort reason of a turn stopped by barge-in (`signal.reason instanceof BargeInError`). */
export class BargeInError extends Error {
  constructor(
    readonly onsetMs: number,
    options?: { cause?: unknown },
  ) {
    super('the caller barged in', options);
    this.name = 'BargeInError';
  }
}
