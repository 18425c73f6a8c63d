/** Options and argument checks shared by the job queue implementations. */

/** Behaviour of a queue; from the `queue` config section (see `createQueue`). */
export interface QueueOptions {
  /** A claimed job not acked or failed within this time is handed to another consumer. */
  readonly visibilityTimeoutMs: number;
  /** Deliveries before a job is dead-lettered (a failure or an expired lease each use one). */
  readonly maxAttempts: number;
  /** Delay before the first retry; doubles each attempt, up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  /** Cap on one retry delay. Default 1 h: beyond that an operator should look at the dead letters. */
  readonly retryMaxMs?: number;
  /**
   * How long a done job's id is remembered, so that enqueueing it again is a no-op. Default 7 days:
   * far beyond any retry of the event that enqueued it.
   */
  readonly doneRetentionMs?: number;
  /** Clock in ms since epoch; injectable so tests of scheduling need no sleeps. */
  readonly now?: () => number;
}

export const DEFAULT_RETRY_MAX_MS = 3_600_000;
export const DEFAULT_DONE_RETENTION_MS = 7 * 24 * 3_600_000;
/** Largest payload accepted, serialized. 1 MiB: jobs carry ids and small parameters, not data. */
export const MAX_PAYLOAD_BYTES = 1 << 20;
/** Most jobs one claim may take. */
export const MAX_CLAIM = 1_000;

/** Delay before retrying after failed attempt number `attempt` (1-based). */
export function retryDelayMs(options: QueueOptions, attempt: number): number {
  return Math.min(options.retryMaxMs ?? DEFAULT_RETRY_MAX_MS, options.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}

/** Validates options. @throws RangeError */
export function checkOptions(options: QueueOptions): void {
  const positive = (name: string, v: number, min: number) => {
    if (!Number.isFinite(v) || v < min) throw new RangeError(`queue ${name} must be a number >= ${min}, got ${v}`);
  };
  positive('visibilityTimeoutMs', options.visibilityTimeoutMs, 1);
  positive('maxAttempts', options.maxAttempts, 1);
  positive('retryBaseMs', options.retryBaseMs, 0);
}

/** Validates a job to enqueue and returns its serialized payload. @throws TypeError or RangeError */
export function checkJob(job: { id: string; kind: string; payload: unknown }, notBeforeMs: number | undefined): string {
  if (typeof job?.id !== 'string' || job.id.length === 0 || job.id.length > 200) {
    throw new TypeError('job id must be a string of 1 to 200 characters');
  }
  if (typeof job.kind !== 'string' || job.kind.length === 0 || job.kind.length > 100) {
    throw new TypeError('job kind must be a string of 1 to 100 characters');
  }
  if (notBeforeMs !== undefined && !Number.isFinite(notBeforeMs)) throw new RangeError('notBeforeMs must be a finite number');
  let payload: string | undefined;
  try {
    payload = JSON.stringify(job.payload ?? null);
  } catch (err) {
    throw new TypeError(`job payload is not serializable: ${(err as Error).message}`, { cause: err });
  }
  if (payload === undefined) throw new TypeError('job payload is not serializable');
  if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) throw new RangeError(`job payload exceeds ${MAX_PAYLOAD_BYTES} bytes`);
  return payload;
}

/** Validates claim arguments. */
export function checkClaim(consumer: string, max: number): void {
  if (typeof consumer !== 'string' || consumer.length === 0 || consumer.length > 200) {
    throw new TypeError('consumer must be a string of 1 to 200 characters');
  }
  if (!Number.isInteger(max) || max < 0 || max > MAX_CLAIM) throw new RangeError(`max must be an integer from 0 to ${MAX_CLAIM}`);
}

/** Validates the arguments of ack / fail. @throws TypeError */
export function checkLease(jobId: string, lease: string): void {
  if (typeof jobId !== 'string') throw new TypeError('job id must be a string');
  if (typeof lease !== 'string') throw new TypeError('lease must be a string (the `lease` of the claimed job)');
}

/** Error text stored with a failed attempt, bounded so a huge message cannot bloat storage. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}
