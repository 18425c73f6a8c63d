/**
 * Frequency-domain partitioned block adaptive filter (overlap-save, partition length = block
 * length B, FFT size 2B). The far-end spectra live in a shared history ring owned by the caller;
 * each partition reads the slot of its own delay, so realigning the bulk delay costs nothing.
 */
import type { RealFft } from './fft.ts';

/** Far-end spectra history shared by filters: `slots × bins` split re/im planes. */
export interface SpectrumHistory {
  readonly re: Float32Array;
  readonly im: Float32Array;
}

/**
 * One set of partition weights W_k(f) with the filtering, gradient and constraint kernels.
 *
 * @example
 * PartitionedFilter.filterPair(fg, bg, history, slots, active, fgLive, bgLive, fgRe, fgIm, bgRe, bgIm);
 * bg.adapt(history, slots, active, eRe, eIm, mu, prop);
 */
export class PartitionedFilter {
  /** Number of partitions. */
  readonly partitions: number;
  /** Bins per partition (B + 1). */
  readonly bins: number;
  /** Weights, partition-major: re[k * bins + f]. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly partRe: Float64Array[];
  private readonly partIm: Float64Array[];

  constructor(partitions: number, bins: number) {
    this.partitions = partitions;
    this.bins = bins;
    this.re = new Float64Array(partitions * bins);
    this.im = new Float64Array(partitions * bins);
    this.partRe = [];
    this.partIm = [];
    for (let k = 0; k < partitions; k++) {
      this.partRe.push(this.re.subarray(k * bins, (k + 1) * bins));
      this.partIm.push(this.im.subarray(k * bins, (k + 1) * bins));
    }
  }

  /** Zeroes every weight. */
  clear(): void {
    this.re.fill(0);
    this.im.fill(0);
  }

  /** Copies the weights of another filter of the same shape. */
  copyFrom(other: PartitionedFilter): void {
    this.re.set(other.re);
    this.im.set(other.im);
  }

  /**
   * Moves the response by whole partitions: partition k takes what partition k + by held (by > 0
   * when the bulk delay grows by `by` blocks); partitions left without a source are zeroed.
   */
  shift(by: number): void {
    const total = this.partitions * this.bins;
    const n = by * this.bins;
    if (by >= this.partitions || -by >= this.partitions) {
      this.clear();
    } else if (by > 0) {
      this.re.copyWithin(0, n, total);
      this.im.copyWithin(0, n, total);
      this.re.fill(0, total - n);
      this.im.fill(0, total - n);
    } else if (by < 0) {
      this.re.copyWithin(-n, 0, total + n);
      this.im.copyWithin(-n, 0, total + n);
      this.re.fill(0, 0, -n);
      this.im.fill(0, 0, -n);
    }
  }

  /**
   * Echo estimate spectra Y(f) = Σ_k W_k(f)·X_{slot[k]}(f) of two filters of the same shape, in one
   * pass where both need a partition (each far spectrum is then read once for both: the pass is
   * memory-bound). Partitions whose `active` flag is 0 hold a silent far-end block; partitions a
   * filter does not flag in its `live` array have negligible weights: both are skipped.
   */
  static filterPair(
    a: PartitionedFilter,
    b: PartitionedFilter,
    history: SpectrumHistory,
    slots: Int32Array,
    active: Uint8Array,
    aLive: Uint8Array,
    bLive: Uint8Array,
    aRe: Float64Array,
    aIm: Float64Array,
    bRe: Float64Array,
    bIm: Float64Array,
  ): void {
    const K = a.bins;
    aRe.fill(0, 0, K);
    aIm.fill(0, 0, K);
    bRe.fill(0, 0, K);
    bIm.fill(0, 0, K);
    for (let k = 0; k < a.partitions; k++) {
      if (active[k] === 0) continue;
      const useA = aLive[k] !== 0;
      const useB = bLive[k] !== 0;
      if (useA && useB) pairPartition(a, b, history, slots[k]! * K, k * K, K, aRe, aIm, bRe, bIm);
      else if (useA) a.accumulate(history, slots[k]! * K, k * K, aRe, aIm);
      else if (useB) b.accumulate(history, slots[k]! * K, k * K, bRe, bIm);
    }
  }

