/**
 * The Cosmos DB call store. Documents are `{ id: call_id, phone, created_ms, ...call }`,
 * partitioned by `/phone` (the caller's number, so one caller's history shares a partition).
 * Every replace carries `IfMatch` with the read ETag: a concurrent writer gets 412, surfaced as
 * ConcurrencyError. Throttling (429) is retried after the delay the service asks for.
 */
import https from 'node:https';
import { CosmosClient, type Container, type ItemDefinition, type SqlQuerySpec } from '@azure/cosmos';
import type { Call, ConversationEvent } from '../contract/index.ts';
import { applyEvents } from './apply-events.ts';
import { retryOnConflict, retryOnThrottle, type ConflictRetryOptions, type ThrottleRetryOptions } from './retry.ts';
import { ConcurrencyError, NotFoundError, type CallStore } from './types.ts';
import { validateCall } from './validate.ts';

/** Connection settings (the `store.cosmos` config section). */
export interface CosmosSettings {
  readonly endpoint: string;
  readonly key: string;
  readonly database: string;
  readonly container: string;
  /** Accept a self-signed certificate (local Cosmos-protocol servers only). */
  readonly allow_insecure_tls: boolean;
}

/** Options beyond the connection settings. */
export interface CosmosStoreOptions {
  /** Clock for `updated_at`; injectable for tests. */
  readonly now?: () => number;
  readonly conflictRetry?: ConflictRetryOptions;
  readonly throttleRetry?: ThrottleRetryOptions;
}

type Doc = Call & { id: string; phone: string; created_ms: number; _etag?: string };

/** Fields we add to a call in its document; Cosmos adds its own, all starting with `_`. */
const OWN_FIELDS = new Set(['id', 'phone', 'created_ms']);

/**
 * Partition keys remembered per call id, so reads after the first are point reads instead of
 * cross-partition queries. 10,000 entries (~1 MB) covers every call active at once many times.
 */
const MAX_KNOWN_PARTITIONS = 10_000;

function toCall(doc: ItemDefinition): Call {
  const call: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (!OWN_FIELDS.has(key) && !key.startsWith('_')) call[key] = value;
  return call as Call;
}

function toDoc(call: Call, phone: string): Doc {
  return { ...call, id: call.call_id, phone, created_ms: Date.parse(call.created_at) };
}

function statusOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  return typeof e?.code === 'number' ? e.code : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
}

/** The Cosmos DB implementation of {@link CallStore}. Open with {@link CosmosCallStore.open}. */
export class CosmosCallStore implements CallStore {
  readonly #client: CosmosClient;
  readonly #container: Container;
  readonly #agent: https.Agent | undefined;
  readonly #now: () => number;
  readonly #conflictRetry: ConflictRetryOptions;
  readonly #throttleRetry: ThrottleRetryOptions;
  readonly #partitions = new Map<string, string>();
  #closed = false;

  private constructor(client: CosmosClient, container: Container, agent: https.Agent | undefined, options: CosmosStoreOptions) {
    this.#client = client;
    this.#container = container;
    this.#agent = agent;
    this.#now = options.now ?? Date.now;
    this.#conflictRetry = options.conflictRetry ?? {};
    this.#throttleRetry = options.throttleRetry ?? {};
  }

  /** Connects, creating the database and the container (partition key `/phone`) if absent. */
  static async open(settings: CosmosSettings, options: CosmosStoreOptions = {}): Promise<CosmosCallStore> {
    const agent = settings.allow_insecure_tls ? new https.Agent({ rejectUnauthorized: false, keepAlive: true }) : undefined;
    const client = new CosmosClient({
      endpoint: settings.endpoint,
      key: settings.key,
      ...(agent ? { agent } : {}),
      // Throttling is retried by retryOnThrottle (bounded, honouring retry-after), not by the SDK.
      connectionPolicy: { retryOptions: { maxRetryAttemptCount: 0, fixedRetryIntervalInMilliseconds: 0, maxWaitTimeInSeconds: 0 } },
    });
    try {
      const throttle = options.throttleRetry ?? {};
      const { database } = await retryOnThrottle(() => client.databases.createIfNotExists({ id: settings.database }), throttle);
      const { container } = await retryOnThrottle(
        () => database.containers.createIfNotExists({ id: settings.container, partitionKey: { paths: ['/phone'] } }),
        throttle,
      );
      return new CosmosCallStore(client, container, agent, options);
    } catch (err) {
      client.dispose();
      agent?.destroy();
      throw err;
    }
  }

  async create(call: Call): Promise<Call> {
    this.#open();
    const stored = validateCall({ ...call, revision: 0 });
    const phone = stored.initiate.phone_number;
    try {
      await this.#throttled(() => this.#container.items.create(toDoc(stored, phone)));
    } catch (err) {
      if (statusOf(err) === 409) throw new ConcurrencyError(stored.call_id, { cause: err });
      throw err;
    }
    this.#remember(stored.call_id, phone);
    return stored;
  }

