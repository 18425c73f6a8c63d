import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryCache } from '../../cache/index.ts';
import { CallbackSecrets } from './callback-secret.ts';
import { PendingOperations } from './pending-operations.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('PendingOperations', () => {
  it('resolves a waiter with the settled outcome, or the timeout outcome', async () => {
    vi.useFakeTimers();
    const ops = new PendingOperations();
    const settled = ops.wait('a', 1000, { ok: false, detail: 'timeout' });
    ops.settle('a', { ok: true });
    await expect(settled).resolves.toEqual({ ok: true });
    const timedOut = ops.wait('b', 1000, { ok: false, detail: 'timeout' });
    vi.advanceTimersByTime(1000);
    await expect(timedOut).resolves.toEqual({ ok: false, detail: 'timeout' });
  });

  it('keeps an outcome that arrives before the waiter, and fails waiters on close', async () => {
    const ops = new PendingOperations();
    ops.settle('early', { ok: false, detail: 'declined' });
    await expect(ops.wait('early', 1000, { ok: true })).resolves.toEqual({ ok: false, detail: 'declined' });
    const waiting = ops.wait('c', 60_000, { ok: true });
    ops.close();
    ops.close();
    await expect(waiting).resolves.toEqual({ ok: false, detail: 'control is shutting down' });
  });
});

describe('CallbackSecrets', () => {
  it('accepts only the latest secret of that call', async () => {
    const secrets = new CallbackSecrets(new MemoryCache({ maxEntries: 10 }));
    const first = await secrets.issue('call-1');
    const other = await secrets.issue('call-2');
    expect(await secrets.verify('call-1', first)).toBe(true);
    expect(await secrets.verify('call-1', other)).toBe(false);
    expect(await secrets.verify('call-1', undefined)).toBe(false);
    expect(await secrets.verify('call-3', first)).toBe(false);
    const second = await secrets.issue('call-1');
    expect(await secrets.verify('call-1', first)).toBe(false);
    expect(await secrets.verify('call-1', second)).toBe(true);
  });
});
