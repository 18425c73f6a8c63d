/**
 * Low-delay weighted overlap-add analysis/synthesis for the residual echo suppressor.
 *
 * A symmetric window of 2B samples at a hop of B costs a whole block of delay. Here the analysis
 * window rises over its first 2B − d samples and falls over its last d only; the synthesis window
 * is the product window (rising over [B − d, B), flat, falling over its last d samples) divided by
 * the analysis window, so that consecutive products overlap-add to exactly 1 at a hop of B. The
 * output then lags the input by d samples (B/4: 2.5 ms at 10 ms blocks).
 */
import type { RealFft } from './fft.ts';

/** The windows of one block size, shared by every channel of a canceller. */
export class LowDelayWindows {
  /** Block (hop) length B. */
  readonly block: number;
  /** Output delay d, samples. */
  readonly latency: number;
  /** Energy centre of the analysis window (sample index into the 2B frame). */
  readonly analysisCentre: number;
  readonly analysis: Float64Array;
  readonly synthesis: Float64Array;
  /** analysis × synthesis: what a block contributes to the output when nothing is changed. */
  readonly product: Float64Array;

  constructor(blockSamples: number) {
    const B = blockSamples;
    const N = 2 * B;
    const d = Math.max(4, Math.round(B / 4));
    this.block = B;
    this.latency = d;
    this.analysis = new Float64Array(N);
    this.synthesis = new Float64Array(N);
    this.product = new Float64Array(N);
    const rise = N - d;
    for (let j = 0; j < N; j++) {
      this.analysis[j] = j < rise ? Math.sin((Math.PI * (j + 0.5)) / (2 * rise)) : Math.cos((Math.PI * (j - rise + 0.5)) / (2 * d));
    }
    let wsum = 0;
    let wpos = 0;
    for (let j = 0; j < N; j++) {
      const w2 = this.analysis[j]! ** 2;
      wsum += w2;
      wpos += w2 * j;
    }
    this.analysisCentre = wpos / wsum;
    for (let j = B - d; j < N; j++) {
      let p: number;
      if (j < B) p = Math.sin((Math.PI * (j - (B - d) + 0.5)) / (2 * d)) ** 2;
      else if (j < N - d) p = 1;
      else p = Math.cos((Math.PI * (j - (N - d) + 0.5)) / (2 * d)) ** 2;
      this.synthesis[j] = p / this.analysis[j]!;
      this.product[j] = p;
    }
  }
}

/**
 * One signal through the WOLA: its last 2B samples, and the overlap carried to the next block.
 *
 * @example
 * ch.push(block);           // newest B samples
 * ch.analyze(re, im);       // windowed spectrum of the last 2B
 * ch.synthesize(re, im, out, 0); // B output samples, d samples late
 */
export class WolaChannel {
  private readonly w: LowDelayWindows;
  private readonly fft: RealFft;
  private readonly hist: Float64Array;
  private readonly frame: Float64Array;
  private readonly carry: Float64Array;

  constructor(windows: LowDelayWindows, fft: RealFft) {
    if (fft.size !== 2 * windows.block) throw new RangeError('WOLA FFT must be twice the block');
    this.w = windows;
    this.fft = fft;
    this.hist = new Float64Array(2 * windows.block);
    this.frame = new Float64Array(2 * windows.block);
    this.carry = new Float64Array(windows.latency);
  }

  /** Appends the newest B samples. */
  push(block: Float64Array): void {
    const B = this.w.block;
    this.hist.copyWithin(0, B, 2 * B);
    for (let i = 0; i < B; i++) this.hist[B + i] = block[i]!;
  }

  /** Appends B zeros. */
  pushSilence(): void {
    const B = this.w.block;
    this.hist.copyWithin(0, B, 2 * B);
    this.hist.fill(0, B);
  }

  /** Spectrum of the last 2B samples under the analysis window. */
  analyze(re: Float64Array, im: Float64Array): void {
    this.window();
    this.fft.forward(this.frame, re, im);
  }

  /** {@link analyze} of this channel and `other` (same windows and transform) as one paired transform. */
  analyzeWith(other: WolaChannel, re: Float64Array, im: Float64Array, otherRe: Float64Array, otherIm: Float64Array): void {
    this.window();
    other.window();
    this.fft.forward2(this.frame, re, im, other.frame, otherRe, otherIm);
  }

  private window(): void {
    const a = this.w.analysis;
    for (let j = 0; j < this.frame.length; j++) this.frame[j] = this.hist[j]! * a[j]!;
  }

  /** Inverse of a (modified) analysis spectrum, windowed and overlap-added: B samples into `out`. */
  synthesize(re: Float64Array, im: Float64Array, out: Float64Array, offset: number): void {
    this.fft.inverse(re, im, this.frame);
    this.overlapAdd(this.frame, this.w.synthesis, out, offset);
  }

  /** What {@link synthesize} gives for an unmodified spectrum, without the transforms. */
  passThrough(out: Float64Array, offset: number): void {
    this.overlapAdd(this.hist, this.w.product, out, offset);
  }

  /** Forgets the signal. */
  reset(): void {
    this.hist.fill(0);
    this.carry.fill(0);
  }

  private overlapAdd(frame: Float64Array, window: Float64Array, out: Float64Array, offset: number): void {
    const B = this.w.block;
    const d = this.w.latency;
    const start = B - d;
    const carry = this.carry;
    for (let i = 0; i < B; i++) {
      let v = frame[start + i]! * window[start + i]!;
      if (i < d) v += carry[i]!;
      out[offset + i] = v;
    }
    const tail = 2 * B - d;
    for (let i = 0; i < d; i++) carry[i] = frame[tail + i]! * window[tail + i]!;
  }
}