  async get(callId: string): Promise<Call | undefined> {
    this.#open();
    const doc = await this.#read(callId);
    return doc ? toCall(doc) : undefined;
  }

  async latestByPhone(phoneNumber: string, since?: string): Promise<Call | undefined> {
    this.#open();
    const sinceMs = since === undefined ? Number.MIN_SAFE_INTEGER : Date.parse(since);
    if (Number.isNaN(sinceMs)) throw new RangeError(`since is not a date: ${since}`);
    const docs = await this.#query({
      query:
        'SELECT TOP 1 * FROM c WHERE (c.initiate.phone_number = @p OR c.claim.policyholder_phone = @p) AND c.created_ms >= @since ORDER BY c.created_ms DESC',
      parameters: [
        { name: '@p', value: phoneNumber },
        { name: '@since', value: sinceMs },
      ],
    });
    return docs[0] ? toCall(docs[0]) : undefined;
  }

  async list(options: { phoneNumber?: string; limit: number }): Promise<Call[]> {
    this.#open();
    // An integer we computed, so inlining it in the query text is safe.
    const limit = Math.max(0, Math.floor(options.limit));
    if (limit === 0 || !Number.isFinite(limit)) return [];
    const docs = await this.#query(
      options.phoneNumber === undefined
        ? { query: `SELECT TOP ${limit} * FROM c ORDER BY c.created_ms DESC` }
        : {
            query: `SELECT TOP ${limit} * FROM c WHERE c.initiate.phone_number = @p OR c.claim.policyholder_phone = @p ORDER BY c.created_ms DESC`,
            parameters: [{ name: '@p', value: options.phoneNumber }],
          },
    );
    return docs.map(toCall);
  }

  async update(call: Call): Promise<Call> {
    this.#open();
    const doc = await this.#read(call.call_id);
    if (!doc) throw new NotFoundError(call.call_id);
    if (doc.revision !== call.revision) throw new ConcurrencyError(call.call_id);
    return this.#replace(doc, call);
  }

  async mutate(callId: string, mutate: (call: Call) => Call): Promise<Call> {
    this.#open();
    return retryOnConflict(async () => {
      const doc = await this.#read(callId);
      if (!doc) throw new NotFoundError(callId);
      const current = toCall(doc);
      const next = mutate(current);
      if (next === current) return current;
      return this.#replace(doc, { ...next, call_id: callId, revision: current.revision });
    }, this.#conflictRetry);
  }

  async appendEvents(callId: string, events: readonly ConversationEvent[]): Promise<Call> {
    return this.mutate(callId, (call) => applyEvents(call, events));
  }

  async ping(): Promise<void> {
    this.#open();
    await this.#throttled(() => this.#container.read());
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#client.dispose();
    this.#agent?.destroy();
  }

  /** Writes `call` (revision bumped) over `current`, only if `current` is still the stored version. */
  async #replace(current: Doc, call: Call): Promise<Call> {
    const next = validateCall({ ...call, revision: call.revision + 1, updated_at: new Date(this.#now()).toISOString() });
    const etag = current._etag;
    if (etag === undefined) throw new Error(`call ${call.call_id}: the stored document has no ETag`);
    try {
      await this.#throttled(() =>
        this.#container
          .item(current.id, current.phone)
          .replace(toDoc(next, current.phone), { accessCondition: { type: 'IfMatch', condition: etag } }),
      );
    } catch (err) {
      const status = statusOf(err);
      if (status === 412) throw new ConcurrencyError(call.call_id, { cause: err });
      if (status === 404) throw new NotFoundError(call.call_id);
      throw err;
    }
    return next;
  }

  /** The stored document with its ETag: a point read when the partition is known, else a query. */
  async #read(callId: string): Promise<Doc | undefined> {
    const phone = this.#partitions.get(callId);
    if (phone !== undefined) {
      const { resource } = await this.#throttled(() => this.#container.item(callId, phone).read<Doc>());
      if (resource) return resource;
    }
    const [doc] = await this.#query({ query: 'SELECT * FROM c WHERE c.id = @id', parameters: [{ name: '@id', value: callId }] });
    if (doc) this.#remember(callId, doc.phone);
    return doc;
  }

  async #query(spec: SqlQuerySpec): Promise<Doc[]> {
    const { resources } = await this.#throttled(() => this.#container.items.query<Doc>(spec).fetchAll());
    return resources;
  }

  #remember(callId: string, phone: string): void {
    this.#partitions.delete(callId);
    this.#partitions.set(callId, phone);
    if (this.#partitions.size > MAX_KNOWN_PARTITIONS) {
      const oldest = this.#partitions.keys().next().value;
      if (oldest !== undefined) this.#partitions.delete(oldest);
    }
  }

  #throttled<T>(attempt: () => Promise<T>): Promise<T> {
    return retryOnThrottle(attempt, this.#throttleRetry);
  }

  #open(): void {
    if (this.#closed) throw new Error('call store is closed');
  }
}
