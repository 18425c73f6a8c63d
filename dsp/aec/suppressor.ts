/**
 * Residual echo suppressor (non-linear processor): what the linear filter leaves of the echo is
 * removed by a per-bin gain computed from the filter's own echo estimate.
 *
 * Analysis/synthesis is a low-delay weighted overlap-add: a 2B analysis window that falls to zero
 * over its last `d` samples only, and a synthesis window that makes the overlap-add exact with a
 * hop of B. The output lags the input by `d` samples (B/4: 2.5 ms at 10 ms blocks) instead of the
 * full block a symmetric window would cost.
 */
import type { RealFft } from './fft.ts';

/** How the suppressor should behave for one block (decided by the canceller). */
export interface SuppressorMode {
  /** Echo is expected in this block (the aligned far end carries signal). */
  readonly farActive: boolean;
  /** Near-end speech detected on top of the echo. */
  readonly doubleTalk: boolean;
  /** The linear filter is reliable: its residual statistics may be learned. */
  readonly learn: boolean;
}

// Over-subtraction of the residual echo estimate (power): 2 = 3 dB safety for its variance.
const OVERSUB_SINGLE_TALK = 2;
// In double talk, protect the near-end speech: subtract the estimate as is.
const OVERSUB_DOUBLE_TALK = 1;
// Gain floors: −40 dB when only echo is expected, −20 dB when the caller talks too (keeps the
// caller's speech natural in bins the echo dominates).
const FLOOR_SINGLE_TALK = 0.01;
const FLOOR_DOUBLE_TALK = 0.1;
// Residual ratio smoothing (≈ 200 ms) and its bounds: −40 dB … 0 dB of the echo estimate.
const RATIO_RATE = 0.05;
const RATIO_MIN = 1e-4;

/**
 * Per-bin spectral gain on the canceller's error signal, with its own low-delay WOLA.
 *
 * @example
 * sup.analyze(errorBlock, echoEstimatePower);
 * sup.apply({ farActive, doubleTalk, learn }, outBlock);
 */
export class ResidualEchoSuppressor {
  /** Output delay relative to the input, samples. */
  readonly latencySamples: number;
  /** Energy centre of the analysis window (sample index into the 2B frame). */
  readonly analysisCentre: number;
  /** After {@link analyze}: |E(f)|² of the windowed error. */
  readonly errorPower: Float64Array;
  /** After {@link analyze}: echo estimate power per bin, as given. */
  readonly echoPower: Float64Array;
  /** After {@link analyze}: residual echo power estimate R(f). */
  readonly residual: Float64Array;
  /** Slowly tracked noise floor of the error, per bin. */
  readonly noise: Float64Array;
  /** After {@link apply}: gains G(f). */
  readonly gain: Float64Array;
  private readonly B: number;
  private readonly N: number;
  private readonly K: number;
  private readonly fft: RealFft;
  private readonly analysisWindow: Float64Array;
  private readonly synthesisWindow: Float64Array;
  private readonly productWindow: Float64Array;
  private readonly frame: Float64Array;
  private readonly eHist: Float64Array;
  private readonly pHist: Float64Array;
  private readonly eRe: Float64Array;
  private readonly eIm: Float64Array;
  private readonly yRe: Float64Array;
  private readonly yIm: Float64Array;
  private readonly carry: Float64Array;
  private readonly probeCarry: Float64Array;
  private readonly smoothE: Float64Array;
  private readonly smoothPower: Float64Array;
  private readonly smoothY: Float64Array;
  private readonly ratio: Float64Array;
  private errSum = 0;
  private resSum = 0;
  private nSum = 0;
  private outEchoFraction = 0;

