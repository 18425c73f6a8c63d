/**
 * Acoustic and line echo canceller for phone calls: bulk delay estimation (up to 1 s and more),
 * a two-path frequency-domain partitioned block adaptive filter over the aligned far end, a
 * residual echo suppressor, double-talk and far-end-silence adaptation freezes, and ERLE tracking.
 *
 * Blocks are 10 ms (160 samples at 16 kHz, 80 at 8 kHz); a 20 ms gateway frame is two blocks, so
 * the canceller adds no buffering delay of its own, only the suppressor's 2.5 ms overlap.
 */
import { DelayEstimator } from './delay-estimator.ts';
import { EchoTracker } from './echo-tracker.ts';
import { RealFft } from './fft.ts';
import { PartitionedFilter, type SpectrumHistory } from './partitioned-filter.ts';
import { StepControl, type StepInputs } from './step-control.ts';
import { ResidualEchoSuppressor, type SuppressorMode } from './suppressor.ts';
import { PathDecision, PathSelector } from './two-path.ts';

/** PCM accepted and produced by {@link EchoCanceller.process}: 16-bit integers, or floats in [−1, 1]. */
export type Pcm = Int16Array | Float32Array;

/** Construction parameters of {@link EchoCanceller}. */
export interface EchoCancellerOptions {
  /** Sample rate, Hz (8000, 16000, 24000, 48000: any rate with 10 ms = whole samples). */
  readonly sampleRateHz: number;
  /** Samples per `process` call; a multiple of 10 ms (e.g. 320 at 16 kHz for 20 ms frames). */
  readonly frameSamples: number;
  /** Longest echo delay searched, ms. Default 1000 (PSTN round trips can exceed 600 ms). */
  readonly maxDelayMs?: number;
  /** Echo tail modelled after the bulk delay, ms. Default 150 (small rooms; hybrids need < 10). */
  readonly tailMs?: number;
  /** Residual echo suppression after the linear filter. Default true. */
  readonly suppression?: boolean;
}

/** Optional measurement outputs of {@link EchoCanceller.process} (benches, diagnostics). */
export interface EchoCancellerTaps {
  /** Receives the linear filter's output (before suppression, no added latency), full scale 1. */
  readonly linear?: Float32Array;
  /** A component of the near-end signal (full scale 1) to pass through the suppressor's gains. */
  readonly probe?: Float32Array;
  /** Receives `probe` after the same gains and latency as the output. */
  readonly probeOut?: Float32Array;
}

const BLOCK_SECONDS = 0.01;
// Partitions kept before the estimated delay: the envelope estimate is good to about a block,
// and the echo's onset must not fall before the filter's first tap.
const PRE_MARGIN_BLOCKS = 2;
// Far end counts as active above −60 dBFS mean square: TTS silence is digital zero, speech is
// −15…−40 dBFS; below this the echo is under any realistic line noise.
const FAR_ACTIVE_MS = 1e-6;
// Below −100 dBFS the far end is treated as digital silence (no echo can come of it).
const FAR_IDLE_MS = 1e-10;
// Foreground diverged (output louder than its input) for this many blocks: start over.
const DIVERGED_BLOCKS = 50;

/**
 * Echo canceller for one call. Feed every frame, in order, with the far end (the exact PCM sent to
 * the carrier for that playout time) and the near end (what came back); read the stats after.
 *
 * @example
 * const aec = new EchoCanceller({ sampleRateHz: 16000, frameSamples: 320 });
 * const out = new Int16Array(320);
 * aec.process(fromCaller, sentToCaller, out);
 * if (aec.converged) metrics.erle.set(aec.erleDb);
 */
