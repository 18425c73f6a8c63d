/**
 * The production job queue: Redis Streams with a consumer group. New jobs are stream entries read
 * with XREADGROUP; an entry not acknowledged within the visibility timeout is taken over by the
 * next claimer with XAUTOCLAIM (its idle time is the lease); delayed and retried jobs wait in a
 * sorted set until due. A hash per job id makes enqueue idempotent, counts attempts and holds the
 * lease of the running delivery, without which ack and fail change nothing.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { closeRedis } from '../cache/redis-cache.ts';
import {
  checkClaim,
  checkJob,
  checkLease,
  checkOptions,
  DEFAULT_DONE_RETENTION_MS,
  DEFAULT_RETRY_MAX_MS,
  errorText,
  type QueueOptions,
} from './options.ts';
import { ACK, ENQUEUE, FAIL, PROMOTE, START } from './redis-scripts.ts';
import type { EnqueueOptions, Job, JobQueue } from './types.ts';

/** Options of {@link RedisJobQueue}. */
export interface RedisQueueOptions extends QueueOptions {
  readonly url: string;
  /** Stream name; other keys derive from it. */
  readonly stream: string;
  /** Consumer group name. */
  readonly group: string;
}

/** Due delayed jobs moved to the stream per claim; the rest follow on the next claims. */
const PROMOTE_BATCH = 500;
/** A request fails after 3 reconnection attempts: the worker's next poll tries again anyway. */
const MAX_RETRIES_PER_REQUEST = 3;

type StartResult = [kind: string, payload: string, attempt: number] | null;

interface QueueCommands {
  jqEnqueue(job: string, stream: string, delayed: string, id: string, kind: string, payload: string, dueMs: number, nowMs: number): Promise<number>;
  jqPromote(delayed: string, stream: string, nowMs: number, limit: number, prefix: string): Promise<number>;
  jqStart(
    job: string,
    stream: string,
    dead: string,
    group: string,
    entryId: string,
    maxAttempts: number,
    nowMs: number,
    id: string,
    consumer: string,
    lease: string,
  ): Promise<StartResult>;
  jqAck(job: string, stream: string, group: string, nowMs: number, retentionMs: number, lease: string): Promise<number>;
  jqFail(
    job: string,
    stream: string,
    delayed: string,
    dead: string,
    group: string,
    nowMs: number,
    maxAttempts: number,
    baseMs: number,
    maxMs: number,
    error: string,
    id: string,
    lease: string,
  ): Promise<number>;
}

/** Stream entries as XREADGROUP / XAUTOCLAIM return them; deleted entries come back as null fields. */
type Entries = Array<[entryId: string, fields: string[] | null]>;

/** The Redis Streams implementation of {@link JobQueue}. */
export class RedisJobQueue implements JobQueue {
  readonly #redis: Redis & QueueCommands;
  readonly #options: RedisQueueOptions;
  readonly #now: () => number;
  readonly #keys: { stream: string; delayed: string; dead: string; jobPrefix: string };
  #group: Promise<void> | undefined;
  #lastError: Error | undefined;
  #closed = false;

