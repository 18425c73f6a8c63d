/**
 * The embedded job queue: one SQLite table. A claim is one IMMEDIATE transaction that leases due
 * jobs (`due_ms` becomes the lease expiry, `lease` a new random id); an expired lease makes the
 * job claimable again, and ack / fail apply only under the job's current lease.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  checkClaim,
  checkJob,
  checkLease,
  checkOptions,
  DEFAULT_DONE_RETENTION_MS,
  errorText,
  retryDelayMs,
  type QueueOptions,
} from './options.ts';
import type { EnqueueOptions, Job, JobQueue } from './types.ts';

/** Options of {@link SqliteJobQueue}. */
export interface SqliteQueueOptions extends QueueOptions {
  /** File path, or `:memory:`. Its directory is created if missing. */
  readonly path: string;
}

/** Same reasoning as the call store: another process holds the lock for milliseconds. */
const BUSY_TIMEOUT_MS = 5_000;
/** Done jobs past retention are deleted at most this often (during claims). */
const PRUNE_EVERY_MS = 60_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('ready', 'running', 'done', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  due_ms INTEGER NOT NULL,
  consumer TEXT,
  lease TEXT,
  last_error TEXT,
  created_ms INTEGER NOT NULL,
  finished_ms INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (state, due_ms);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (state, finished_ms);
`;

interface JobRow {
  id: string;
  kind: string;
  payload: string;
  state: 'ready' | 'running' | 'done' | 'dead';
  attempts: number;
}

/** Adds columns that tables created by earlier versions lack. */
function migrate(db: Database.Database): void {
  const columns = db.prepare<[], { name: string }>('PRAGMA table_info(jobs)').all();
  if (!columns.some((c) => c.name === 'lease')) db.exec('ALTER TABLE jobs ADD COLUMN lease TEXT');
}

/** The SQLite implementation of {@link JobQueue}. */
export class SqliteJobQueue implements JobQueue {
  readonly #db: Database.Database;
  readonly #options: SqliteQueueOptions;
  readonly #now: () => number;
  readonly #stmt;
  #lastPruneMs = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: SqliteQueueOptions) {
    checkOptions(options);
    this.#options = options;
    this.#now = options.now ?? Date.now;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const db = new Database(options.path, { timeout: BUSY_TIMEOUT_MS });
    this.#db = db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    migrate(db);
    this.#stmt = {
      insert: db.prepare(
        "INSERT OR IGNORE INTO jobs (id, kind, payload, state, attempts, due_ms, created_ms) VALUES (?, ?, ?, 'ready', 0, ?, ?)",
      ),
      due: db.prepare<[number, number], JobRow>(
        "SELECT id, kind, payload, state, attempts FROM jobs WHERE state IN ('ready', 'running') AND due_ms <= ? ORDER BY due_ms, created_ms, rowid LIMIT ?",
      ),
      lease: db.prepare("UPDATE jobs SET state = 'running', attempts = attempts + 1, due_ms = ?, consumer = ?, lease = ? WHERE id = ?"),
      leased: db.prepare<[string, string], JobRow>(
        "SELECT id, kind, payload, state, attempts FROM jobs WHERE id = ? AND state = 'running' AND lease = ?",
      ),
      done: db.prepare(
        "UPDATE jobs SET state = 'done', finished_ms = ?, consumer = NULL, lease = NULL WHERE id = ? AND state = 'running' AND lease = ?",
      ),
      dead: db.prepare("UPDATE jobs SET state = 'dead', finished_ms = ?, consumer = NULL, lease = NULL, last_error = ? WHERE id = ?"),
      retry: db.prepare("UPDATE jobs SET state = 'ready', due_ms = ?, consumer = NULL, lease = NULL, last_error = ? WHERE id = ?"),
      deadList: db.prepare<[], { id: string; kind: string; attempts: number; error: string | null }>(
        "SELECT id, kind, attempts, last_error AS error FROM jobs WHERE state = 'dead' ORDER BY finished_ms, id",
      ),
      prune: db.prepare("DELETE FROM jobs WHERE state = 'done' AND finished_ms < ?"),
      ping: db.prepare('SELECT 1'),
    };
  }

  async enqueue(job: { id: string; kind: string; payload: unknown }, options: EnqueueOptions = {}): Promise<boolean> {
    this.#open();
    const payload = checkJob(job, options.notBeforeMs);
    const now = this.#now();
    return this.#stmt.insert.run(job.id, job.kind, payload, Math.max(now, options.notBeforeMs ?? now), now).changes === 1;
  }

  async claim(consumer: string, max: number): Promise<Job[]> {
    this.#open();
    checkClaim(consumer, max);
    const now = this.#now();
    this.#maybePrune(now);
    return this.#db.transaction(() => this.#claimSync(consumer, max, now)).immediate();
  }

  async ack(jobId: string, lease: string): Promise<boolean> {
    this.#open();
    checkLease(jobId, lease);
    return this.#stmt.done.run(this.#now(), jobId, lease).changes === 1;
  }

  async fail(jobId: string, lease: string, error: string): Promise<boolean> {
    this.#open();
    checkLease(jobId, lease);
    const now = this.#now();
    return this.#db
      .transaction(() => {
        const row = this.#stmt.leased.get(jobId, lease);
        if (!row) return false;
        const text = errorText(error);
        if (row.attempts >= this.#options.maxAttempts) this.#stmt.dead.run(now, text, jobId);
        else this.#stmt.retry.run(now + retryDelayMs(this.#options, row.attempts), text, jobId);
        return true;
      })
      .immediate();
  }

  async deadLetters(): Promise<Array<{ id: string; kind: string; attempts: number; error: string }>> {
    this.#open();
    return this.#stmt.deadList.all().map((r) => ({ ...r, error: r.error ?? '' }));
  }

  async ping(): Promise<void> {
    this.#open();
    this.#stmt.ping.get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #claimSync(consumer: string, max: number, now: number): Job[] {
    const jobs: Job[] = [];
    const leaseUntil = now + this.#options.visibilityTimeoutMs;
    // Rows dead-lettered here free their slot, so look again until `max` or nothing is due.
    while (jobs.length < max) {
      const rows = this.#stmt.due.all(now, max - jobs.length);
      if (rows.length === 0) break;
      for (const row of rows) {
        if (row.state === 'running' && row.attempts >= this.#options.maxAttempts) {
          this.#stmt.dead.run(now, 'visibility timeout expired on the last attempt', row.id);
          continue;
        }
        const lease = randomUUID();
        this.#stmt.lease.run(leaseUntil, consumer, lease, row.id);
        jobs.push({ id: row.id, kind: row.kind, payload: JSON.parse(row.payload) as unknown, attempt: row.attempts + 1, lease });
      }
    }
    return jobs;
  }

  #maybePrune(now: number): void {
    if (now - this.#lastPruneMs < PRUNE_EVERY_MS) return;
    this.#lastPruneMs = now;
    this.#stmt.prune.run(now - (this.#options.doneRetentionMs ?? DEFAULT_DONE_RETENTION_MS));
  }

  #open(): void {
    if (this.#closed) throw new Error('job queue is closed');
  }
}
