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
  /** Marks a job done: it is never delivered again. */
  ack(jobId: string): Promise<void>;
  /** Marks an attempt failed: retried with backoff, or dead-lettered after max attempts. */
  fail(jobId: string, error: string): Promise<void>;
  /** Dead-lettered jobs, with their last error. */
  deadLetters(): Promise<Array<{ id: string; kind: string; attempts: number; error: string }>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