  constructor(options: RedisQueueOptions) {
    checkOptions(options);
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const tag = `{${options.stream}}`;
    this.#keys = { stream: tag, delayed: `${tag}:delayed`, dead: `${tag}:dead`, jobPrefix: `${tag}:job:` };
    const redis = new Redis(options.url, { maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST, lazyConnect: true });
    redis.on('error', (err: Error) => (this.#lastError = err));
    redis.defineCommand('jqEnqueue', { numberOfKeys: 3, lua: ENQUEUE });
    redis.defineCommand('jqPromote', { numberOfKeys: 2, lua: PROMOTE });
    redis.defineCommand('jqStart', { numberOfKeys: 3, lua: START });
    redis.defineCommand('jqAck', { numberOfKeys: 2, lua: ACK });
    redis.defineCommand('jqFail', { numberOfKeys: 4, lua: FAIL });
    this.#redis = redis as Redis & QueueCommands;
  }

  async enqueue(job: { id: string; kind: string; payload: unknown }, options: EnqueueOptions = {}): Promise<boolean> {
    this.#open();
    const payload = checkJob(job, options.notBeforeMs);
    await this.#ensureGroup();
    const now = Math.floor(this.#now());
    const due = Math.floor(Math.max(now, options.notBeforeMs ?? now));
    const k = this.#keys;
    return (await this.#redis.jqEnqueue(this.#jobKey(job.id), k.stream, k.delayed, job.id, job.kind, payload, due, now)) === 1;
  }

  async claim(consumer: string, max: number): Promise<Job[]> {
    this.#open();
    checkClaim(consumer, max);
    if (max === 0) return [];
    await this.#ensureGroup();
    const k = this.#keys;
    const now = Math.floor(this.#now());
    await this.#redis.jqPromote(k.delayed, k.stream, now, PROMOTE_BATCH, k.jobPrefix);
    const jobs: Job[] = [];
    // Leases that expired first (their consumer died or stalled), then new entries.
    const reclaimed = (await this.#redis.xautoclaim(
      k.stream,
      this.#options.group,
      consumer,
      this.#options.visibilityTimeoutMs,
      '0-0',
      'COUNT',
      max,
    )) as [string, Entries, string[]?];
    await this.#start(reclaimed[1], consumer, now, jobs);
    if (jobs.length < max) {
      const read = (await this.#redis.xreadgroup('GROUP', this.#options.group, consumer, 'COUNT', max - jobs.length, 'STREAMS', k.stream, '>')) as
        | Array<[string, Entries]>
        | null;
      await this.#start(read?.[0]?.[1] ?? [], consumer, now, jobs);
    }
    return jobs;
  }

  async ack(jobId: string, lease: string): Promise<boolean> {
    this.#open();
    checkLease(jobId, lease);
    const retention = this.#options.doneRetentionMs ?? DEFAULT_DONE_RETENTION_MS;
    return (await this.#redis.jqAck(this.#jobKey(jobId), this.#keys.stream, this.#options.group, Math.floor(this.#now()), retention, lease)) === 1;
  }

  async fail(jobId: string, lease: string, error: string): Promise<boolean> {
    this.#open();
    checkLease(jobId, lease);
    const o = this.#options;
    const k = this.#keys;
    const result = await this.#redis.jqFail(
      this.#jobKey(jobId),
      k.stream,
      k.delayed,
      k.dead,
      o.group,
      Math.floor(this.#now()),
      o.maxAttempts,
      o.retryBaseMs,
      o.retryMaxMs ?? DEFAULT_RETRY_MAX_MS,
      errorText(error),
      jobId,
      lease,
    );
    return result !== 0;
  }

  async deadLetters(): Promise<Array<{ id: string; kind: string; attempts: number; error: string }>> {
    this.#open();
    const ids = await this.#redis.zrange(this.#keys.dead, '0', '-1');
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hmget(this.#jobKey(id), 'kind', 'attempts', 'error');
    const rows = (await pipeline.exec()) ?? [];
    return ids.map((id, i) => {
      const [kind, attempts, error] = (rows[i]?.[1] as Array<string | null> | undefined) ?? [];
      return { id, kind: kind ?? '', attempts: Number(attempts ?? 0), error: error ?? '' };
    });
  }

  async ping(): Promise<void> {
    this.#open();
    try {
      await this.#redis.ping();
    } catch (err) {
      throw new Error(`redis queue unreachable: ${(err as Error).message}`, { cause: this.#lastError ?? err });
    }
  }

  /** Closes the connection. Jobs this process claimed and did not ack go back after their lease. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeRedis(this.#redis);
  }

  async #start(entries: Entries, consumer: string, now: number, jobs: Job[]): Promise<void> {
    const k = this.#keys;
    for (const [entryId, fields] of entries) {
      const id = fields?.[0] === 'id' ? fields[1] : undefined;
      if (id === undefined) {
        // An entry deleted under us: just drop it from the pending list.
        await this.#redis.xack(k.stream, this.#options.group, entryId);
        continue;
      }
      const lease = randomUUID();
      const started = await this.#redis.jqStart(
        this.#jobKey(id),
        k.stream,
        k.dead,
        this.#options.group,
        entryId,
        this.#options.maxAttempts,
        now,
        id,
        consumer,
        lease,
      );
      if (started) jobs.push({ id, kind: started[0], payload: JSON.parse(started[1]) as unknown, attempt: Number(started[2]), lease });
    }
  }

  #ensureGroup(): Promise<void> {
    this.#group ??= this.#redis.xgroup('CREATE', this.#keys.stream, this.#options.group, '0', 'MKSTREAM').then(
      () => undefined,
      (err: Error) => {
        if (/BUSYGROUP/.test(err.message)) return;
        this.#group = undefined;
        throw err;
      },
    );
    return this.#group;
  }

  #jobKey(id: string): string {
    return this.#keys.jobPrefix + id;
  }

  #open(): void {
    if (this.#closed) throw new Error('job queue is closed');
  }
}
