import { describe, expect, it } from 'vitest';
import { retryOnConflict, retryOnThrottle } from './retry.ts';
import { ConcurrencyError } from './types.ts';

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('retryOnConflict', () => {
  it('retries conflicts with jittered exponential backoff, then succeeds', async () => {
    const { waits, sleep } = recorder();
    let n = 0;
    const result = await retryOnConflict(
      async () => {
        if (++n < 4) throw new ConcurrencyError('c1');
        return 'ok';
      },
      { sleep, random: () => 0.5, baseDelayMs: 10, maxDelayMs: 30 },
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([5, 10, 15]);
  });

  it('gives up after maxAttempts and passes other errors through at once', async () => {
    const { waits, sleep } = recorder();
    let n = 0;
    const always = () => {
      n++;
      return Promise.reject(new ConcurrencyError('c1'));
    };
    await expect(retryOnConflict(always, { sleep, maxAttempts: 3 })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(n).toBe(3);
    await expect(retryOnConflict(() => Promise.reject(new TypeError('bad')), { sleep })).rejects.toBeInstanceOf(TypeError);
    expect(waits).toHaveLength(2);
  });
});

describe('retryOnThrottle', () => {
  const throttled = (retryAfterInMs?: number) => Object.assign(new Error('429'), { code: 429, retryAfterInMs });

  it('waits the delay the service asks for', async () => {
    const { waits, sleep } = recorder();
    let n = 0;
    const result = await retryOnThrottle(
      async () => {
        n++;
        if (n === 1) throw throttled(120);
        if (n === 2) throw throttled(40);
        return n;
      },
      { sleep },
    );
    expect(result).toBe(3);
    expect(waits).toEqual([120, 40]);
  });

  it('stops after maxRetries or when the total wait would exceed maxWaitMs', async () => {
    const { waits, sleep } = recorder();
    await expect(retryOnThrottle(() => Promise.reject(throttled(10)), { sleep, maxRetries: 2 })).rejects.toThrow('429');
    expect(waits).toEqual([10, 10]);
    const second = recorder();
    await expect(retryOnThrottle(() => Promise.reject(throttled(400)), { sleep: second.sleep, maxWaitMs: 1000 })).rejects.toThrow('429');
    expect(second.waits).toEqual([400, 400]);
  });

  it('does not retry other errors', async () => {
    const { waits, sleep } = recorder();
    await expect(retryOnThrottle(() => Promise.reject(Object.assign(new Error('gone'), { code: 404 })), { sleep })).rejects.toThrow('gone');
    expect(waits).toEqual([]);
  });
});
