/**
 * Frequency-domain partitioned block adaptive filter (overlap-save, partition length = block
 * length B, FFT size 2B). The far-end spectra live in a shared history ring owned by the caller;
 * each partition reads the slot of its own delay, so realigning the bulk delay costs nothing.
 */
import type { RealFft } from './fft.ts';
import { heapRegion, type KernelExports, type Region } from './wasm/arena.ts';

/** Far-end spectra history shared by filters: `slots × bins` split re/im planes. */
export interface SpectrumHistory {
  readonly re: Float32Array;
  readonly im: Float32Array;
}

/**
 * One set of partition weights W_k(f) with the filtering, gradient and constraint kernels.
 *
 * @example
 * PartitionedFilter.filterPair(null, fg, bg, history, slots, active, fgLive, bgLive, scratch, fgRe, fgIm, bgRe, bgIm);
 * bg.adapt(null, history, slots, active, gRe, gIm, prop); // G = mu·E
 */
export class PartitionedFilter {
  /** Number of partitions. */
  readonly partitions: number;
  /** Bins per partition (B + 1). */
  readonly bins: number;
  /**
   * Weights, partition-major: re[k * bins + f]. Single precision, like the far-end spectra they
   * multiply: half the memory and memory traffic of doubles, and no measurable loss (the
   * canceller's tests and the AEC bench give the same ERLE); sums and steps are computed in double.
   */
  readonly re: Float32Array;
  readonly im: Float32Array;
  private readonly partRe: Float32Array[];
  private readonly partIm: Float32Array[];

