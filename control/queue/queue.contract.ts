/**
 * The behaviour every {@link JobQueue} must have, as a vitest suite. Each implementation's test
 * file calls {@link describeJobQueueContract} with a harness factory.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueOptions } from './options.ts';
import type { Job, JobQueue } from './types.ts';

/** A test clock shared by every queue of a harness. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

/** Queues under test: several connections to one queue, all on the same injected clock. */
export interface QueueHarness {
  readonly clock: TestClock;
  /** Opens another connection (another process, as far as the queue can tell). */
  open(): Promise<JobQueue>;
  /**
   * Resolves once a lease taken now has expired for the backend: advances the clock where the
   * backend uses it; where the backend measures idle time itself (Redis), returns at once and
   * {@link claimSoon} waits.
   */
  expireLeases(): Promise<void>;
  /** Closes everything the harness opened. */
  close(): Promise<void>;
}

export type HarnessFactory = (options: Omit<QueueOptions, 'now'>) => Promise<QueueHarness>;

/** A clock starting at a fixed time that only moves when told. */
export function testClock(start = Date.parse('2026-01-01T00:00:00Z')): TestClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Claims until something comes back (for backends whose lease expiry is real time), or fails after 10 s. */
export async function claimSoon(queue: JobQueue, consumer: string, max = 1): Promise<Job[]> {
  let jobs: Job[] = [];
  await expect
    .poll(
      async () => {
        jobs = await queue.claim(consumer, max);
        return jobs.length;
      },
      { timeout: 10_000, interval: 50 },
    )
    .toBeGreaterThan(0);
  return jobs;
}

const job = (id: string, payload: unknown = { id }) => ({ id, kind: 'insights', payload });

