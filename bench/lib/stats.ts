/**
 * Small statistics helpers for bench results: percentiles over samples, summaries, an empirical
 * CDF and a least-squares line (memory per call from a ramp).
 */

/** p50/p95/p99 (and friends) of a set of samples, rounded for reports. */
export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The `q`-quantile (0..1) of ascending-sorted samples, linearly interpolated between ranks
 * (the "R-7" definition used by numpy and most spreadsheets). NaN when there are no samples.
 * @example quantileSorted([1, 2, 3, 4], 0.5) === 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  if (q <= 0) return sorted[0]!;
  if (q >= 1) return sorted[n - 1]!;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const frac = pos - lo;
  const a = sorted[lo]!;
  return frac === 0 ? a : a + (sorted[lo + 1]! - a) * frac;
}

/** Sorted copy of the samples (the input is left alone). */
export function sortedCopy(samples: ArrayLike<number>): Float64Array {
  return Float64Array.from(samples as ArrayLike<number>).sort();
}

/**
 * Percentile of unsorted samples, `p` in 0..100.
 * @example percentile([5, 1, 3], 50) === 3
 */
export function percentile(samples: ArrayLike<number>, p: number): number {
  return quantileSorted(sortedCopy(samples), p / 100);
}

/** Rounds to `digits` decimals; NaN and ±Infinity become null so the JSON stays valid. */
export function round(value: number, digits = 1): number | null {
  if (!Number.isFinite(value)) return null;
  const k = 10 ** digits;
  return Math.round(value * k) / k;
}

/**
 * Count, min, mean, p50, p95, p99 and max of the samples (NaN everywhere when empty).
 * @example summarize([10, 20, 30]).p50 === 20
 */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = sortedCopy(samples);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    count: sorted.length,
    min: sorted.length > 0 ? sorted[0]! : Number.NaN,
    mean: sorted.length > 0 ? sum / sorted.length : Number.NaN,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/** The chosen percentiles of a summary, rounded, as they appear in result JSON. */
export function pick(summary: Summary, keys: ReadonlyArray<'p50' | 'p95' | 'p99' | 'mean' | 'max' | 'min'>, digits = 1): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const key of keys) out[key] = round(summary[key], digits);
  return out;
}

/**
 * Points of the empirical CDF: for each distinct sample value x, the fraction of samples ≤ x.
 * At most `maxPoints` points (evenly spaced in rank) so charts of many samples stay small.
 */
export function ecdf(samples: ArrayLike<number>, maxPoints = 400): Array<{ x: number; y: number }> {
  const sorted = sortedCopy(samples);
  const n = sorted.length;
  if (n === 0) return [];
  const points: Array<{ x: number; y: number }> = [];
  const step = Math.max(1, Math.floor(n / maxPoints));
  for (let i = 0; i < n; i += step) {
    // Last index holding the same value, so y is the fraction ≤ x.
    let j = i;
    while (j + 1 < n && sorted[j + 1] === sorted[i]) j++;
    points.push({ x: sorted[i]!, y: (j + 1) / n });
  }
  const last = points[points.length - 1]!;
  if (last.y < 1) points.push({ x: sorted[n - 1]!, y: 1 });
  return points;
}

/**
 * Least-squares line through the points: `y ≈ slope·x + intercept`.
 * @example fitLine([{x:0,y:1},{x:1,y:3}]) // { slope: 2, intercept: 1 }
 */
export function fitLine(points: ReadonlyArray<{ x: number; y: number }>): { slope: number; intercept: number } {
  const n = points.length;
  if (n === 0) return { slope: Number.NaN, intercept: Number.NaN };
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  if (sxx === 0) return { slope: Number.NaN, intercept: my };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}
