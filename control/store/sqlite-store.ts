/**
 * The embedded call store: one SQLite file (WAL), one row per call with its JSON document.
 * Optimistic concurrency on a revision column; phone columns indexed for "latest call of a number".
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Call, ConversationEvent } from '../contract/index.ts';
import { applyEvents } from './apply-events.ts';
import { retryOnConflict, type ConflictRetryOptions } from './retry.ts';
import { ConcurrencyError, NotFoundError, type CallStore } from './types.ts';
import { validateCall } from './validate.ts';

/** Options of {@link SqliteCallStore}. */
export interface SqliteStoreOptions {
  /** File path, or `:memory:`. Its directory is created if missing. */
  readonly path: string;
  /** Clock for `updated_at`; injectable for tests. */
  readonly now?: () => number;
  readonly retry?: ConflictRetryOptions;
}

/**
 * Writers wait up to 5 s for the file lock: another process (a second control replica on the
 * same volume) holds it for milliseconds per write, so 5 s only expires if something is stuck.
 */
const BUSY_TIMEOUT_MS = 5_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS calls (
  call_id TEXT PRIMARY KEY,
  phone TEXT NOT NULL,
  policyholder_phone TEXT,
  created_at TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS calls_phone ON calls (phone, created_ms);
CREATE INDEX IF NOT EXISTS calls_policyholder_phone ON calls (policyholder_phone, created_ms);
CREATE INDEX IF NOT EXISTS calls_created ON calls (created_ms);
`;

interface Row {
  doc: string;
}

/** The SQLite implementation of {@link CallStore}. */
export class SqliteCallStore implements CallStore {
  readonly #db: Database.Database;
  readonly #now: () => number;
  readonly #retry: ConflictRetryOptions;
  readonly #stmt;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path, { timeout: BUSY_TIMEOUT_MS });
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = NORMAL');
    this.#db.exec(SCHEMA);
    this.#now = options.now ?? Date.now;
    this.#retry = options.retry ?? {};
    const db = this.#db;
    this.#stmt = {
      insert: db.prepare(
        'INSERT INTO calls (call_id, phone, policyholder_phone, created_at, created_ms, revision, doc) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      get: db.prepare<[string], Row>('SELECT doc FROM calls WHERE call_id = ?'),
      update: db.prepare(
        'UPDATE calls SET phone = ?, policyholder_phone = ?, revision = ?, doc = ? WHERE call_id = ? AND revision = ?',
      ),
      latest: db.prepare<[string, string, number], Row>(
        `SELECT doc FROM calls WHERE (phone = ? OR policyholder_phone = ?) AND created_ms >= ?
         ORDER BY created_ms DESC, rowid DESC LIMIT 1`,
      ),
      listByPhone: db.prepare<[string, string, number], Row>(
        'SELECT doc FROM calls WHERE phone = ? OR policyholder_phone = ? ORDER BY created_ms DESC, rowid DESC LIMIT ?',
      ),
      listAll: db.prepare<[number], Row>('SELECT doc FROM calls ORDER BY created_ms DESC, rowid DESC LIMIT ?'),
      ping: db.prepare('SELECT 1'),
    };
  }

  async create(call: Call): Promise<Call> {
    this.#open();
    const stored = validateCall({ ...call, revision: 0 });
    try {
      this.#stmt.insert.run(
        stored.call_id,
        stored.initiate.phone_number,
        stored.claim.policyholder_phone ?? null,
        stored.created_at,
        Date.parse(stored.created_at),
        0,
        JSON.stringify(stored),
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new ConcurrencyError(stored.call_id, { cause: err });
      throw err;
    }
    return stored;
  }

  async get(callId: string): Promise<Call | undefined> {
    this.#open();
    return this.#getSync(callId);
  }

  async latestByPhone(phoneNumber: string, since?: string): Promise<Call | undefined> {
    this.#open();
    const sinceMs = since === undefined ? Number.MIN_SAFE_INTEGER : Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new RangeError(`since is not a date: ${since}`);
    const row = this.#stmt.latest.get(phoneNumber, phoneNumber, sinceMs);
    return row ? (JSON.parse(row.doc) as Call) : undefined;
  }

  async list(options: { phoneNumber?: string; limit: number }): Promise<Call[]> {
    this.#open();
    const limit = Math.max(0, Math.floor(options.limit));
    const rows =
      options.phoneNumber === undefined
        ? this.#stmt.listAll.all(limit)
        : this.#stmt.listByPhone.all(options.phoneNumber, options.phoneNumber, limit);
    return rows.map((r) => JSON.parse(r.doc) as Call);
  }

  async update(call: Call): Promise<Call> {
    this.#open();
    return this.#updateSync(call);
  }

  /**
   * Read, mutate and write happen in one synchronous IMMEDIATE transaction, so writers in this
   * process never conflict; the revision check still guards against other processes.
   */
  async mutate(callId: string, mutate: (call: Call) => Call): Promise<Call> {
    this.#open();
    const tx = this.#db.transaction(() => {
      const current = this.#getSync(callId);
      if (!current) throw new NotFoundError(callId);
      const next = mutate(current);
      if (next === current) return current;
      return this.#updateSync({ ...next, call_id: callId, revision: current.revision });
    });
    return retryOnConflict(async () => tx.immediate(), this.#retry);
  }

  async appendEvents(callId: string, events: readonly ConversationEvent[]): Promise<Call> {
    return this.mutate(callId, (call) => applyEvents(call, events));
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

  #getSync(callId: string): Call | undefined {
    const row = this.#stmt.get.get(callId);
    return row ? (JSON.parse(row.doc) as Call) : undefined;
  }

  #updateSync(call: Call): Call {
    const next = validateCall({ ...call, revision: call.revision + 1, updated_at: new Date(this.#now()).toISOString() });
    const result = this.#stmt.update.run(
      next.initiate.phone_number,
      next.claim.policyholder_phone ?? null,
      next.revision,
      JSON.stringify(next),
      next.call_id,
      call.revision,
    );
    if (result.changes === 0) {
      if (!this.#stmt.get.get(call.call_id)) throw new NotFoundError(call.call_id);
      throw new ConcurrencyError(call.call_id);
    }
    return next;
  }

  #open(): void {
    if (this.#closed) throw new Error('call store is closed');
  }
}
