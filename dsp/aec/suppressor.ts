/**
 * Residual echo suppressor (non-linear processor): what the linear filter leaves of the echo is
 * removed by a per-bin gain computed from the filter's own echo estimate, the error's coherence
 * with it, and the noise floor. It also gives the canceller its evidence of near-end speech.
 * Analysis and synthesis go through a low-delay WOLA (2.5 ms at 10 ms blocks).
 */
import type { RealFft } from './fft.ts';
import { LowDelayWindows, WolaChannel } from './low-delay-wola.ts';

/** How the suppressor should behave for one block (decided by the canceller). */
export interface SuppressorMode {
  /** Echo is expected in this block (the aligned far end carries signal). */
  readonly farActive: boolean;
  /** Near-end speech detected on top of the echo. */
  readonly doubleTalk: boolean;
  /** The linear filter is reliable: its residual statistics may be learned. */
  readonly learn: boolean;
}

// Gain rule: per bin, the ratio of the error's power to the interference expected in it (residual
// echo + background noise) decides. At or under LOW the bin is taken for interference and set to
// the floor; at or over HIGH it is near-end speech and passes untouched; in between the gain (dB)
// rises linearly with the ratio (dB). The output feeds a VAD and a recogniser, not a listener: noise
// that comes and goes with the agent's speech harms neither, and nothing but the caller may pass
// while the agent talks.
// Echo only: 6 dB … 12 dB. A single periodogram bin of interference exceeds its mean by 6 dB in
// 2 % of the bins and by 12 dB almost never.
const LOW_SINGLE_TALK = 4;
const HIGH_SINGLE_TALK = 16;
// Double talk: 0 dB … 6 dB, so that the caller's weaker bins survive too.
const LOW_DOUBLE_TALK = 1;
const HIGH_DOUBLE_TALK = 4;
// Gain floors: −40 dB when only echo is expected, −20 dB when the caller talks too (keeps the
// caller's speech natural in bins the echo dominates).
const FLOOR_SINGLE_TALK = 0.01;
const FLOOR_DOUBLE_TALK = 0.1;
// Residual ratio smoothing (≈ 200 ms) and its bounds: −40 dB … 0 dB of the echo estimate.
const RATIO_RATE = 0.05;
const RATIO_MIN = 1e-4;
// The minimum of a smoothed periodogram sits ≈ 2 dB under its mean: ×1.6 corrects the noise floor.
const NOISE_BIAS = 1.6;
// A bin is evidence of near-end speech 9 dB above the residual model and 3 dB above the echo estimate.
const SPEECH_OVER_RESIDUAL = 8;
const SPEECH_OVER_ECHO = 2;
// Speech spreads over several bins (harmonics, formants); one or two loud bins are residual echo.
const SPEECH_MIN_BINS = 5;
// Echo only: the interference includes half the echo estimate, so that a bin the filter gets
// momentarily wrong (residual as loud as the echo) is still taken for echo.
const ECHO_SHARE_SINGLE_TALK = 0.5;
// Coherence smoothing per block (≈ 40 ms) and the coherence above which a bin is not speech.
const COH_RATE = 0.25;
const COH_SPEECH = 0.3;
// The coherent part of the error (coherence × error power) counts as echo, weighted by this.
const COH_ECHO = 1;

/**
 * Per-bin spectral gain on the canceller's error signal, with its own low-delay WOLA.
 *
 * @example
 * sup.analyze(errorBlock, echoEstimateBlock);
 * sup.apply({ farActive, doubleTalk, learn }, outBlock);
 */
