/**
 * The job queue for post-call work and automated callbacks: at-least-once delivery, a
 * visibility timeout, retries with backoff, a dead-letter list after N attempts, and
 * idempotency by job id (enqueueing an id twice makes one job).
 */

/** A job as a consumer receives it. */
export interface Job<T = unknown> {
  readonly id: string;
  readonly kind: string;
  readonly payload: T;
  /** 1 on the first delivery. */
  readonly attempt: number;
  /**
   * The lease of this delivery: a random id, new on every delivery. Pass it to `ack` / `fail`;
   * once the job has been delivered again (this lease expired and another consumer claimed it),
   * or has otherwise left the running state, calls with this lease change nothing.
   */
  readonly lease: string;
}

export interface EnqueueOptions {
  /** Do not deliver before this time (ms since epoch), e.g. a callback reminder. */
  readonly notBeforeMs?: number;
}

export interface JobQueue {
  /** Adds a job; a job with the same id already queued, running or done is not added again. */
  enqueue(job: { id: string; kind: string; payload: unknown }, options?: EnqueueOptions): Promise<boolean>;
  /**
   * Takes up to `max` due jobs for this consumer; each is invisible to others until acked,
   * failed, or its visibility timeout passes.
   */
  claim(consumer: string, max: number): Promise<Job[]>;
  /**
   * Marks a job done: it is never delivered again. Only the holder of the current lease may:
   * returns true if the job was running under `lease` and is now done, false (changing nothing)
   * if the lease is stale (the job was redelivered), or the job is unknown, done, dead or waiting.
   */
  ack(jobId: string, lease: string): Promise<boolean>;
  /**
   * Marks an attempt failed: retried with backoff, or dead-lettered after max attempts. Returns
   * true if the job was running under `lease`, false (changing nothing) otherwise, as for `ack`.
   */
  fail(jobId: string, lease: string, error: string): Promise<boolean>;
  /** Dead-lettered jobs, with their last error. */
  deadLetters(): Promise<Array<{ id: string; kind: string; attempts: number; error: string }>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
