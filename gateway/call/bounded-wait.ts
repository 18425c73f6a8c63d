/** Waits for `work` at most `ms`, through a registry timer (so the wait is counted and cancelled). */
import type { ResourceRegistry } from './registry.ts';

/** Resolves `true` if `work` settled in time, `false` on timeout; never rejects (a rejection counts as settled). */
export async function settleWithin(work: Promise<unknown>, ms: number, registry: ResourceRegistry): Promise<boolean> {
  let cancel: (() => void) | undefined;
  const timeout = new Promise<false>((resolve) => {
    cancel = registry.setTimeout(() => resolve(false), ms).cancel;
  });
  try {
    return await Promise.race([work.then(() => true as const, () => true as const), timeout]);
  } finally {
    cancel?.();
  }
}