export class ResidualEchoSuppressor {
  /** Output delay relative to the input, samples. */
  readonly latencySamples: number;
  /** Energy centre of the analysis window (sample index into the 2B frame). */
  readonly analysisCentre: number;
  /** After {@link analyze}: |E(f)|² of the windowed error. */
  readonly errorPower: Float64Array;
  /** After {@link analyze}: |Y(f)|² of the windowed echo estimate. */
  readonly echoPower: Float64Array;
  /** After {@link analyze}: |E(f) + Y(f)|², the windowed near end's power (e + y = near). */
  readonly nearPower: Float64Array;
  /** After {@link analyze}: residual echo power estimate R(f). */
  readonly residual: Float64Array;
  /** Slowly tracked noise floor of the error, per bin. */
  readonly noise: Float64Array;
  /** After {@link apply}: gains G(f). */
  readonly gain: Float64Array;
  private readonly K: number;
  private readonly eCh: WolaChannel;
  private readonly yCh: WolaChannel;
  private readonly pCh: WolaChannel;
  private readonly eRe: Float64Array;
  private readonly eIm: Float64Array;
  private readonly yRe: Float64Array;
  private readonly yIm: Float64Array;
  private readonly smoothE: Float64Array;
  private readonly smoothPower: Float64Array;
  // Short-term cross- and auto-spectra of the error and the echo estimate, and their coherence.
  private readonly seyRe: Float64Array;
  private readonly seyIm: Float64Array;
  private readonly see: Float64Array;
  private readonly syy: Float64Array;
  /** After {@link analyze}: magnitude-squared coherence of error and echo estimate (0…1). */
  readonly coherence: Float64Array;
  private readonly smoothY: Float64Array;
  private readonly ratio: Float64Array;
  private errSum = 0;
  private speechSum = 0;
  private outEchoFraction = 0;

  // Bins that may count as speech evidence: 200 Hz … 0.45·fs (DC and the lowest bins carry hum and
  // the noise's low end, whose single-bin periodogram swings far more than the others').
  private readonly evidenceFrom: number;
  private readonly evidenceTo: number;

  constructor(blockSamples: number, sampleRateHz: number, fft: RealFft) {
    const B = blockSamples;
    this.K = B + 1;
    const windows = new LowDelayWindows(B);
    this.latencySamples = windows.latency;
    this.analysisCentre = windows.analysisCentre;
    this.eCh = new WolaChannel(windows, fft);
    this.yCh = new WolaChannel(windows, fft);
    this.pCh = new WolaChannel(windows, fft);
    const hzPerBin = sampleRateHz / (2 * B);
    this.evidenceFrom = Math.ceil(200 / hzPerBin);
    this.evidenceTo = Math.floor((0.45 * sampleRateHz) / hzPerBin);
    this.eRe = new Float64Array(this.K);
    this.eIm = new Float64Array(this.K);
    this.yRe = new Float64Array(this.K);
    this.yIm = new Float64Array(this.K);
    this.errorPower = new Float64Array(this.K);
    this.echoPower = new Float64Array(this.K);
    this.nearPower = new Float64Array(this.K);
    this.residual = new Float64Array(this.K);
    this.noise = new Float64Array(this.K);
    this.gain = new Float64Array(this.K).fill(1);
    this.smoothE = new Float64Array(this.K);
    this.smoothPower = new Float64Array(this.K);
    this.seyRe = new Float64Array(this.K);
    this.seyIm = new Float64Array(this.K);
    this.see = new Float64Array(this.K);
    this.syy = new Float64Array(this.K);
    this.coherence = new Float64Array(this.K);
    this.smoothY = new Float64Array(this.K);
    this.ratio = new Float64Array(this.K).fill(1);
  }

  /** Σ|E(f)|² of the last analysed block. */
  get errorSum(): number {
    return this.errSum;
  }

  /** Error power of the last block's bins that look like near-end speech (see {@link analyze}). */
  get nearSpeechSum(): number {
    return this.speechSum;
  }




  /**
   * Fraction of the last output block's power predicted to be echo: ΣG²·Ê / ΣG²|E|², where Ê is the
   * largest of the residual model, the error's part coherent with the echo estimate, and half the
   * echo estimate itself (a filter momentarily wrong leaves about that much).
   */
  get echoFraction(): number {
    return this.outEchoFraction;
  }

  /** Back to the initial state. */
  reset(): void {
    this.eCh.reset();
    this.yCh.reset();
    this.pCh.reset();
    this.noise.fill(0);
    this.smoothPower.fill(0);
    this.seyRe.fill(0);
    this.seyIm.fill(0);
    this.see.fill(0);
    this.syy.fill(0);
    this.coherence.fill(0);
    this.gain.fill(1);
    this.smoothE.fill(0);
    this.smoothY.fill(0);
    this.ratio.fill(1);
    this.errSum = 0;
    this.speechSum = 0;
    this.outEchoFraction = 0;
  }

