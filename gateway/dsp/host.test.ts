import { describe, expect, it } from 'vitest';
import { resolveDspWorkers } from './host.ts';

describe('resolveDspWorkers', () => {
  it('gives one worker per core but one for auto, at least one, and a number as set', () => {
    expect(resolveDspWorkers('auto', 0)).toBe(1);
    expect(resolveDspWorkers('auto', 1)).toBe(1);
    expect(resolveDspWorkers('auto', 2)).toBe(1);
    expect(resolveDspWorkers('auto', 8)).toBe(7);
    expect(resolveDspWorkers(0, 8)).toBe(0);
    expect(resolveDspWorkers(3, 2)).toBe(3);
  });
});
