import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteCallStore } from './sqlite-store.ts';
import { describeCallStoreContract, sampleCall } from './store.contract.ts';
import { ConcurrencyError } from './types.ts';

const dir = mkdtempSync(join(tmpdir(), 'store-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeCallStoreContract('sqlite', async () => new SqliteCallStore({ path: join(dir, `calls-${n++}.sqlite`) }));

describe('SqliteCallStore', () => {
  it('keeps calls across reopen and shares the file between two connections', async () => {
    const path = join(dir, 'shared', 'calls.sqlite');
    const a = new SqliteCallStore({ path });
    const b = new SqliteCallStore({ path });
    const call = await a.create(sampleCall('+33612345678', '2026-01-01T10:00:00.000Z'));
    const viaB = await b.get(call.call_id);
    expect(viaB?.call_id).toBe(call.call_id);
    await a.update({ ...call, in_progress: false });
    // b still holds revision 0: the other connection's write wins, b's is refused.
    await expect(b.update({ ...viaB!, lang_short_code: 'fr-FR' })).rejects.toBeInstanceOf(ConcurrencyError);
    await a.close();
    await b.close();
    const reopened = new SqliteCallStore({ path });
    expect((await reopened.get(call.call_id))?.in_progress).toBe(false);
    await reopened.close();
  });

  it('refuses a second create of the same call id', async () => {
    const store = new SqliteCallStore({ path: ':memory:' });
    const call = await store.create(sampleCall('+33612345678', '2026-01-01T10:00:00.000Z'));
    await expect(store.create(call)).rejects.toBeInstanceOf(ConcurrencyError);
    await store.close();
  });

  it('refuses use after close with a clear error', async () => {
    const store = new SqliteCallStore({ path: ':memory:' });
    await store.close();
    await expect(store.get('x')).rejects.toThrow(/closed/);
  });
});
