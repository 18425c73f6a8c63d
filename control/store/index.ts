/**
 * The call store: SQLite (embedded default) or Cosmos DB, chosen by configuration.
 *
 * @example
 * const store = await createStore(config.store);
 * const call = await store.appendEvents(callId, events);
 * await store.close();
 */
import type { Config } from '../contract/index.ts';
import { SqliteCallStore } from './sqlite-store.ts';
import type { CallStore } from './types.ts';

export { ConcurrencyError, NotFoundError, type CallStore } from './types.ts';
export { InvalidCallError } from './validate.ts';
export { applyEvents, emptyClaim, MAX_APPLIED_EVENT_IDS } from './apply-events.ts';
export { SqliteCallStore, type SqliteStoreOptions } from './sqlite-store.ts';
export type { CosmosCallStore, CosmosSettings, CosmosStoreOptions } from './cosmos-store.ts';
export { retryOnConflict, retryOnThrottle, type ConflictRetryOptions, type ThrottleRetryOptions } from './retry.ts';

/**
 * Opens the configured store. Cosmos DB: creates the database and container if absent.
 * The Cosmos SDK is loaded only when configured.
 */
export async function createStore(config: Config['store']): Promise<CallStore> {
  if (config.kind === 'cosmos') {
    if (!config.cosmos) throw new Error('store.cosmos is required when store.kind is cosmos');
    const { CosmosCallStore } = await import('./cosmos-store.ts');
    return CosmosCallStore.open(config.cosmos);
  }
  return new SqliteCallStore({ path: config.sqlite.path });
}