  constructor(blockSamples: number, fft: RealFft) {
    const B = blockSamples;
    this.B = B;
    this.N = 2 * B;
    this.K = B + 1;
    if (fft.size !== this.N) throw new RangeError('suppressor FFT must be twice the block');
    this.fft = fft;
    const d = Math.max(4, Math.round(B / 4));
    this.latencySamples = d;
    this.analysisWindow = new Float64Array(this.N);
    this.synthesisWindow = new Float64Array(this.N);
    this.productWindow = new Float64Array(this.N);
    const rise = this.N - d;
    for (let j = 0; j < this.N; j++) {
      this.analysisWindow[j] = j < rise ? Math.sin((Math.PI * (j + 0.5)) / (2 * rise)) : Math.cos((Math.PI * (j - rise + 0.5)) / (2 * d));
    }
    let wsum = 0;
    let wpos = 0;
    for (let j = 0; j < this.N; j++) {
      const w2 = this.analysisWindow[j]! ** 2;
      wsum += w2;
      wpos += w2 * j;
    }
    this.analysisCentre = wpos / wsum;
    // Product window: rises over [B−d, B), flat to N−d, falls over [N−d, N); OLA at hop B sums to 1.
    for (let j = B - d; j < this.N; j++) {
      let p: number;
      if (j < B) p = Math.sin((Math.PI * (j - (B - d) + 0.5)) / (2 * d)) ** 2;
      else if (j < this.N - d) p = 1;
      else p = Math.cos((Math.PI * (j - (this.N - d) + 0.5)) / (2 * d)) ** 2;
      this.synthesisWindow[j] = p / this.analysisWindow[j]!;
      this.productWindow[j] = p;
    }
    this.frame = new Float64Array(this.N);
    this.eHist = new Float64Array(this.N);
    this.pHist = new Float64Array(this.N);
    this.eRe = new Float64Array(this.K);
    this.eIm = new Float64Array(this.K);
    this.yRe = new Float64Array(this.K);
    this.yIm = new Float64Array(this.K);
    this.carry = new Float64Array(d);
    this.probeCarry = new Float64Array(d);
    this.errorPower = new Float64Array(this.K);
    this.echoPower = new Float64Array(this.K);
    this.residual = new Float64Array(this.K);
    this.noise = new Float64Array(this.K);
    this.gain = new Float64Array(this.K).fill(1);
    this.smoothE = new Float64Array(this.K);
    this.smoothPower = new Float64Array(this.K);
    this.smoothY = new Float64Array(this.K);
    this.ratio = new Float64Array(this.K).fill(1);
  }

  /** Σ|E(f)|² of the last analysed block. */
  get errorSum(): number {
    return this.errSum;
  }

  /** ΣR(f) of the last analysed block. */
  get residualSum(): number {
    return this.resSum;
  }

  /** Σ noise floor of the error. */
  get noiseSum(): number {
    return this.nSum;
  }

  /** Fraction of the last output block's power predicted to be residual echo (ΣG²R / ΣG²|E|²). */
  get echoFraction(): number {
    return this.outEchoFraction;
  }

  /** Back to the initial state. */
  reset(): void {
    this.eHist.fill(0);
    this.pHist.fill(0);
    this.carry.fill(0);
    this.probeCarry.fill(0);
    this.noise.fill(0);
    this.smoothPower.fill(0);
    this.gain.fill(1);
    this.smoothE.fill(0);
    this.smoothY.fill(0);
    this.ratio.fill(1);
    this.errSum = 0;
    this.resSum = 0;
    this.nSum = 0;
    this.outEchoFraction = 0;
  }

  /**
   * Windowed spectrum of the newest error block (B samples) and the residual echo estimate from
   * the echo estimate's power spectrum (any consistent scale: the residual ratio is learned on it).
   */
  analyze(e: Float64Array, echoPower: Float64Array): void {
    const { B, N, K } = this;
    this.eHist.copyWithin(0, B, N);
    for (let i = 0; i < B; i++) this.eHist[B + i] = e[i]!;
    this.spectrum(this.eHist, this.eRe, this.eIm);
    let es = 0;
    let rs = 0;
    let ns = 0;
    for (let f = 0; f < K; f++) {
      const pe = this.eRe[f]! * this.eRe[f]! + this.eIm[f]! * this.eIm[f]!;
      const py = echoPower[f]!;
      this.errorPower[f] = pe;
      this.echoPower[f] = py;
      const r = this.ratio[f]! * py;
      this.residual[f] = r;
      // Noise floor: minimum of the ≈ 100 ms smoothed power, creeping up ≈ 2 dB/s; the minimum of
      // a smoothed periodogram sits ≈ 2 dB under its mean, hence the 1.6 correction.
      const sp = this.smoothPower[f]! + 0.1 * (pe - this.smoothPower[f]!);
      this.smoothPower[f] = sp;
      const n = this.noise[f]!;
      this.noise[f] = sp < n || n === 0 ? sp : n * 1.005;
      es += pe;
      rs += r;
      ns += 1.6 * this.noise[f]!;
    }
    this.errSum = es;
    this.resSum = rs;
    this.nSum = ns;
  }

  /**
   * No echo possible (far end silent for longer than the delay range): passes the error block
   * through with the same latency, without transforms, and keeps the overlap state consistent.
   */
  bypass(e: Float64Array, out: Float64Array, offset: number): void {
    const { B, N } = this;
    this.eHist.copyWithin(0, B, N);
    for (let i = 0; i < B; i++) this.eHist[B + i] = e[i]!;
    this.passThrough(this.eHist, this.carry, out, offset);
    this.gain.fill(1);
    this.outEchoFraction = 0;
    this.errSum = 0;
    this.resSum = 0;
  }

