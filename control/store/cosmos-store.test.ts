import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCosmosServer, type CosmosTestServer } from '../test/support/cosmos-server.ts';
import { CosmosCallStore, type CosmosSettings } from './cosmos-store.ts';
import { createStore } from './index.ts';
import { describeCallStoreContract, sampleCall } from './store.contract.ts';

let server: CosmosTestServer;
beforeAll(async () => {
  server = await startCosmosServer();
});
afterAll(async () => {
  await server?.close();
});

const settings = (): CosmosSettings => ({
  endpoint: server.endpoint,
  key: server.key,
  // A fresh database per store: the contract tests expect an empty store.
  database: `db-${randomUUID()}`,
  container: 'calls',
  allow_insecure_tls: true,
});

describeCallStoreContract('cosmos', () => CosmosCallStore.open(settings()));

describe('CosmosCallStore', () => {
  it('is what createStore opens for kind cosmos, and keeps data across connections', async () => {
    const s = settings();
    const a = await createStore({ kind: 'cosmos', sqlite: { path: 'unused' }, cosmos: s });
    expect(a).toBeInstanceOf(CosmosCallStore);
    const call = await a.create(sampleCall('+33612345678', '2026-01-01T10:00:00.000Z'));
    await a.close();
    const b = await CosmosCallStore.open(s);
    // A new connection does not know the partition yet: the read goes through a query.
    const got = await b.get(call.call_id);
    expect(got).toEqual(call);
    expect(Object.keys(got!).some((k) => k.startsWith('_') || k === 'id' || k === 'phone')).toBe(false);
    expect((await b.update(got!)).revision).toBe(1);
    await b.close();
  });

  it('refuses a certificate it cannot verify unless allowed', async () => {
    await expect(CosmosCallStore.open({ ...settings(), allow_insecure_tls: false })).rejects.toThrow(/certificate/i);
  });
});