/** Registers the contract tests for a queue implementation. */
export function describeJobQueueContract(name: string, factory: HarnessFactory, visibilityTimeoutMs: number): void {
  describe(`JobQueue contract: ${name}`, () => {
    let h: QueueHarness;
    let q: JobQueue;
    const setup = async (options: Partial<QueueOptions> = {}) => {
      await h?.close();
      h = await factory({ visibilityTimeoutMs, maxAttempts: 3, retryBaseMs: 1_000, ...options });
      q = await h.open();
    };
    beforeEach(() => setup());
    afterEach(() => h.close());

    it('delivers a job once, with its payload, until acked', async () => {
      expect(await q.enqueue(job('j1', { callId: 'c1', n: [1, 2] }))).toBe(true);
      const [got, ...rest] = await q.claim('a', 10);
      expect(rest).toEqual([]);
      expect(got).toEqual({ id: 'j1', kind: 'insights', payload: { callId: 'c1', n: [1, 2] }, attempt: 1, lease: expect.any(String) });
      expect(got!.lease.length).toBeGreaterThan(0);
      expect(await q.claim('b', 10)).toEqual([]);
      expect(await q.ack('j1', got!.lease)).toBe(true);
      h.clock.advance(visibilityTimeoutMs * 10);
      expect(await q.claim('b', 10)).toEqual([]);
      expect(await q.deadLetters()).toEqual([]);
    });

    it('delivers in enqueue order', async () => {
      for (let i = 0; i < 5; i++) await q.enqueue(job(`j${i}`));
      expect((await q.claim('a', 2)).map((j) => j.id)).toEqual(['j0', 'j1']);
      expect((await q.claim('a', 10)).map((j) => j.id)).toEqual(['j2', 'j3', 'j4']);
    });

    it('takes at most `max` jobs per claim and never gives one job to two consumers', async () => {
      for (let i = 0; i < 5; i++) await q.enqueue(job(`j${i}`));
      const other = await h.open();
      const [a, b] = await Promise.all([q.claim('a', 3), other.claim('b', 3)]);
      expect(a.length + b.length).toBe(5);
      expect(new Set([...a, ...b].map((j) => j.id))).toEqual(new Set(['j0', 'j1', 'j2', 'j3', 'j4']));
      expect(Math.max(a.length, b.length)).toBe(3);
      expect(await q.claim('c', 0)).toEqual([]);
    });

    it('ignores a duplicate id while queued, running, done or dead', async () => {
      expect(await q.enqueue(job('dup', 1))).toBe(true);
      expect(await q.enqueue(job('dup', 2))).toBe(false);
      const [first] = await q.claim('a', 10);
      expect(first?.payload).toBe(1);
      expect(await q.enqueue(job('dup', 3))).toBe(false);
      expect(await q.ack('dup', first!.lease)).toBe(true);
      expect(await q.enqueue(job('dup', 4))).toBe(false);
      expect(await q.claim('a', 10)).toEqual([]);
      await setup({ maxAttempts: 1 });
      await q.enqueue(job('gone'));
      const [gone] = await q.claim('a', 1);
      expect(await q.fail('gone', gone!.lease, 'boom')).toBe(true);
      expect(await q.enqueue(job('gone'))).toBe(false);
      expect((await q.deadLetters()).map((d) => d.id)).toEqual(['gone']);
    });

    it('does not deliver a scheduled job before its time', async () => {
      const at = h.clock.now() + 60_000;
      await q.enqueue(job('later'), { notBeforeMs: at });
      await q.enqueue(job('now'));
      const claimed = await q.claim('a', 10);
      expect(claimed.map((j) => j.id)).toEqual(['now']);
      expect(await q.ack('now', claimed[0]!.lease)).toBe(true);
      h.clock.advance(59_999);
      expect(await q.claim('a', 10)).toEqual([]);
      h.clock.advance(1);
      expect((await q.claim('a', 10)).map((j) => j.id)).toEqual(['later']);
      // A time in the past means "now".
      await q.enqueue(job('past'), { notBeforeMs: 0 });
      expect((await q.claim('a', 10)).map((j) => j.id)).toEqual(['past']);
    });

    it('retries with exponential backoff, then dead-letters after max attempts', async () => {
      await q.enqueue(job('flaky'));
      const [a1] = await q.claim('a', 1);
      expect(a1?.attempt).toBe(1);
      expect(await q.fail('flaky', a1!.lease, 'first')).toBe(true);
      expect(await q.claim('a', 1)).toEqual([]);
      h.clock.advance(999);
      expect(await q.claim('a', 1)).toEqual([]);
      h.clock.advance(1);
      const [a2] = await q.claim('a', 1);
      expect(a2?.attempt).toBe(2);
      expect(await q.fail('flaky', a2!.lease, 'second')).toBe(true);
      h.clock.advance(1_999); // 1000 * 2^1
      expect(await q.claim('a', 1)).toEqual([]);
      h.clock.advance(1);
      const [a3] = await q.claim('a', 1);
      expect(a3?.attempt).toBe(3);
      expect(await q.fail('flaky', a3!.lease, new Error('third').message)).toBe(true);
      h.clock.advance(3_600_000);
      expect(await q.claim('a', 1)).toEqual([]);
      expect(await q.deadLetters()).toEqual([{ id: 'flaky', kind: 'insights', attempts: 3, error: 'third' }]);
      // Late acks and fails of a dead job change nothing.
      expect(await q.ack('flaky', a3!.lease)).toBe(false);
      expect(await q.fail('flaky', a3!.lease, 'late')).toBe(false);
      expect(await q.deadLetters()).toEqual([{ id: 'flaky', kind: 'insights', attempts: 3, error: 'third' }]);
    });

    it('redelivers the job of a consumer that died mid-job to another one; its effect happens once', async () => {
      // The side effect of the job, recorded idempotently by job id (as real handlers must be).
      const effects = new Map<string, number>();
      let handlerRuns = 0;
      const handle = (j: Job) => {
        handlerRuns++;
        effects.set(j.id, (effects.get(j.id) ?? 0) + (effects.has(j.id) ? 0 : 1));
      };
      await q.enqueue(job('crashy'));
      const doomed = await h.open();
      const [first] = await doomed.claim('doomed', 1);
      expect(first?.attempt).toBe(1);
      handle(first!); // it did the work...
      await doomed.close(); // ...and died before acking.

      const survivor = await h.open();
      expect(await survivor.claim('survivor', 1)).toEqual([]); // still leased
      await h.expireLeases();
      const [again] = await claimSoon(survivor, 'survivor');
      expect(again).toMatchObject({ id: 'crashy', attempt: 2, payload: { id: 'crashy' } });
      handle(again!);
      expect(await survivor.ack('crashy', again!.lease)).toBe(true);
      await h.expireLeases();
      h.clock.advance(3_600_000);
      expect(await survivor.claim('survivor', 10)).toEqual([]);
      expect(handlerRuns).toBe(2);
      expect([...effects]).toEqual([['crashy', 1]]);
      expect(await survivor.deadLetters()).toEqual([]);
    });

    it('ignores the late ack and fail of a consumer whose lease expired and whose job was delivered again', async () => {
      await q.enqueue(job('slow'));
      const a = await h.open();
      const b = await h.open();
      const [first] = await a.claim('a', 1);
      expect(first).toMatchObject({ id: 'slow', attempt: 1 });
      await h.expireLeases();
      const [second] = await claimSoon(b, 'b');
      expect(second).toMatchObject({ id: 'slow', attempt: 2, payload: { id: 'slow' } });
      expect(second!.lease).not.toBe(first!.lease);

      // A wakes up late: neither its fail (which would reschedule) nor its ack (which would mark
      // done the job B is running) changes anything.
      expect(await a.fail('slow', first!.lease, 'late failure')).toBe(false);
      expect(await a.ack('slow', first!.lease)).toBe(false);
      expect(await q.claim('c', 10)).toEqual([]); // still leased to B
      expect(await q.deadLetters()).toEqual([]);

      expect(await b.ack('slow', second!.lease)).toBe(true);
      expect(await b.ack('slow', second!.lease)).toBe(false); // done already
      expect(await a.fail('slow', first!.lease, 'later still')).toBe(false);
      await h.expireLeases();
      h.clock.advance(3_600_000);
      expect(await q.claim('c', 10)).toEqual([]);
      expect(await q.deadLetters()).toEqual([]);
      expect(await q.enqueue(job('slow'))).toBe(false);
    });

    it('dead-letters a job whose last lease expires', async () => {
      await setup({ maxAttempts: 1 });
      await q.enqueue(job('stuck'));
      expect(await q.claim('a', 1)).toHaveLength(1);
      await h.expireLeases();
      await expect.poll(async () => (await q.claim('b', 1), (await q.deadLetters()).map((d) => d.id)), { timeout: 10_000, interval: 50 }).toEqual(['stuck']);
      expect((await q.deadLetters())[0]?.error).toMatch(/visibility timeout/);
    });

    it('refuses bad input with a clear error', async () => {
      await expect(q.enqueue({ id: '', kind: 'k', payload: null })).rejects.toThrow(/job id/);
      await expect(q.enqueue({ id: 'x', kind: '', payload: null })).rejects.toThrow(/job kind/);
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await expect(q.enqueue({ id: 'x', kind: 'k', payload: cyclic })).rejects.toThrow(/serializable/);
      await expect(q.enqueue({ id: 'x', kind: 'k', payload: 'x'.repeat(2 << 20) })).rejects.toThrow(/exceeds/);
      await expect(q.claim('', 1)).rejects.toThrow(/consumer/);
      await expect(q.claim('a', -1)).rejects.toThrow(/max/);
      expect(await q.claim('a', 10)).toEqual([]);
      expect(await q.ack('unknown', 'no-such-lease')).toBe(false);
      expect(await q.fail('unknown', 'no-such-lease', 'x')).toBe(false);
      await expect(q.ack('unknown', undefined as unknown as string)).rejects.toThrow(/lease/);
      await expect(q.fail('unknown', undefined as unknown as string, 'x')).rejects.toThrow(/lease/);
    });

    it('answers ping, closes idempotently and refuses use after close', async () => {
      await q.ping();
      await q.close();
      await q.close();
      await expect(q.claim('a', 1)).rejects.toThrow(/closed/);
    });
  });
}
