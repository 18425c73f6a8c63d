import { describe, expect, it } from 'vitest';
import { runWarnings, watchMachine } from './machine.ts';

describe('run warnings', () => {
  it('reads the machine', () => {
    const m = watchMachine()();
    expect(m.cores).toBeGreaterThanOrEqual(1);
    expect(m.load_avg_1m.start).toBeGreaterThanOrEqual(0);
  });

  it('flags other work, late callers and an overloaded gateway, and nothing on a quiet run', () => {
    const quiet = { cores: 2, load_avg_1m: { start: 1, end: 2.5 } };
    expect(runWarnings(quiet, 3, 0, 2)).toEqual([]);
    const busy = { cores: 2, load_avg_1m: { start: 7.5, end: 3 } };
    const w = runWarnings(busy, 64, 0.05, 2);
    expect(w).toHaveLength(3);
    expect(w[0]).toMatch(/load average 7.5 on 2 cores/);
    expect(w[1]).toMatch(/lateness p99 64.0 ms/);
    expect(w[2]).toMatch(/5.00 % of frames/);
  });
});
