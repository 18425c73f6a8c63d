import { describe, expect, it } from 'vitest';
import { DBFS_FLOOR, LevelMeter, meanSquare, peakDbfs, rmsDbfs } from './level.ts';

function sine(amplitude: number, n = 320): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 1000 * i) / 16000));
  return out;
}

describe('level', () => {
  it('measures a full-scale square wave at 0 dBFS and a sine 3 dB below its peak', () => {
    const square = new Int16Array(320).map((_, i) => (i % 2 === 0 ? 32767 : -32768));
    expect(rmsDbfs(square)).toBeCloseTo(0, 2);
    const s = sine(16384);
    expect(peakDbfs(s)).toBeCloseTo(-6.02, 1);
    expect(rmsDbfs(s)).toBeCloseTo(-6.02 - 3.01, 1);
  });

  it('drops 20 dB per tenfold amplitude and floors silence', () => {
    expect(rmsDbfs(sine(10000)) - rmsDbfs(sine(1000))).toBeCloseTo(20, 1);
    expect(rmsDbfs(new Int16Array(320))).toBe(DBFS_FLOOR);
    expect(peakDbfs(new Int16Array(320))).toBe(DBFS_FLOOR);
    expect(meanSquare(new Int16Array(0))).toBe(0);
  });

  it('meter rises fast and falls slowly', () => {
    const meter = new LevelMeter(20);
    const loud = sine(16000);
    const quiet = new Int16Array(320);
    meter.update(loud);
    meter.update(loud);
    const afterAttack = meter.dbfs;
    expect(afterAttack).toBeGreaterThan(rmsDbfs(loud) - 1);
    meter.update(quiet);
    expect(meter.dbfs).toBeGreaterThan(afterAttack - 1); // 20 ms into a 300 ms release
    for (let i = 0; i < 300; i++) meter.update(quiet); // 6 s: 20 time constants
    expect(meter.dbfs).toBeLessThan(-60);
    meter.reset();
    expect(meter.dbfs).toBe(DBFS_FLOOR);
  });
});