  /** Y += W_k·X for one partition (weights at `wb`, spectrum at `xb`). */
  private accumulate(history: SpectrumHistory, xb: number, wb: number, outRe: Float64Array, outIm: Float64Array): void {
    const wr = this.re;
    const wi = this.im;
    const hr = history.re;
    const hi = history.im;
    for (let f = 0; f < this.bins; f++) {
      const ar = wr[wb + f]!;
      const ai = wi[wb + f]!;
      const xr = hr[xb + f]!;
      const xi = hi[xb + f]!;
      outRe[f] = outRe[f]! + ar * xr - ai * xi;
      outIm[f] = outIm[f]! + ar * xi + ai * xr;
    }
  }

  /**
   * Unconstrained gradient step: W_k(f) += prop[k]·mu(f)·conj(X_{slot[k]}(f))·E(f), skipping
   * partitions whose `active` flag is 0 (silent far end: zero gradient).
   * The circular-convolution part is removed later, a few partitions per block ({@link constrain}).
   */
  adapt(history: SpectrumHistory, slots: Int32Array, active: Uint8Array, eRe: Float64Array, eIm: Float64Array, mu: Float64Array, prop: Float64Array): void {
    const K = this.bins;
    const wr = this.re;
    const wi = this.im;
    const hr = history.re;
    const hi = history.im;
    for (let k = 0; k < this.partitions; k++) {
      const p = prop[k]!;
      if (p === 0 || active[k] === 0) continue;
      const xb = slots[k]! * K;
      const wb = k * K;
      for (let f = 0; f < K; f++) {
        const g = p * mu[f]!;
        if (g === 0) continue;
        const xr = hr[xb + f]!;
        const xi = hi[xb + f]!;
        const er = eRe[f]!;
        const ei = eIm[f]!;
        // conj(X)·E = (xr·er + xi·ei) + i(xr·ei − xi·er)
        wr[wb + f] = wr[wb + f]! + g * (xr * er + xi * ei);
        wi[wb + f] = wi[wb + f]! + g * (xr * ei - xi * er);
      }
    }
  }

  /**
   * Gradient constraint of partition k: back to time, zero the second half of its 2B taps (the
   * part that would wrap around in overlap-save), forward again. `time` is 2B scratch.
   */
  constrain(k: number, fft: RealFft, time: Float64Array): void {
    const re = this.partRe[k]!;
    const im = this.partIm[k]!;
    fft.inverse(re, im, time);
    time.fill(0, fft.size / 2, fft.size);
    fft.forward(time, re, im);
  }

  /** Time-domain taps of partition k (2B, only the first B meaningful) into `time`. */
  impulse(k: number, fft: RealFft, time: Float64Array): void {
    fft.inverse(this.partRe[k]!, this.partIm[k]!, time);
  }

  /** Energy Σ_f |W_k(f)|² of each partition into `out`; returns the largest one's index. */
  partitionEnergies(out: Float64Array): number {
    const K = this.bins;
    let best = 0;
    for (let k = 0; k < this.partitions; k++) {
      let s = 0;
      const wb = k * K;
      for (let f = 0; f < K; f++) {
        const a = this.re[wb + f]!;
        const b = this.im[wb + f]!;
        s += a * a + b * b;
      }
      out[k] = s;
      if (s > out[best]!) best = k;
    }
    return best;
  }
}

/** {@link PartitionedFilter.filterPair}'s fused kernel for one partition. */
function pairPartition(
  a: PartitionedFilter,
  b: PartitionedFilter,
  history: SpectrumHistory,
  xb: number,
  wb: number,
  K: number,
  aRe: Float64Array,
  aIm: Float64Array,
  bRe: Float64Array,
  bIm: Float64Array,
): void {
  const awr = a.re;
  const awi = a.im;
  const bwr = b.re;
  const bwi = b.im;
  const hr = history.re;
  const hi = history.im;
  for (let f = 0; f < K; f++) {
    const xr = hr[xb + f]!;
    const xi = hi[xb + f]!;
    const ar = awr[wb + f]!;
    const ai = awi[wb + f]!;
    const br = bwr[wb + f]!;
    const bi = bwi[wb + f]!;
    aRe[f] = aRe[f]! + ar * xr - ai * xi;
    aIm[f] = aIm[f]! + ar * xi + ai * xr;
    bRe[f] = bRe[f]! + br * xr - bi * xi;
    bIm[f] = bIm[f]! + br * xi + bi * xr;
  }
}