  /** `region` supplies the weight arrays (the SIMD kernels need them in their arena). */
  constructor(partitions: number, bins: number, region: Region = heapRegion) {
    this.partitions = partitions;
    this.bins = bins;
    this.re = region.f32(partitions * bins);
    this.im = region.f32(partitions * bins);
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
   * The partitions {@link filterPair} visits, as element offsets into `scratch` (4 × P integers):
   * [0, P) far-spectrum and [P, 2P) weight offsets of the partitions both filters use; [2P, 3P) and
   * [3P, 4P) those only one uses (the first filter's from the front, the second's from the back).
   * Returns the three counts packed 10 bits each (both | a << 10 | b << 20; P < 1024).
   */
  static partitionLists(K: number, P: number, slots: Int32Array, active: Uint8Array, aLive: Uint8Array, bLive: Uint8Array, scratch: Int32Array): number {
    let nBoth = 0;
    let nA = 0;
    let nB = 0;
    for (let k = 0; k < P; k++) {
      if (active[k] === 0) continue;
      const useA = aLive[k] !== 0;
      const useB = bLive[k] !== 0;
      if (useA && useB) {
        scratch[nBoth] = slots[k]! * K;
        scratch[P + nBoth] = k * K;
        nBoth++;
      } else if (useA) {
        scratch[2 * P + nA] = slots[k]! * K;
        scratch[3 * P + nA] = k * K;
        nA++;
      } else if (useB) {
        nB++;
        scratch[3 * P - nB] = slots[k]! * K;
        scratch[4 * P - nB] = k * K;
      }
    }
    return nBoth | (nA << 10) | (nB << 20);
  }

  /**
   * Echo estimate spectra Y(f) = Σ_k W_k(f)·X_{slot[k]}(f) of two filters of the same shape, in one
   * pass. Partitions whose `active` flag is 0 hold a silent far-end block; partitions a filter does
   * not flag in its `live` array have negligible weights: both are skipped. `scratch` holds 4 × P
   * integers (the offsets of the partitions to visit, see {@link partitionLists}). With `kernels`,
   * the SIMD kernel of wasm/kernels.as.ts runs instead (bit-identical; every array must then be a
   * view of the kernels' arena).
   *
   * Loop order is intentional: bins outside, partitions inside, so that the four sums of a bin stay
   * in registers (30 % faster than accumulating partition by partition into the output arrays).
   */
  static filterPair(
    kernels: KernelExports | null,
    a: PartitionedFilter,
    b: PartitionedFilter,
    history: SpectrumHistory,
    slots: Int32Array,
    active: Uint8Array,
    aLive: Uint8Array,
    bLive: Uint8Array,
    scratch: Int32Array,
    aRe: Float64Array,
    aIm: Float64Array,
    bRe: Float64Array,
    bIm: Float64Array,
  ): void {
    const K = a.bins;
    const P = a.partitions;
    const counts = PartitionedFilter.partitionLists(K, P, slots, active, aLive, bLive, scratch);
    if (kernels !== null) {
      // Every array is a view of the kernels' arena: byte offsets are the kernel's pointers.
      const { re: hr, im: hi } = history;
      kernels.filterPair(hr.byteOffset, hi.byteOffset, a.re.byteOffset, a.im.byteOffset, b.re.byteOffset, b.im.byteOffset, scratch.byteOffset, P, counts & 0x3ff, (counts >> 10) & 0x3ff, counts >> 20, K, aRe.byteOffset, aIm.byteOffset, bRe.byteOffset, bIm.byteOffset);
      return;
    }
    const nBoth = counts & 0x3ff;
    const nA = (counts >> 10) & 0x3ff;
    const nB = counts >> 20;
    const hr = history.re;
    const hi = history.im;
    const awr = a.re;
    const awi = a.im;
    const bwr = b.re;
    const bwi = b.im;
    for (let f = 0; f < K; f++) {
      let ar = 0;
      let ai = 0;
      let br = 0;
      let bi = 0;
      for (let j = 0; j < nBoth; j++) {
        const x = scratch[j]! + f;
        const w = scratch[P + j]! + f;
        const xr = hr[x]!;
        const xi = hi[x]!;
        const wr = awr[w]!;
        const wi = awi[w]!;
        const vr = bwr[w]!;
        const vi = bwi[w]!;
        ar += wr * xr - wi * xi;
        ai += wr * xi + wi * xr;
        br += vr * xr - vi * xi;
        bi += vr * xi + vi * xr;
      }
      for (let j = 0; j < nA; j++) {
        const x = scratch[2 * P + j]! + f;
        const w = scratch[3 * P + j]! + f;
        const xr = hr[x]!;
        const xi = hi[x]!;
        ar += awr[w]! * xr - awi[w]! * xi;
        ai += awr[w]! * xi + awi[w]! * xr;
      }
      for (let j = 1; j <= nB; j++) {
        const x = scratch[3 * P - j]! + f;
        const w = scratch[4 * P - j]! + f;
        const xr = hr[x]!;
        const xi = hi[x]!;
        br += bwr[w]! * xr - bwi[w]! * xi;
        bi += bwr[w]! * xi + bwi[w]! * xr;
      }
      aRe[f] = ar;
      aIm[f] = ai;
      bRe[f] = br;
      bIm[f] = bi;
    }
  }

  /**
   * Unconstrained gradient step: W_k(f) += prop[k]·conj(X_{slot[k]}(f))·G(f), with G = mu·E the
   * step-weighted error spectrum (computed once per block, shared by every partition), skipping
   * partitions whose `active` flag is 0 (silent far end: zero gradient). With `kernels`, the SIMD
   * kernel runs instead (bit-identical; the weights, history and gradient must be arena views).
   * The circular-convolution part is removed later, a few partitions per block ({@link constrainWith}).
   */
  adapt(kernels: KernelExports | null, history: SpectrumHistory, slots: Int32Array, active: Uint8Array, gRe: Float64Array, gIm: Float64Array, prop: Float64Array): void {
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
      if (kernels !== null) {
        // Byte offsets of the partition's weights and far-end slot (both f32).
        kernels.adapt(wr.byteOffset + 4 * wb, wi.byteOffset + 4 * wb, hr.byteOffset + 4 * xb, hi.byteOffset + 4 * xb, gRe.byteOffset, gIm.byteOffset, K, p);
        continue;
      }
      for (let f = 0; f < K; f++) {
        const xr = hr[xb + f]!;
        const xi = hi[xb + f]!;
        const gr = gRe[f]!;
        const gi = gIm[f]!;
        // conj(X)·G = (xr·gr + xi·gi) + i(xr·gi − xi·gr)
        wr[wb + f] = wr[wb + f]! + p * (xr * gr + xi * gi);
        wi[wb + f] = wi[wb + f]! + p * (xr * gi - xi * gr);
      }
    }
  }

  /**
   * Gradient constraint of partition k of this filter and of `other` (same shape), as paired
   * transforms: back to time, zero the second half of the 2B taps (the part that would wrap around
   * in overlap-save), forward again. `time` and `otherTime` are 2B scratch each.
   */
  constrainWith(other: PartitionedFilter, k: number, fft: RealFft, time: Float64Array, otherTime: Float64Array): void {
    const re = this.partRe[k]!;
    const im = this.partIm[k]!;
    const ore = other.partRe[k]!;
    const oim = other.partIm[k]!;
    fft.inverse2(re, im, time, ore, oim, otherTime);
    time.fill(0, fft.size / 2, fft.size);
    otherTime.fill(0, fft.size / 2, fft.size);
    fft.forward2(time, re, im, otherTime, ore, oim);
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
