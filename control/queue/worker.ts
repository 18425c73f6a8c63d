/**
 * The worker loop: claims jobs, runs each with the handler for its kind, acks on success and
 * fails on error (the queue retries or dead-letters), both under the lease of the delivery. Stops claiming on abort and resolves once
 * the jobs already running have finished.
 */
import { errorText } from './options.ts';
import type { Job, JobQueue } from './types.ts';

/** Runs one job; a rejection fails the attempt. Must be idempotent: delivery is at least once. */
export type JobHandler = (job: Job) => Promise<void>;

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** This worker's name in the queue (e.g. host name + pid). */
  readonly consumer: string;
  /** Jobs run at once. Default 4. */
  readonly concurrency?: number;
  /** Wait between claims when the queue is empty. Default 500 ms: post-call work is not urgent. */
  readonly pollMs?: number;
  /** Abort to stop: no new claims; running jobs finish and are acked. */
  readonly signal: AbortSignal;
  /**
   * Queue errors (claim, ack, fail), handler errors, and acks or fails the queue ignored because
   * the job's lease had expired and it was delivered again; the loop keeps going.
   */
  readonly onError?: (error: unknown, job?: Job) => void;
}

/**
 * Runs jobs from `queue` until `signal` aborts; resolves when the last running job has settled.
 *
 * @example
 * const controller = new AbortController();
 * const stopped = runWorker(queue, { insights: (job) => insights(job.payload) }, { consumer: 'w1', signal: controller.signal });
 * controller.abort(); await stopped;
 */
export async function runWorker(queue: JobQueue, handlers: Readonly<Record<string, JobHandler>>, options: WorkerOptions): Promise<void> {
  const concurrency = options.concurrency ?? 4;
  const pollMs = options.pollMs ?? 500;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer');
  if (!Number.isFinite(pollMs) || pollMs < 0) throw new RangeError('pollMs must be a non-negative number');
  const { signal } = options;
  const onError = (error: unknown, job?: Job) => {
    try {
      options.onError?.(error, job);
    } catch {
      // A throwing error reporter must not stop the worker or leave a job half-handled.
    }
  };
  const running = new Set<Promise<void>>();
  let wake: (() => void) | undefined;

  const run = async (job: Job): Promise<void> => {
    const handler = Object.hasOwn(handlers, job.kind) ? handlers[job.kind] : undefined;
    try {
      if (!handler) throw new Error(`no handler for job kind "${job.kind}"`);
      await handler(job);
    } catch (err) {
      onError(err, job);
      await queue.fail(job.id, job.lease, errorText(err)).then(
        (changed) => changed || onError(lostLease(job, 'fail'), job),
        (e: unknown) => onError(e, job),
      );
      return;
    }
    // An ack lost here only means the job runs again after its lease: handlers are idempotent.
    await queue.ack(job.id, job.lease).then(
      (changed) => changed || onError(lostLease(job, 'ack'), job),
      (e: unknown) => onError(e, job),
    );
  };

  while (!signal.aborted) {
    const free = concurrency - running.size;
    let claimed: Job[] = [];
    if (free > 0) {
      try {
        claimed = await queue.claim(options.consumer, free);
      } catch (err) {
        onError(err);
      }
    }
    for (const job of claimed) {
      const p: Promise<void> = run(job).finally(() => {
        running.delete(p);
        wake?.();
      });
      running.add(p);
    }
    // A full batch suggests more is waiting: claim again at once if a slot is free.
    if (free > 0 && claimed.length === free && running.size < concurrency) continue;
    await idle(pollMs, signal, (w) => (wake = w));
  }
  await Promise.allSettled(running);
}

/** The error reported when an ack or fail came after the job's lease passed to another delivery. */
function lostLease(job: Job, op: 'ack' | 'fail'): Error {
  return new Error(`${op} of job "${job.id}" (attempt ${job.attempt}) ignored: its lease expired and the job was delivered again or finished`);
}

/**
 * Resolves after `ms`, on abort, or when the function handed to `setWake` is called (a job
 * finished, so a slot is free). Leaves no timer or listener behind.
 */
function idle(ms: number, signal: AbortSignal, setWake: (wake: (() => void) | undefined) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      setWake(undefined);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    setWake(done);
  });
}