  /** {@link bypass} for the probe path. */
  bypassProbe(p: Float64Array, out: Float64Array, offset: number): void {
    const { B, N } = this;
    this.pHist.copyWithin(0, B, N);
    for (let i = 0; i < B; i++) this.pHist[B + i] = p[i]!;
    this.passThrough(this.pHist, this.probeCarry, out, offset);
  }

  private passThrough(hist: Float64Array, carry: Float64Array, out: Float64Array, offset: number): void {
    const { B, N } = this;
    const d = this.latencySamples;
    const w = this.productWindow;
    const start = B - d;
    for (let i = 0; i < B; i++) {
      let v = hist[start + i]! * w[start + i]!;
      if (i < d) v += carry[i]!;
      out[offset + i] = v;
    }
    for (let i = 0; i < d; i++) carry[i] = hist[N - d + i]! * w[N - d + i]!;
  }

  /** Gains for this block, residual statistics, and B output samples into `out` at `offset`. */
  apply(mode: SuppressorMode, out: Float64Array, offset: number): void {
    const K = this.K;
    if (mode.learn && mode.farActive && !mode.doubleTalk) this.learnRatio();
    const over = mode.doubleTalk ? OVERSUB_DOUBLE_TALK : OVERSUB_SINGLE_TALK;
    const floor = mode.doubleTalk ? FLOOR_DOUBLE_TALK : FLOOR_SINGLE_TALK;
    const floor2 = floor * floor;
    let num = 0;
    let den = 0;
    for (let f = 0; f < K; f++) {
      const pe = this.errorPower[f]! + 1e-20;
      const g2 = Math.max(floor2, 1 - (over * this.residual[f]!) / pe);
      const g = g2 >= 1 ? 1 : Math.sqrt(g2);
      this.gain[f] = g;
      num += g2 * this.residual[f]!;
      den += g2 * pe;
    }
    this.outEchoFraction = den > 0 ? num / den : 0;
    for (let f = 0; f < K; f++) {
      this.eRe[f] = this.eRe[f]! * this.gain[f]!;
      this.eIm[f] = this.eIm[f]! * this.gain[f]!;
    }
    this.synthesize(this.eRe, this.eIm, this.carry, out, offset);
  }

  /**
   * Passes a probe block through the same gains as the last {@link apply} (same latency). Benches
   * use it to measure what the suppressor does to one component of the near-end signal, such as
   * the caller's speech during double talk.
   */
  applyProbe(p: Float64Array, out: Float64Array, offset: number): void {
    const { B, N, K } = this;
    this.pHist.copyWithin(0, B, N);
    for (let i = 0; i < B; i++) this.pHist[B + i] = p[i]!;
    this.spectrum(this.pHist, this.yRe, this.yIm);
    for (let f = 0; f < K; f++) {
      this.yRe[f] = this.yRe[f]! * this.gain[f]!;
      this.yIm[f] = this.yIm[f]! * this.gain[f]!;
    }
    this.synthesize(this.yRe, this.yIm, this.probeCarry, out, offset);
  }

  private learnRatio(): void {
    for (let f = 0; f < this.K; f++) {
      this.smoothE[f] = this.smoothE[f]! + RATIO_RATE * (this.errorPower[f]! - this.smoothE[f]!);
      this.smoothY[f] = this.smoothY[f]! + RATIO_RATE * (this.echoPower[f]! - this.smoothY[f]!);
      const r = this.smoothE[f]! / (this.smoothY[f]! + 1e-20);
      this.ratio[f] = r < RATIO_MIN ? RATIO_MIN : r > 1 ? 1 : r;
    }
  }

  private spectrum(hist: Float64Array, re: Float64Array, im: Float64Array): void {
    for (let j = 0; j < this.N; j++) this.frame[j] = hist[j]! * this.analysisWindow[j]!;
    this.fft.forward(this.frame, re, im);
  }

  private synthesize(re: Float64Array, im: Float64Array, carry: Float64Array, out: Float64Array, offset: number): void {
    const { B, N } = this;
    const d = this.latencySamples;
    this.fft.inverse(re, im, this.frame);
    const w = this.synthesisWindow;
    const start = B - d;
    for (let i = 0; i < B; i++) {
      let v = this.frame[start + i]! * w[start + i]!;
      if (i < d) v += carry[i]!;
      out[offset + i] = v;
    }
    for (let i = 0; i < d; i++) carry[i] = this.frame[N - d + i]! * w[N - d + i]!;
  }
}
