/**
 * The job queue: SQLite (embedded default) or Redis Streams, chosen by configuration, and the
 * worker loop that runs jobs from it.
 *
 * @example
 * const queue = createQueue(config.queue);
 * await queue.enqueue({ id: `insights:${callId}`, kind: 'insights', payload: { callId } });
 * const done = runWorker(queue, { insights: computeInsights }, { consumer: hostname(), signal });
 */
import type { Config } from '../contract/index.ts';
import type { QueueOptions } from './options.ts';
import { RedisJobQueue } from './redis-queue.ts';
import { SqliteJobQueue } from './sqlite-queue.ts';
import type { JobQueue } from './types.ts';

export type { EnqueueOptions, Job, JobQueue } from './types.ts';
export { retryDelayMs, type QueueOptions } from './options.ts';
export { SqliteJobQueue, type SqliteQueueOptions } from './sqlite-queue.ts';
export { RedisJobQueue, type RedisQueueOptions } from './redis-queue.ts';
export { runWorker, type JobHandler, type WorkerOptions } from './worker.ts';

/** Creates the configured queue; `now` is for tests. Redis connects on first use. */
export function createQueue(config: Config['queue'], extra: Pick<QueueOptions, 'now'> = {}): JobQueue {
  const options: QueueOptions = {
    visibilityTimeoutMs: config.visibility_timeout_sec * 1000,
    maxAttempts: config.max_attempts,
    retryBaseMs: config.retry_base_ms,
    ...extra,
  };
  if (config.kind === 'redis') {
    if (!config.redis) throw new Error('queue.redis is required when queue.kind is redis');
    return new RedisJobQueue({ ...options, url: config.redis.url, stream: config.redis.stream, group: config.redis.group });
  }
  return new SqliteJobQueue({ ...options, path: config.sqlite.path });
}
