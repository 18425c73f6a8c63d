/** `store`, `cache`, `queue`: persistence backends. Embedded defaults need no service. */
import { z } from 'zod';
import { zBool, zInt } from '../coerce.ts';

export const CosmosSettings = z.strictObject({
  endpoint: z.string().url(),
  key: z.string().min(1),
  database: z.string().default('callcenter'),
  container: z.string().default('calls'),
  /** Accept a self-signed TLS certificate (local Cosmos-protocol servers only). */
  allow_insecure_tls: zBool(false),
});

export const StoreSection = z
  .strictObject({
    kind: z.enum(['sqlite', 'cosmos']).default('sqlite'),
    sqlite: z.strictObject({ path: z.string().default('data/calls.sqlite') }).prefault({}),
    cosmos: CosmosSettings.optional(),
  })
  .refine((s) => s.kind !== 'cosmos' || s.cosmos !== undefined, { message: 'store.cosmos is required when store.kind is cosmos', path: ['cosmos'] })
  .prefault({});

export const CacheSection = z
  .strictObject({
    kind: z.enum(['memory', 'redis']).default('memory'),
    memory: z.strictObject({ max_entries: zInt(1, 10_000_000, 10_000) }).prefault({}),
    redis: z.strictObject({ url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL') }).optional(),
  })
  .refine((s) => s.kind !== 'redis' || s.redis !== undefined, { message: 'cache.redis is required when cache.kind is redis', path: ['redis'] })
  .prefault({});

export const QueueSection = z
  .strictObject({
    kind: z.enum(['sqlite', 'redis']).default('sqlite'),
    sqlite: z.strictObject({ path: z.string().default('data/jobs.sqlite') }).prefault({}),
    redis: z
      .strictObject({
        url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL'),
        stream: z.string().default('callcenter:jobs'),
        group: z.string().default('workers'),
      })
      .optional(),
    /** A job not acknowledged within this time is handed to another consumer. */
    visibility_timeout_sec: zInt(1, 3600, 60),
    /** Attempts before a job goes to the dead-letter list. */
    max_attempts: zInt(1, 100, 5),
    /** First retry delay; doubles each attempt. */
    retry_base_ms: zInt(0, 600_000, 1000),
  })
  .refine((s) => s.kind !== 'redis' || s.redis !== undefined, { message: 'queue.redis is required when queue.kind is redis', path: ['redis'] })
  .prefault({});
