import { describe, expect, it } from 'vitest';
import { cpuPercent, readProc } from './proc-stats.ts';

describe('readProc', () => {
  it('sees this process burn CPU and hold memory', () => {
    const before = readProc();
    // Busy loop until the kernel has charged at least two ticks (20 ms) of CPU.
    let x = 0;
    let after = readProc();
    while (after.cpuMs - before.cpuMs < 20) {
      for (let i = 0; i < 100_000; i++) x += Math.sqrt(i);
      after = readProc();
    }
    expect(x).toBeGreaterThan(0);
    expect(after.rssMb).toBeGreaterThan(10);
    expect(cpuPercent(before, after)).toBeGreaterThan(0);
  });

  it('throws for a process that does not exist', () => {
    expect(() => readProc(2 ** 30)).toThrow();
  });
});
