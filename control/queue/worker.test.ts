import { describe, expect, it } from 'vitest';
import { testClock } from './queue.contract.ts';
import { SqliteJobQueue } from './sqlite-queue.ts';
import type { Job } from './types.ts';
import { runWorker } from './worker.ts';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

function setup(maxAttempts = 3) {
  const clock = testClock();
  const queue = new SqliteJobQueue({ path: ':memory:', visibilityTimeoutMs: 60_000, maxAttempts, retryBaseMs: 0, now: clock.now });
  const controller = new AbortController();
  return { clock, queue, controller, signal: controller.signal };
}

describe('runWorker', () => {
  it('runs each job with the handler of its kind and acks it', async () => {
    const { clock, queue, controller, signal } = setup();
    const seen: string[] = [];
    const all = deferred();
    const record = async (job: Job) => {
      seen.push(`${job.kind}:${job.id}`);
      if (seen.length === 5) all.resolve();
    };
    for (let i = 0; i < 5; i++) await queue.enqueue({ id: `j${i}`, kind: i % 2 ? 'sms' : 'insights', payload: i });
    const stopped = runWorker(queue, { sms: record, insights: record }, { consumer: 'w', concurrency: 2, pollMs: 10, signal });
    await all.promise;
    controller.abort();
    await stopped;
    expect(seen.sort()).toEqual(['insights:j0', 'insights:j2', 'insights:j4', 'sms:j1', 'sms:j3']);
    clock.advance(3_600_000); // any lease would have expired: nothing comes back, all were acked
    expect(await queue.claim('x', 10)).toEqual([]);
    await queue.close();
  });

  it('fails a throwing handler and a job of unknown kind: retried, then dead-lettered', async () => {
    const { queue, controller, signal } = setup(2);
    const errors: Array<[string, string | undefined]> = [];
    const attempts: number[] = [];
    await queue.enqueue({ id: 'bad', kind: 'boom', payload: null });
    await queue.enqueue({ id: 'odd', kind: 'constructor', payload: null });
    const stopped = runWorker(
      queue,
      {
        boom: async (job) => {
          attempts.push(job.attempt);
          throw new Error(`boom ${job.attempt}`);
        },
      },
      {
        consumer: 'w',
        pollMs: 10,
        signal,
        onError: (err, job) => errors.push([(err as Error).message, job?.id]),
      },
    );
    await expect.poll(async () => (await queue.deadLetters()).length).toBe(2);
    controller.abort();
    await stopped;
    expect(attempts).toEqual([1, 2]);
    expect(errors).toContainEqual(['no handler for job kind "constructor"', 'odd']);
    const dead = await queue.deadLetters();
    expect(dead.map((d) => [d.id, d.attempts, d.error]).sort()).toEqual([
      ['bad', 2, 'Error: boom 2'],
      ['odd', 2, 'Error: no handler for job kind "constructor"'],
    ]);
    await queue.close();
  });

  it('never runs more than `concurrency` jobs at once', async () => {
    const { queue, controller, signal } = setup();
    let inFlight = 0;
    let peak = 0;
    let done = 0;
    const gates = Array.from({ length: 6 }, () => deferred());
    const started = Array.from({ length: 6 }, () => deferred());
    for (let i = 0; i < 6; i++) await queue.enqueue({ id: `j${i}`, kind: 'k', payload: i });
    const stopped = runWorker(
      queue,
      {
        k: async (job) => {
          const i = job.payload as number;
          inFlight++;
          peak = Math.max(peak, inFlight);
          started[i]!.resolve();
          await gates[i]!.promise;
          inFlight--;
          done++;
        },
      },
      { consumer: 'w', concurrency: 2, pollMs: 10, signal },
    );
    for (let i = 0; i < 6; i++) {
      await started[i]!.promise; // jobs start in order, two at a time
      gates[i]!.resolve();
    }
    await expect.poll(() => done).toBe(6);
    controller.abort();
    await stopped;
    expect(peak).toBe(2);
    await queue.close();
  });

  it('stops claiming on abort and waits for running jobs before resolving', async () => {
    const { clock, queue, controller, signal } = setup();
    const started = deferred();
    const gate = deferred();
    await queue.enqueue({ id: 'long', kind: 'k', payload: null });
    const stopped = runWorker(
      queue,
      {
        k: async () => {
          started.resolve();
          await gate.promise;
        },
      },
      { consumer: 'w', pollMs: 10, signal },
    );
    let resolved = false;
    void stopped.then(() => (resolved = true));
    await started.promise;
    controller.abort();
    await queue.enqueue({ id: 'after', kind: 'k', payload: null });
    await new Promise((r) => setImmediate(r));
    expect(resolved).toBe(false);
    gate.resolve();
    await stopped;
    clock.advance(3_600_000);
    // 'long' was acked; 'after' was never claimed by the stopped worker.
    expect((await queue.claim('x', 10)).map((j) => [j.id, j.attempt])).toEqual([['after', 1]]);
    await queue.close();
  });

  it('passes the lease: a job redelivered while its handler ran is not acked by the late worker, and it reports that', async () => {
    const { clock, queue, controller, signal } = setup();
    const started = deferred();
    const gate = deferred();
    const reported = deferred<[unknown, Job | undefined]>();
    await queue.enqueue({ id: 'slow', kind: 'k', payload: null });
    const stopped = runWorker(
      queue,
      {
        k: async () => {
          started.resolve();
          await gate.promise;
        },
      },
      { consumer: 'w', concurrency: 1, pollMs: 10, signal, onError: (err, job) => reported.resolve([err, job]) },
    );
    await started.promise;
    clock.advance(60_000); // the worker's lease expires; another consumer takes the job
    const [again] = await queue.claim('other', 1);
    expect(again).toMatchObject({ id: 'slow', attempt: 2 });
    gate.resolve();
    const [err, job] = await reported.promise;
    expect(String(err)).toMatch(/ack of job "slow" \(attempt 1\) ignored/);
    expect(job?.lease).not.toBe(again!.lease);
    controller.abort();
    await stopped;
    // Still running under the other consumer's lease, which alone can finish it.
    expect(await queue.ack('slow', again!.lease)).toBe(true);
    clock.advance(3_600_000);
    expect(await queue.claim('x', 10)).toEqual([]);
    await queue.close();
  });

  it('keeps going when the queue errors, reporting it', async () => {
    const { queue, controller, signal } = setup();
    await queue.close(); // every claim now throws
    const reported = deferred<unknown>();
    const stopped = runWorker(queue, {}, { consumer: 'w', pollMs: 10, signal, onError: (err) => reported.resolve(err) });
    expect(String(await reported.promise)).toMatch(/closed/);
    controller.abort();
    await stopped;
  });

  it('refuses bad options', async () => {
    const { queue, signal } = setup();
    await expect(runWorker(queue, {}, { consumer: 'w', concurrency: 0, signal })).rejects.toThrow(/concurrency/);
    await queue.close();
  });
});
