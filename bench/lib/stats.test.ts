import { describe, expect, it } from 'vitest';
import { ecdf, fitLine, percentile, quantileSorted, round, summarize } from './stats.ts';

describe('percentiles', () => {
  it('interpolates between ranks like numpy', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 1, 7, 3, 5], 50)).toBe(5);
    // numpy.percentile(range(1, 101), 99) == 99.01
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 99)).toBeCloseTo(99.01, 10);
    expect(percentile(hundred, 95)).toBeCloseTo(95.05, 10);
  });

  it('is NaN without samples and exact at the ends', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(percentile([3, 9], 0)).toBe(3);
    expect(percentile([3, 9], 100)).toBe(9);
  });

  it('summarizes without touching the input', () => {
    const input = [30, 10, 20];
    const s = summarize(input);
    expect(input).toEqual([30, 10, 20]);
    expect(s).toMatchObject({ count: 3, min: 10, max: 30, mean: 20, p50: 20 });
    expect(s.p99).toBeCloseTo(29.8, 10);
  });

  it('rounds non-finite values to null for JSON', () => {
    expect(round(Number.NaN)).toBeNull();
    expect(round(1.26, 1)).toBe(1.3);
  });
});

describe('ecdf', () => {
  it('reaches 1 and counts ties at their value', () => {
    const points = ecdf([1, 2, 2, 3]);
    expect(points).toEqual([
      { x: 1, y: 0.25 },
      { x: 2, y: 0.75 },
      { x: 2, y: 0.75 },
      { x: 3, y: 1 },
    ]);
  });

  it('keeps large sets small and monotone', () => {
    const samples = Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 1000);
    const points = ecdf(samples, 100);
    expect(points.length).toBeLessThanOrEqual(102);
    for (let i = 1; i < points.length; i++) {
      expect(points[i]!.x).toBeGreaterThanOrEqual(points[i - 1]!.x);
      expect(points[i]!.y).toBeGreaterThanOrEqual(points[i - 1]!.y);
    }
    expect(points[points.length - 1]!.y).toBe(1);
  });
});

describe('fitLine', () => {
  it('recovers slope and intercept', () => {
    const fit = fitLine([0, 1, 2, 3].map((x) => ({ x, y: 0.5 * x + 4 })));
    expect(fit.slope).toBeCloseTo(0.5, 10);
    expect(fit.intercept).toBeCloseTo(4, 10);
  });
});