export class EchoCanceller {
  /** Sample rate, Hz. */
  readonly sampleRateHz: number;
  /** Samples per `process` call. */
  readonly frameSamples: number;
  /** Samples per internal block (10 ms). */
  readonly blockSamples: number;
  /** Delay of `out` relative to `near`, samples (the suppressor's overlap; 0 without it). */
  readonly latencySamples: number;
  /** Adaptive filter length, samples (tail plus the pre-delay margin). */
  readonly filterSamples: number;
  private readonly B: number;
  private readonly K: number;
  private readonly P: number;
  private readonly H: number;
  private readonly maxLag: number;
  private readonly suppression: boolean;
  private readonly fft: RealFft;
  private readonly history: SpectrumHistory;
  private readonly farEnergy: Float64Array;
  private readonly fg: PartitionedFilter;
  private readonly bg: PartitionedFilter;
  private readonly selector = new PathSelector();
  private readonly step: StepControl;
  private readonly delay: DelayEstimator;
  private readonly sup: ResidualEchoSuppressor;
  private readonly tracker: EchoTracker;
  private readonly slots: Int32Array;
  private readonly prevSlots: Int32Array;
  private readonly slotActive: Uint8Array;
  private readonly prevSlotActive: Uint8Array;
  private readonly prop: Float64Array;
  private readonly partEnergy: Float64Array;
  private readonly mu: Float64Array;
  private readonly farPow: Float64Array;
  private readonly fgPow: Float64Array;
  private readonly pxx: Float64Array;
  private readonly spanPow: Float64Array;
  private spanFresh = 0;
  private spanLeaving = 0;
  private readonly frame: Float64Array;
  private readonly specRe: Float64Array;
  private readonly specIm: Float64Array;
  private readonly bgRe: Float64Array;
  private readonly bgIm: Float64Array;
  private readonly ebRe: Float64Array;
  private readonly ebIm: Float64Array;
  private readonly errPow: Float64Array;
  private readonly echoPow: Float64Array;
  private readonly farPrev: Float64Array;
  private readonly farBlk: Float64Array;
  private readonly nearBlk: Float64Array;
  private readonly yf: Float64Array;
  private readonly ef: Float64Array;
  private readonly yb: Float64Array;
  private readonly eb: Float64Array;
  private readonly outBlk: Float64Array;
  private readonly probeBlk: Float64Array;
  private readonly ramp: Float64Array;
  private readonly stepIn: StepInputs;
  private readonly mode: { -readonly [K in keyof SuppressorMode]: SuppressorMode[K] } = { farActive: false, doubleTalk: false, learn: false };
  private head = 0;
  private offset = 0;
  private pending = false;
  private constrainCursor = 0;
  private divergedRun = 0;
  private resets = 0;
  private realigns = 0;
  private blocks = 0;
  private idle = false;

