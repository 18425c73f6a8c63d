import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createQueue } from './index.ts';
import { describeJobQueueContract, testClock } from './queue.contract.ts';
import { SqliteJobQueue } from './sqlite-queue.ts';
import type { JobQueue } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'queue-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VISIBILITY_MS = 30_000;

describeJobQueueContract(
  'sqlite',
  async (options) => {
    const clock = testClock();
    const path = join(dir, `jobs-${n++}.sqlite`);
    const opened: JobQueue[] = [];
    return {
      clock,
      async open() {
        const q = new SqliteJobQueue({ ...options, path, now: clock.now });
        opened.push(q);
        return q;
      },
      async expireLeases() {
        clock.advance(options.visibilityTimeoutMs);
      },
      async close() {
        await Promise.all(opened.map((q) => q.close()));
      },
    };
  },
  VISIBILITY_MS,
);

describe('SqliteJobQueue', () => {
  it('keeps jobs across a restart', async () => {
    const path = join(dir, 'restart.sqlite');
    const config = { kind: 'sqlite', sqlite: { path }, visibility_timeout_sec: 60, max_attempts: 5, retry_base_ms: 1000 } as const;
    const a = createQueue(config);
    expect(a).toBeInstanceOf(SqliteJobQueue);
    await a.enqueue({ id: 'persist', kind: 'k', payload: { x: 1 } });
    await a.close();
    const b = createQueue(config);
    expect(await b.claim('w', 5)).toMatchObject([{ id: 'persist', payload: { x: 1 }, attempt: 1 }]);
    await b.close();
  });

  it('opens a table created without the lease column and leases its jobs', async () => {
    const path = join(dir, 'old-schema.sqlite');
    const old = new Database(path);
    old.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('ready', 'running', 'done', 'dead')), attempts INTEGER NOT NULL DEFAULT 0,
      due_ms INTEGER NOT NULL, consumer TEXT, last_error TEXT, created_ms INTEGER NOT NULL, finished_ms INTEGER)`);
    old.prepare("INSERT INTO jobs (id, kind, payload, state, due_ms, created_ms) VALUES ('old', 'k', 'null', 'ready', 0, 0)").run();
    old.close();
    const q = new SqliteJobQueue({ path, visibilityTimeoutMs: 1000, maxAttempts: 3, retryBaseMs: 0 });
    const [job] = await q.claim('w', 1);
    expect(job).toMatchObject({ id: 'old', attempt: 1, lease: expect.any(String) });
    expect(await q.ack('old', 'stale')).toBe(false);
    expect(await q.ack('old', job!.lease)).toBe(true);
    await q.close();
  });

  it('forgets done jobs after the retention period, so their id may be used again', async () => {
    const clock = testClock();
    const q = new SqliteJobQueue({ path: ':memory:', visibilityTimeoutMs: 1000, maxAttempts: 3, retryBaseMs: 0, doneRetentionMs: 60_000, now: clock.now });
    await q.enqueue({ id: 'once', kind: 'k', payload: null });
    const [once] = await q.claim('w', 1);
    expect(await q.ack('once', once!.lease)).toBe(true);
    expect(await q.enqueue({ id: 'once', kind: 'k', payload: null })).toBe(false);
    clock.advance(120_000);
    await q.claim('w', 1); // prunes
    expect(await q.enqueue({ id: 'once', kind: 'k', payload: null })).toBe(true);
    await q.close();
  });
});