  /**
   * Windowed spectra of the newest error and echo-estimate blocks (B samples each, same analysis
   * window: the residual echo model R = ratio·|Y|² needs E and Y on the same time support), the
   * residual echo estimate and the noise floor.
   */
  analyze(e: Float64Array, y: Float64Array): void {
    const K = this.K;
    this.eCh.push(e);
    this.yCh.push(y);
    this.eCh.analyzeWith(this.yCh, this.eRe, this.eIm, this.yRe, this.yIm);
    // Arrays in locals: the loop body is pure element access (hot path, once per block per call).
    const eRe = this.eRe;
    const eIm = this.eIm;
    const yRe = this.yRe;
    const yIm = this.yIm;
    const errorPower = this.errorPower;
    const echoPower = this.echoPower;
    const nearPower = this.nearPower;
    const seyRe = this.seyRe;
    const seyIm = this.seyIm;
    const see = this.see;
    const syy = this.syy;
    const coherence = this.coherence;
    const ratio = this.ratio;
    const residual = this.residual;
    const smoothPower = this.smoothPower;
    const noise = this.noise;
    const from = this.evidenceFrom;
    const to = this.evidenceTo;
    let es = 0;
    let ss = 0;
    let sb = 0;
    for (let f = 0; f < K; f++) {
      const er = eRe[f]!;
      const ei = eIm[f]!;
      const yr = yRe[f]!;
      const yi = yIm[f]!;
      const pe = er * er + ei * ei;
      const py = yr * yr + yi * yi;
      errorPower[f] = pe;
      echoPower[f] = py;
      // Coherence of E and Y over ≈ 30 ms: residual echo is a (slowly changing) linear function of
      // the echo estimate, the caller's speech is not.
      nearPower[f] = (er + yr) * (er + yr) + (ei + yi) * (ei + yi);
      const cr = seyRe[f]! + COH_RATE * (er * yr + ei * yi - seyRe[f]!);
      const ci = seyIm[f]! + COH_RATE * (ei * yr - er * yi - seyIm[f]!);
      const sE = see[f]! + COH_RATE * (pe - see[f]!);
      const sY = syy[f]! + COH_RATE * (py - syy[f]!);
      seyRe[f] = cr;
      seyIm[f] = ci;
      see[f] = sE;
      syy[f] = sY;
      const coh = (cr * cr + ci * ci) / (sE * sY + 1e-30);
      coherence[f] = coh;
      const r = ratio[f]! * py;
      residual[f] = r;
      // Noise floor: minimum of the ≈ 100 ms smoothed power, creeping up ≈ 2 dB/s.
      const sp = smoothPower[f]! + 0.1 * (pe - smoothPower[f]!);
      smoothPower[f] = sp;
      const n = noise[f]!;
      const floor = sp < n || n === 0 ? sp : n * 1.005;
      noise[f] = floor;
      const nb = NOISE_BIAS * floor;
      es += pe;
      // Near-end speech evidence: well above the residual model and above the echo estimate itself
      // (where the filter is momentarily wrong, the residual can reach the echo, not exceed it).
      if (f >= from && f < to && coh < COH_SPEECH && pe > SPEECH_OVER_RESIDUAL * (r + nb) && pe > SPEECH_OVER_ECHO * (py + nb)) {
        ss += pe;
        sb++;
      }
    }
    this.errSum = es;
    this.speechSum = sb >= SPEECH_MIN_BINS ? ss : 0;
  }

  /**
   * No echo possible (far end silent for longer than the delay range): passes the error block
   * through with the same latency, without transforms, and keeps the overlap state consistent.
   */
  bypass(e: Float64Array, out: Float64Array, offset: number): void {
    this.eCh.push(e);
    this.yCh.pushSilence();
    this.eCh.passThrough(out, offset);
    this.gain.fill(1);
    this.outEchoFraction = 0;
    this.errSum = 0;
    this.speechSum = 0;
  }

