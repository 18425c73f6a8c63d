/**
 * Real FFT through one complex FFT of half the size ({@link ComplexFft}), with the split into even
 * and odd parts done in a single pass over bin pairs (k, N/2 − k).
 */
import { ComplexFft } from './complex-fft.ts';

export { ComplexFft } from './complex-fft.ts';

/** A spectrum plane or a frame: double, or single precision where it is stored (filter weights). */
export type Samples = Float64Array | Float32Array;

/**
 * Real FFT of even length N through one complex FFT of N/2 points. Spectra are split re/im arrays
 * of N/2 + 1 bins (DC … Nyquist). `forward` is unnormalized, `inverse` divides by N, so
 * `inverse(forward(x)) = x`.
 *
 * @example
 * const fft = new RealFft(320);
 * const re = new Float64Array(fft.bins), im = new Float64Array(fft.bins);
 * fft.forward(frame, re, im);
 * fft.inverse(re, im, frame);
 */
export class RealFft {
  /** Transform length N (real samples). */
  readonly size: number;
  /** Number of spectrum bins, N/2 + 1. */
  readonly bins: number;
  private readonly half: number;
  /** The complex transform of N/2 points (read by the SIMD variant, wasm/simd-fft.ts). */
  readonly cfft: ComplexFft;
  private readonly zRe: Float64Array;
  private readonly zIm: Float64Array;
  private readonly ZRe: Float64Array;
  private readonly ZIm: Float64Array;
  /** e^(−2πik/N) for k ≤ N/2 (read by the SIMD variant). */
  readonly wRe: Float64Array;
  readonly wIm: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 2 || size % 2 !== 0) throw new RangeError(`real FFT size must be even, got ${size}`);
    this.size = size;
    this.half = size / 2;
    this.bins = this.half + 1;
    this.cfft = new ComplexFft(this.half);
    this.zRe = new Float64Array(this.half);
    this.zIm = new Float64Array(this.half);
    this.ZRe = new Float64Array(this.half);
    this.ZIm = new Float64Array(this.half);
    this.wRe = new Float64Array(this.bins);
    this.wIm = new Float64Array(this.bins);
    for (let k = 0; k <= this.half; k++) {
      this.wRe[k] = Math.cos((-2 * Math.PI * k) / size);
      this.wIm[k] = Math.sin((-2 * Math.PI * k) / size);
    }
  }

  /** Spectrum of `input` (length N) into `outRe`/`outIm` (length N/2 + 1 each). */
  forward(input: Samples, outRe: Samples, outIm: Samples): void {
    const M = this.half;
    const zRe = this.zRe;
    const zIm = this.zIm;
    for (let n = 0; n < M; n++) {
      zRe[n] = input[2 * n]!;
      zIm[n] = input[2 * n + 1]!;
    }
    const ZRe = this.ZRe;
    const ZIm = this.ZIm;
    this.cfft.forward(zRe, zIm, ZRe, ZIm);
    // DC and Nyquist come from Z[0] alone.
    const z0r = ZRe[0]!;
    const z0i = ZIm[0]!;
    outRe[0] = z0r + z0i;
    outIm[0] = 0;
    outRe[M] = z0r - z0i;
    outIm[M] = 0;
    // Bins k and M − k together: with E = (Z[k] + conj Z[M−k])/2, O = −i(Z[k] − conj Z[M−k])/2,
    // X[k] = E + W^k·O and X[M−k] = conj(E − W^k·O).
    const wRe = this.wRe;
    const wIm = this.wIm;
    for (let k = 1, j = M - 1; k <= j; k++, j--) {
      const ar = ZRe[k]!;
      const ai = ZIm[k]!;
      const br = ZRe[j]!;
      const bi = -ZIm[j]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const or = 0.5 * (ai - bi);
      const oi = -0.5 * (ar - br);
      const wr = wRe[k]!;
      const wi = wIm[k]!;
      const pr = or * wr - oi * wi;
      const pi = or * wi + oi * wr;
      outRe[k] = er + pr;
      outIm[k] = ei + pi;
      outRe[j] = er - pr;
      outIm[j] = pi - ei;
    }
  }

  /** Two forward transforms (`a` → aRe/aIm, `b` → bRe/bIm); the SIMD variant runs them as one. */
  forward2(a: Samples, aRe: Samples, aIm: Samples, b: Samples, bRe: Samples, bIm: Samples): void {
    this.forward(a, aRe, aIm);
    this.forward(b, bRe, bIm);
  }

  /** Two inverse transforms; the SIMD variant runs them as one. */
  inverse2(aRe: Samples, aIm: Samples, a: Samples, bRe: Samples, bIm: Samples, b: Samples): void {
    this.inverse(aRe, aIm, a);
    this.inverse(bRe, bIm, b);
  }

  /** Real signal (length N) from its N/2 + 1 bins; the imaginary parts of DC and Nyquist are ignored. */
  inverse(inRe: Samples, inIm: Samples, output: Samples): void {
    const M = this.half;
    const zRe = this.zRe;
    const zIm = this.zIm;
    // k = 0 pairs DC with Nyquist (both real).
    const d0 = inRe[0]!;
    const dM = inRe[M]!;
    zRe[0] = 0.5 * (d0 + dM);
    zIm[0] = -0.5 * (d0 - dM);
    // Bins k and M − k together: Xe = (X[k] + conj X[M−k])/2, Xo = (X[k] − conj X[M−k])·conj(W^k)/2,
    // Z[k] = Xe + i·Xo, and for M − k: Xe' = conj Xe, Xo' = −conj Xo (stored conjugated for the
    // forward-transform-as-inverse trick).
    const wRe = this.wRe;
    const wIm = this.wIm;
    for (let k = 1, j = M - 1; k <= j; k++, j--) {
      const ar = inRe[k]!;
      const ai = inIm[k]!;
      const br = inRe[j]!;
      const bi = -inIm[j]!;
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      const wr = wRe[k]!;
      const wi = -wIm[k]!;
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      zRe[k] = er - oi;
      zIm[k] = -(ei + or);
      zRe[j] = er + oi;
      zIm[j] = ei - or;
    }
    const ZRe = this.ZRe;
    const ZIm = this.ZIm;
    this.cfft.forward(zRe, zIm, ZRe, ZIm);
    const scale = 1 / M;
    for (let n = 0; n < M; n++) {
      output[2 * n] = ZRe[n]! * scale;
      output[2 * n + 1] = -ZIm[n]! * scale;
    }
  }
}