  constructor(options: EchoCancellerOptions) {
    const fs = options.sampleRateHz;
    const B = Math.round(fs * BLOCK_SECONDS);
    if (!Number.isInteger(fs) || fs <= 0 || B * 100 !== fs) throw new RangeError(`sample rate must be a multiple of 100 Hz, got ${fs}`);
    if (!Number.isInteger(options.frameSamples) || options.frameSamples <= 0 || options.frameSamples % B !== 0) {
      throw new RangeError(`frameSamples must be a multiple of 10 ms (${B} samples), got ${options.frameSamples}`);
    }
    const maxDelayMs = options.maxDelayMs ?? 1000;
    const tailMs = options.tailMs ?? 150;
    if (!(maxDelayMs >= 0) || !(tailMs > 0)) throw new RangeError('maxDelayMs must be ≥ 0 and tailMs > 0');
    this.sampleRateHz = fs;
    this.frameSamples = options.frameSamples;
    this.blockSamples = B;
    this.B = B;
    this.K = B + 1;
    this.P = Math.ceil(tailMs / (BLOCK_SECONDS * 1000)) + PRE_MARGIN_BLOCKS;
    this.filterSamples = this.P * B;
    this.maxLag = Math.ceil(maxDelayMs / (BLOCK_SECONDS * 1000)) + 1;
    this.H = this.maxLag + this.P + 2;
    this.suppression = options.suppression ?? true;
    this.fft = new RealFft(2 * B);
    this.history = { re: new Float32Array(this.H * this.K), im: new Float32Array(this.H * this.K) };
    this.farEnergy = new Float64Array(this.H);
    this.fg = new PartitionedFilter(this.P, this.K);
    this.bg = new PartitionedFilter(this.P, this.K);
    this.step = new StepControl(this.K, this.P, B, fs);
    this.sup = new ResidualEchoSuppressor(B, this.fft);
    // The near-end features come from the suppressor's analysis window, the far-end ones from the
    // rectangular 2B frame: correct for the difference of their energy centres.
    this.delay = new DelayEstimator({ sampleRateHz: fs, blockSamples: B, bins: this.K, maxLagBlocks: this.maxLag, centreOffsetSamples: this.sup.analysisCentre - B });
    this.latencySamples = this.suppression ? this.sup.latencySamples : 0;
    this.tracker = new EchoTracker(fs, B);
    this.slots = new Int32Array(this.P);
    this.prevSlots = new Int32Array(this.P);
    this.slotActive = new Uint8Array(this.P);
    this.prevSlotActive = new Uint8Array(this.P);
    this.prop = new Float64Array(this.P).fill(0.99 / this.P);
    this.partEnergy = new Float64Array(this.P);
    const K = this.K;
    this.mu = new Float64Array(K);
    this.farPow = new Float64Array(K);
    this.fgPow = new Float64Array(K);
    this.pxx = new Float64Array(K);
    this.spanPow = new Float64Array(K);
    this.frame = new Float64Array(2 * B);
    this.specRe = new Float64Array(K);
    this.specIm = new Float64Array(K);
    this.bgRe = new Float64Array(K);
    this.bgIm = new Float64Array(K);
    this.ebRe = new Float64Array(K);
    this.ebIm = new Float64Array(K);
    this.errPow = new Float64Array(K);
    this.echoPow = new Float64Array(K);
    this.farPrev = new Float64Array(B);
    this.farBlk = new Float64Array(B);
    this.nearBlk = new Float64Array(B);
    this.yf = new Float64Array(B);
    this.ef = new Float64Array(B);
    this.yb = new Float64Array(B);
    this.eb = new Float64Array(B);
    this.outBlk = new Float64Array(B);
    this.probeBlk = new Float64Array(B);
    this.ramp = new Float64Array(B);
    for (let i = 0; i < B; i++) this.ramp[i] = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / B);
    this.stepIn = { errorPower: this.errPow, echoPower: this.echoPow, farPower: this.pxx, see: 0, syy: 0, sey: 0, sxx: 0 };
  }

  /** Smoothed echo return loss enhancement of the output (suppressor included), dB, far-end-only periods. */
  get erleDb(): number {
    return this.tracker.erleDb;
  }

  /** Smoothed ERLE of the linear filter alone, dB. */
  get linearErleDb(): number {
    return this.tracker.linearErleDb;
  }

  /** Estimated echo delay, ms (the caller's echo round trip); −1 until one is found. */
  get delayMs(): number {
    return this.tracker.delayMs;
  }

  /** Near-end speech over the echo in the last block. */
  get doubleTalk(): boolean {
    return this.tracker.doubleTalk;
  }

  /** The far end's echo is expected in the last block (the aligned far end carries signal). */
  get farActive(): boolean {
    return this.tracker.farActive;
  }

  /** The linear filter models the echo path (linear ERLE above 10 dB, until it drops below 5 dB). */
  get converged(): boolean {
    return this.tracker.converged;
  }

  /** The echo path was modelled earlier in the call and is not any more (path change, lost reference). */
  get alignmentLost(): boolean {
    return this.tracker.alignmentLost;
  }

  /** Times the bulk delay was moved (first lock included). */
  get realignments(): number {
    return this.realigns;
  }

  /** Times the filters were reset after diverging. */
  get filterResets(): number {
    return this.resets;
  }

  /** Mean square of the last output frame (full scale 1). */
  get outputEnergy(): number {
    return this.tracker.frameOutput;
  }

  /** Mean square of the last frame's linear echo estimate (what the filter says the echo was). */
  get echoEstimateEnergy(): number {
    return this.tracker.frameEcho;
  }

  /**
   * Mean square of the echo predicted to remain in the last output frame. Before the echo path is
   * known it is the loudest far-end level within the delay range (echo assumed as loud as the far
   * end), so that an echo the filter has not learned yet is never taken for the caller.
   */
  get echoPredictionEnergy(): number {
    return this.tracker.framePrediction;
  }

  /** Back to the state of a new call. */
  reset(): void {
    this.history.re.fill(0);
    this.history.im.fill(0);
    this.farEnergy.fill(0);
    this.fg.clear();
    this.bg.clear();
    this.selector.reset();
    this.step.reset();
    this.delay.reset();
    this.sup.reset();
    this.tracker.reset();
    this.prop.fill(0.99 / this.P);
    this.pxx.fill(0);
    this.spanPow.fill(0);
    this.spanFresh = 0;
    this.farPrev.fill(0);
    this.head = 0;
    this.offset = 0;
    this.pending = false;
    this.constrainCursor = 0;
    this.divergedRun = 0;
    this.resets = 0;
    this.realigns = 0;
    this.blocks = 0;
  }

  /**
   * Cancels the echo of `far` in `near` into `out` (all `frameSamples` long; `out` may be `near`).
   * Int16 and Float32 may be mixed; floats are full scale 1. Allocates nothing.
   */
  process(near: Pcm, far: Pcm, out: Pcm, taps?: EchoCancellerTaps): void {
    const F = this.frameSamples;
    if (near.length < F || far.length < F || out.length < F) throw new RangeError(`frames must hold ${F} samples`);
    const B = this.B;
    const nearScale = near instanceof Int16Array ? 1 / 32768 : 1;
    const farScale = far instanceof Int16Array ? 1 / 32768 : 1;
    const outInt = out instanceof Int16Array;
    this.tracker.beginFrame();
    for (let start = 0; start < F; start += B) {
      for (let i = 0; i < B; i++) {
        this.nearBlk[i] = near[start + i]! * nearScale;
        this.farBlk[i] = far[start + i]! * farScale;
      }
      this.processBlock();
      if (taps !== undefined) this.writeTaps(taps, start);
      for (let i = 0; i < B; i++) {
        const v = this.outBlk[i]!;
        if (outInt) {
          const s = Math.round(v * 32768);
          out[start + i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
        } else {
          out[start + i] = v;
        }
      }
    }
    this.tracker.endFrame(F);
  }

  private writeTaps(taps: EchoCancellerTaps, start: number): void {
    const B = this.B;
    if (taps.linear !== undefined) for (let i = 0; i < B; i++) taps.linear[start + i] = this.ef[i]!;
    if (taps.probe !== undefined && taps.probeOut !== undefined) {
      for (let i = 0; i < B; i++) this.probeBlk[i] = taps.probe[start + i]!;
      if (this.suppression && this.idle) this.sup.bypassProbe(this.probeBlk, this.probeBlk, 0);
      else if (this.suppression) this.sup.applyProbe(this.probeBlk, this.probeBlk, 0);
      for (let i = 0; i < B; i++) taps.probeOut[start + i] = this.probeBlk[i]!;
    }
  }

  private processBlock(): void {
    this.blocks++;
    const farRawActive = this.pushFar();
    // Nothing the far end sent within the delay range and tail: no echo can arrive, skip the work.
    this.idle = this.farWindowMax(false) < FAR_IDLE_MS;
    if (this.idle) {
      this.idleBlock();
      return;
    }
    this.realign();
    const H = this.H;
    for (let k = 0; k < this.P; k++) {
      const slot = (this.head - this.offset - k + 2 * H) % H;
      this.slots[k] = slot;
      // A block is silent when it and its predecessor (the 2B frame) are below the idle level.
      this.slotActive[k] = this.farEnergy[slot]! >= FAR_IDLE_MS || this.farEnergy[slot === 0 ? H - 1 : slot - 1]! >= FAR_IDLE_MS ? 1 : 0;
    }
    const alignedEnergy = this.farEnergy[this.slots[0]!]!;
    const farActive = alignedEnergy > FAR_ACTIVE_MS;
    if (this.pending) {
      this.bg.adapt(this.history, this.prevSlots, this.prevSlotActive, this.ebRe, this.ebIm, this.mu, this.prop);
      this.bg.constrain(this.constrainCursor, this.fft, this.frame);
      this.constrainCursor = this.constrainCursor + 1 === this.P ? 0 : this.constrainCursor + 1;
    }
    this.runFilters();
    this.choosePath();
    this.backgroundSpectra(alignedEnergy);
    const t = this.tracker;
    const sup = this.sup;
    sup.analyze(this.ef, this.fgPow);
    t.detectDoubleTalk(farActive, sup.errorSum, sup.residualSum + sup.noiseSum, this.nearBlockEnergy(), this.farWindowMax(true));
    if (this.suppression) {
      this.mode.farActive = farActive;
      this.mode.doubleTalk = t.doubleTalk;
      this.mode.learn = t.converged;
      sup.apply(this.mode, this.outBlk, 0);
    } else {
      this.outBlk.set(this.ef);
    }
    // The delay estimator looks at what is left after cancellation: the echo of a new path shows
    // there, the echo the filter already removes does not.
    this.delay.update(this.farPow, sup.errorPower, farRawActive);
    const freeze = !farActive || t.freezeAdaptation;
    if (!freeze) {
      this.step.compute(this.stepIn, this.mu);
      this.prevSlots.set(this.slots);
      this.prevSlotActive.set(this.slotActive);
    }
    this.pending = !freeze;
    if (this.blocks % 4 === 0) this.updateProp();
    this.trackStats(farActive);
  }

  private idleBlock(): void {
    this.spanFresh = 0;
    for (let i = 0; i < this.B; i++) {
      this.ef[i] = this.nearBlk[i]!;
      this.yf[i] = 0;
    }
    if (this.suppression) this.sup.bypass(this.ef, this.outBlk, 0);
    else this.outBlk.set(this.ef);
    this.pending = false;
    this.tracker.detectDoubleTalk(false, 0, 0, 0, 0);
    this.trackStats(false);
  }

  /** Far block into the history ring (spectrum, power, energy); returns whether it is active. */
  private pushFar(): boolean {
    const { B, K } = this;
    const fr = this.frame;
    const prev = this.farEnergy[this.head]!;
    this.head = this.head + 1 === this.H ? 0 : this.head + 1;
    let fe = 0;
    for (let i = 0; i < B; i++) {
      fr[i] = this.farPrev[i]!;
      const x = this.farBlk[i]!;
      fr[B + i] = x;
      this.farPrev[i] = x;
      fe += x * x;
    }
    fe /= B;
    this.farEnergy[this.head] = fe;
    const hb = this.head * K;
    if (fe < FAR_IDLE_MS && prev < FAR_IDLE_MS) {
      // Silence (TTS pauses are digital zero): no transform needed.
      this.history.re.fill(0, hb, hb + K);
      this.history.im.fill(0, hb, hb + K);
      this.farPow.fill(0);
      return false;
    }
    this.fft.forward(fr, this.specRe, this.specIm);
    for (let f = 0; f < K; f++) {
      const re = this.specRe[f]!;
      const im = this.specIm[f]!;
      this.history.re[hb + f] = re;
      this.history.im[hb + f] = im;
      this.farPow[f] = re * re + im * im;
    }
    return fe > FAR_ACTIVE_MS;
  }

  /**
   * Both filters over the aligned far end: echo estimates y, errors e = near − y, and the power
   * spectra of the (circular, 2B) echo estimates for the step control and the suppressor.
   */
  private runFilters(): void {
    const { B, K } = this;
    PartitionedFilter.filterPair(this.fg, this.bg, this.history, this.slots, this.slotActive, this.specRe, this.specIm, this.bgRe, this.bgIm);
    for (let f = 0; f < K; f++) {
      this.fgPow[f] = this.specRe[f]! * this.specRe[f]! + this.specIm[f]! * this.specIm[f]!;
      this.echoPow[f] = this.bgRe[f]! * this.bgRe[f]! + this.bgIm[f]! * this.bgIm[f]!;
    }
    this.fft.inverse(this.specRe, this.specIm, this.frame);
    for (let i = 0; i < B; i++) {
      const v = this.frame[B + i]!;
      this.yf[i] = v;
      this.ef[i] = this.nearBlk[i]! - v;
    }
    this.fft.inverse(this.bgRe, this.bgIm, this.frame);
    for (let i = 0; i < B; i++) {
      const v = this.frame[B + i]!;
      this.yb[i] = v;
      this.eb[i] = this.nearBlk[i]! - v;
    }
  }

  private choosePath(): void {
    const B = this.B;
    let sff = 0;
    let see = 0;
    let dbf = 0;
    let sdd = 0;
    for (let i = 0; i < B; i++) {
      sff += this.ef[i]! * this.ef[i]!;
      see += this.eb[i]! * this.eb[i]!;
      const d = this.yf[i]! - this.yb[i]!;
      dbf += d * d;
      sdd += this.nearBlk[i]! * this.nearBlk[i]!;
    }
    // Floor of the difference variance: about −90 dBFS per sample.
    const decision = this.selector.decide(sff, see, dbf + 1e-9 * B);
    if (decision === PathDecision.PromoteBackground) {
      this.fg.copyFrom(this.bg);
      this.fgPow.set(this.echoPow);
      // Cross-fade this block from the old foreground's output to the new one's.
      for (let i = 0; i < B; i++) {
        const r = this.ramp[i]!;
        this.yf[i] = (1 - r) * this.yf[i]! + r * this.yb[i]!;
        this.ef[i] = this.nearBlk[i]! - this.yf[i]!;
      }
    } else if (decision === PathDecision.ResetBackground) {
      this.bg.copyFrom(this.fg);
      this.yb.set(this.yf);
      this.eb.set(this.ef);
      this.echoPow.set(this.fgPow);
    }
    // A foreground much louder than its input for half a second has diverged: start over.
    this.divergedRun = sff > 4 * sdd + 1e-7 * B ? this.divergedRun + 1 : 0;
    if (this.divergedRun >= DIVERGED_BLOCKS) this.restartFilters();
  }

  /** Background error spectrum and the step controller's inputs. */
  private backgroundSpectra(alignedEnergy: number): void {
    const { B, K } = this;
    const fr = this.frame;
    let see = 0;
    let syy = 0;
    let sey = 0;
    for (let i = 0; i < B; i++) {
      const e = this.eb[i]!;
      const y = this.yb[i]!;
      see += e * e;
      syy += y * y;
      sey += e * y;
      fr[i] = 0;
      fr[B + i] = e;
    }
    this.fft.forward(fr, this.ebRe, this.ebIm);
    for (let f = 0; f < K; f++) {
      const er = this.ebRe[f]!;
      const ei = this.ebIm[f]!;
      this.errPow[f] = er * er + ei * ei;
    }
    this.updateSpanPower();
    const s = this.stepIn;
    s.see = see;
    s.syy = syy;
    s.sey = sey;
    s.sxx = alignedEnergy * B;
  }

  /**
   * Mean far-end power per bin over the filter's span (the NLMS normalisation: the energy the
   * filter actually sees, which follows speech onsets and pauses, unlike a smoothed current block).
   * Kept by adding the newest partition and removing the one that left; recomputed after a
   * realignment or an idle stretch, and every 64 blocks against rounding drift.
   */
  private updateSpanPower(): void {
    const { K, P } = this;
    const pow = this.spanPow;
    const hr = this.history.re;
    const hi = this.history.im;
    if (this.spanFresh === 0) {
      pow.fill(0);
      for (let k = 0; k < P; k++) {
        if (this.slotActive[k] === 0) continue;
        const b = this.slots[k]! * K;
        for (let f = 0; f < K; f++) pow[f] = pow[f]! + hr[b + f]! * hr[b + f]! + hi[b + f]! * hi[b + f]!;
      }
      this.spanFresh = 64;
    } else {
      const nb = this.slots[0]! * K;
      const ob = this.spanLeaving * K;
      for (let f = 0; f < K; f++) {
        const v = pow[f]! + hr[nb + f]! * hr[nb + f]! + hi[nb + f]! * hi[nb + f]! - hr[ob + f]! * hr[ob + f]! - hi[ob + f]! * hi[ob + f]!;
        pow[f] = v > 0 ? v : 0;
      }
      this.spanFresh--;
    }
    // The slot that leaves the span at the next block.
    this.spanLeaving = this.slots[P - 1]!;
    const inv = 1 / P;
    for (let f = 0; f < K; f++) this.pxx[f] = pow[f]! * inv;
  }

  /** Proportionate step per partition: more where the response has energy (sparse echo paths). */
  private updateProp(): void {
    this.bg.partitionEnergies(this.partEnergy);
    let max = 0;
    for (let k = 0; k < this.P; k++) {
      const v = Math.sqrt(this.partEnergy[k]!);
      this.partEnergy[k] = v;
      if (v > max) max = v;
    }
    if (max === 0) {
      this.prop.fill(0.99 / this.P);
      return;
    }
    let sum = 0;
    for (let k = 0; k < this.P; k++) {
      const v = this.partEnergy[k]! + 0.1 * max;
      this.prop[k] = v;
      sum += v;
    }
    for (let k = 0; k < this.P; k++) this.prop[k] = (0.99 * this.prop[k]!) / sum;
  }

  /** Moves the filter window to a new bulk delay estimate when the filter does not hold the echo. */
  private realign(): void {
    if (!this.delay.locked || this.tracker.converged) return;
    const est = this.delay.delaySamples;
    const B = this.B;
    const target = Math.min(this.maxLag, Math.max(0, Math.floor(est / B) - PRE_MARGIN_BLOCKS));
    if (target === this.offset) return;
    const inside = est >= (this.offset + 1) * B && est < (this.offset + this.P - 3) * B;
    if (inside && Math.abs(target - this.offset) < 2) return;
    const by = target - this.offset;
    this.fg.shift(by);
    this.bg.shift(by);
    this.offset = target;
    this.spanFresh = 0;
    this.pending = false;
    this.selector.reset();
    if (Math.abs(by) > 2) this.step.reset();
    this.realigns++;
  }

  private restartFilters(): void {
    this.fg.clear();
    this.bg.clear();
    this.selector.reset();
    this.step.reset();
    this.pending = false;
    this.divergedRun = 0;
    this.resets++;
    this.tracker.filtersRestarted();
  }

  private nearBlockEnergy(): number {
    let s = 0;
    for (let i = 0; i < this.B; i++) s += this.nearBlk[i]! * this.nearBlk[i]!;
    return s / this.B;
  }

  /**
   * Loudest far-end block (mean square) that can still be echoing: over the filter window when
   * `aligned` and the delay is known, else over the whole delay range.
   */
  private farWindowMax(aligned: boolean): number {
    let m = 0;
    if (aligned && this.delay.locked) {
      for (let k = 0; k < this.P; k++) m = Math.max(m, this.farEnergy[this.slots[k]!]!);
      return m;
    }
    for (let i = 0; i < this.H; i++) m = Math.max(m, this.farEnergy[i]!);
    return m;
  }

  private trackStats(farActive: boolean): void {
    const t = this.tracker;
    let sd = 0;
    let se = 0;
    let so = 0;
    let sy = 0;
    for (let i = 0; i < this.B; i++) {
      sd += this.nearBlk[i]! * this.nearBlk[i]!;
      se += this.ef[i]! * this.ef[i]!;
      so += this.outBlk[i]! * this.outBlk[i]!;
      sy += this.yf[i]! * this.yf[i]!;
    }
    const fraction = this.suppression ? this.sup.echoFraction : se > 0 ? Math.min(4, sy / se) : 0;
    t.block(farActive, sd, se, so, sy, fraction, this.farWindowMax(false), this.delay.locked);
    if (t.converged && this.blocks % 50 === 0) this.refineDelay();
    else if (!t.converged && this.delay.locked) t.setDelaySamples(this.delay.delaySamples);
  }

  /** Exact delay from the foreground filter's strongest tap (only meaningful once converged). */
  private refineDelay(): void {
    const k = this.fg.partitionEnergies(this.partEnergy);
    this.fg.impulse(k, this.fft, this.frame);
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < this.B; i++) {
      const a = Math.abs(this.frame[i]!);
      if (a > bestAbs) {
        bestAbs = a;
        best = i;
      }
    }
    this.tracker.setDelaySamples((this.offset + k) * this.B + best);
  }
}