  /** {@link bypass} for the probe path. */
  bypassProbe(p: Float64Array, out: Float64Array, offset: number): void {
    this.pCh.push(p);
    this.pCh.passThrough(out, offset);
  }

  /** Gains for this block, residual statistics, and B output samples into `out` at `offset`. */
  apply(mode: SuppressorMode, out: Float64Array, offset: number): void {
    const K = this.K;
    if (!mode.farActive) {
      // No echo can be present: leave the signal untouched.
      this.gain.fill(1);
      this.outEchoFraction = 0;
      this.eCh.synthesize(this.eRe, this.eIm, out, offset);
      return;
    }
    if (mode.learn && !mode.doubleTalk) this.learnRatio();
    const dt = mode.doubleTalk;
    const low = dt ? LOW_DOUBLE_TALK : LOW_SINGLE_TALK;
    const floor = dt ? FLOOR_DOUBLE_TALK : FLOOR_SINGLE_TALK;
    // g(dB) = floor(dB)·(1 − t), t = log(ratio/low)/log(high/low), i.e. g = floor·(ratio/low)^c
    // with c = −log(floor)/log(high/low): one power per bin instead of a logarithm and a power.
    const span = (dt ? HIGH_DOUBLE_TALK : HIGH_SINGLE_TALK) / low;
    const exponent = -Math.log(floor) / Math.log(span);
    let num = 0;
    let den = 0;
    for (let f = 0; f < K; f++) {
      const pe = this.errorPower[f]! + 1e-20;
      const coherent = COH_ECHO * this.coherence[f]! * pe;
      const modelled = Math.max(this.residual[f]!, coherent);
      // Whatever the mode, the echo predicted in the output counts the echo-estimate share: where
      // the filter is momentarily wrong the residual reaches the echo estimate's level.
      const echoBound = Math.max(modelled, ECHO_SHARE_SINGLE_TALK * this.echoPower[f]!);
      const echo = dt ? modelled : echoBound;
      const interference = echo + NOISE_BIAS * this.noise[f]! + 1e-20;
      // Most bins are plainly echo or plainly speech: the logarithm only for those in between.
      const ratio = pe / (low * interference);
      let g = floor;
      if (ratio > 1) g = ratio >= span ? 1 : floor * Math.pow(ratio, exponent);
      this.gain[f] = g;
      const g2 = g * g;
      num += g2 * echoBound;
      den += g2 * pe;
    }
    this.outEchoFraction = den > 0 ? num / den : 0;
    for (let f = 0; f < K; f++) {
      this.eRe[f] = this.eRe[f]! * this.gain[f]!;
      this.eIm[f] = this.eIm[f]! * this.gain[f]!;
    }
    this.eCh.synthesize(this.eRe, this.eIm, out, offset);
  }

  /**
   * Passes a probe block through the same gains as the last {@link apply} (same latency). Benches
   * use it to measure what the suppressor does to one component of the near-end signal, such as
   * the caller's speech during double talk.
   */
  applyProbe(p: Float64Array, out: Float64Array, offset: number): void {
    this.pCh.push(p);
    // The echo-estimate spectrum is free again once the gains are computed: reuse it as scratch.
    this.pCh.analyze(this.yRe, this.yIm);
    for (let f = 0; f < this.K; f++) {
      this.yRe[f] = this.yRe[f]! * this.gain[f]!;
      this.yIm[f] = this.yIm[f]! * this.gain[f]!;
    }
    this.pCh.synthesize(this.yRe, this.yIm, out, offset);
  }

  private learnRatio(): void {
    for (let f = 0; f < this.K; f++) {
      this.smoothE[f] = this.smoothE[f]! + RATIO_RATE * (this.errorPower[f]! - this.smoothE[f]!);
      this.smoothY[f] = this.smoothY[f]! + RATIO_RATE * (this.echoPower[f]! - this.smoothY[f]!);
      const r = this.smoothE[f]! / (this.smoothY[f]! + 1e-20);
      this.ratio[f] = r < RATIO_MIN ? RATIO_MIN : r > 1 ? 1 : r;
    }
  }
}
