/**
 * The linear part of the echo canceller: the bulk-delay alignment into the far-end history, and a
 * two-path partitioned block adaptive filter (background adapts, foreground produces the output)
 * with its step control.
 */
import { FarHistory } from './far-history.ts';
import type { RealFft } from './fft.ts';
import { PartitionedFilter } from './partitioned-filter.ts';
import { StepControl, type StepInputs } from './step-control.ts';
import { PathDecision, PathSelector } from './two-path.ts';
import { heapRegion, regionBytes, type KernelExports, type Region } from './wasm/arena.ts';

// Foreground diverged (output louder than its input) for this many blocks: start over.
const DIVERGED_BLOCKS = 50;
// Partitions whose weights are 50 dB under the strongest one are not worth filtering with.
const LIVE_RATIO = 1e-5;

/**
 * Two-path partitioned filter over an aligned window of the far-end history.
 *
 * @example
 * epf.history.push(farBlock, activeMs);
 * epf.align(offsetBlocks);
 * epf.adaptPending();
 * epf.filter(nearBlock); // epf.ef / epf.yf: output error and echo estimate
 * epf.prepareStep(freeze);
 */
export class EchoPathFilter {
  /** Partitions (filter length / B). */
  readonly partitions: number;
  private readonly constraintsPerBlock: number;
  /** The far end's recent past. */
  readonly history: FarHistory;
  /** Foreground echo estimate and error (= output of the linear canceller), B samples. */
  readonly yf: Float64Array;
  readonly ef: Float64Array;
  /** Power spectrum of the foreground's (circular) echo estimate. */
  readonly fgPow: Float64Array;
  private readonly B: number;
  private readonly K: number;
  private readonly fft: RealFft;
  /** SIMD kernels (arrays they touch live in their arena), or null for the scalar ones. */
  private readonly kernels: KernelExports | null;
  private readonly fg: PartitionedFilter;
  private readonly bg: PartitionedFilter;
  private readonly selector = new PathSelector();
  private readonly step: StepControl;
  private readonly slots: Int32Array;
  private readonly prevSlots: Int32Array;
  private readonly active: Uint8Array;
  private readonly prevActive: Uint8Array;
  private readonly fgLive: Uint8Array;
  private readonly partScratch: Int32Array;
  private readonly bgLive: Uint8Array;
  private readonly prop: Float64Array;
  private readonly partEnergy: Float64Array;
  private readonly mu: Float64Array;
  private readonly spanPow: Float64Array;
  private readonly pxx: Float64Array;
  private readonly frame: Float64Array;
  private readonly frame2: Float64Array;
  private readonly near: Float64Array;
  private readonly fRe: Float64Array;
  private readonly fIm: Float64Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;
  private readonly ebRe: Float64Array;
  private readonly ebIm: Float64Array;
  private readonly gRe: Float64Array;
  private readonly gIm: Float64Array;
  private readonly errPow: Float64Array;
  private readonly echoPow: Float64Array;
  private readonly yb: Float64Array;
  private readonly eb: Float64Array;
  private readonly ramp: Float64Array;
  private readonly stepIn: StepInputs;
  private offsetBlocks = 0;
  private pending = false;
  private constrainCursor = 0;
  private divergedRun = 0;
  private spanFresh = 0;
  private spanLeaving = 0;
  private blocks = 0;
  private restarts = 0;

  /**
   * Bytes of the arena region the SIMD path needs: what the kernels touch (far-end spectra and
   * both filters' weights, single precision; the spectra they write, the gradient, the partition
   * lists).
   */
  static regionBytes(blockSamples: number, partitions: number, historySlots: number): number {
    const K = blockSamples + 1;
    const P = partitions;
    const f64 = (n: number) => 8 * n;
    const plane = 4 * historySlots * K;
    const weights = 4 * P * K;
    return regionBytes(plane, plane, weights, weights, weights, weights, f64(K), f64(K), f64(K), f64(K), f64(K), f64(K), 4 * 4 * P);
  }

  /**
   * `kernels` with `region` a block of their arena sized by {@link regionBytes}: the SIMD path;
   * without them, the scalar kernels over heap arrays.
   */
  constructor(blockSamples: number, partitions: number, historySlots: number, sampleRateHz: number, fft: RealFft, kernels: KernelExports | null = null, region: Region = heapRegion) {
    const B = blockSamples;
    const K = B + 1;
    const P = partitions;
    this.B = B;
    this.K = K;
    this.partitions = P;
    // Each partition constrained at least every 17 blocks (170 ms).
    this.constraintsPerBlock = Math.ceil(P / 17);
    this.fft = fft;
    this.kernels = kernels;
    // Allocation order matches regionBytes.
    this.history = new FarHistory(B, historySlots, fft, region);
    this.fg = new PartitionedFilter(P, K, region);
    this.bg = new PartitionedFilter(P, K, region);
    this.fRe = region.f64(K);
    this.fIm = region.f64(K);
    this.bRe = region.f64(K);
    this.bIm = region.f64(K);
    this.gRe = region.f64(K);
    this.gIm = region.f64(K);
    this.partScratch = region.i32(4 * P);
    this.step = new StepControl(K, P, B, sampleRateHz);
    this.slots = new Int32Array(P);
    this.prevSlots = new Int32Array(P);
    this.active = new Uint8Array(P);
    this.prevActive = new Uint8Array(P);
    this.fgLive = new Uint8Array(P);
    this.bgLive = new Uint8Array(P);
    this.prop = new Float64Array(P).fill(0.99 / P);
    this.partEnergy = new Float64Array(P);
    const vec = (n: number) => new Float64Array(n);
    this.mu = vec(K);
    this.spanPow = vec(K);
    this.pxx = vec(K);
    this.fgPow = vec(K);
    this.ebRe = vec(K);
    this.ebIm = vec(K);
    this.errPow = vec(K);
    this.echoPow = vec(K);
    this.frame = vec(2 * B);
    this.frame2 = vec(2 * B);
    this.near = vec(B);
    this.yf = vec(B);
    this.ef = vec(B);
    this.yb = vec(B);
    this.eb = vec(B);
    this.ramp = vec(B);
    for (let i = 0; i < B; i++) this.ramp[i] = 0.5 - 0.5 * Math.cos((Math.PI * (i + 0.5)) / B);
    this.stepIn = { errorPower: this.errPow, echoPower: this.echoPow, farPower: this.pxx, see: 0, syy: 0, sey: 0, sxx: 0 };
  }

  /** Bulk delay of the filter window, blocks. */
  get offset(): number {
    return this.offsetBlocks;
  }

  /** Filter restarts after divergence. */
  get restartCount(): number {
    return this.restarts;
  }

  /** After {@link locate}: mean square of the far end at the filter's first tap (the block entering it). */
  alignedMs = 0;
  /** After {@link locate}: loudest far block (mean square) within the filter window. */
  windowMaxMs = 0;

  /** Back to a new call. */
  reset(): void {
    this.history.reset();
    this.offsetBlocks = 0;
    this.blocks = 0;
    this.restarts = 0;
    this.restart();
  }

  /** Forgets the echo path (filters, step state), keeps the far-end history. */
  restart(): void {
    this.fg.clear();
    this.bg.clear();
    this.fgLive.fill(0);
    this.bgLive.fill(0);
    this.selector.reset();
    this.step.reset();
    this.prop.fill(0.99 / this.partitions);
    this.pending = false;
    this.divergedRun = 0;
    this.spanFresh = 0;
  }

  /**
   * Moves the filter window to start `target` blocks back. The weights move along (a refined
   * estimate of the same path keeps what was learned); a big move also restarts the step control.
   */
  align(target: number): void {
    const by = target - this.offsetBlocks;
    if (by === 0) return;
    this.fg.shift(by);
    this.bg.shift(by);
    this.offsetBlocks = target;
    this.spanFresh = 0;
    this.pending = false;
    this.selector.reset();
    this.refreshLive();
    if (Math.abs(by) > 2) this.step.reset();
  }

  /** Slots of the filter window for this block, which hold far-end signal, and their levels. */
  locate(): void {
    let m = 0;
    for (let k = 0; k < this.partitions; k++) {
      const slot = this.history.slotBack(this.offsetBlocks + k);
      this.slots[k] = slot;
      this.active[k] = this.history.isSilent(slot) ? 0 : 1;
      const e = this.history.energy[slot]!;
      if (e > m) m = e;
    }
    this.windowMaxMs = m;
    this.alignedMs = this.history.energy[this.slots[0]!]!;
  }

  /** Applies the gradient prepared by the previous block (a priori error, as in MDF). */
  adaptPending(): void {
    if (!this.pending) return;
    const mu = this.mu;
    for (let f = 0; f < this.K; f++) {
      this.gRe[f] = mu[f]! * this.ebRe[f]!;
      this.gIm[f] = mu[f]! * this.ebIm[f]!;
    }
    this.bg.adapt(this.kernels, this.history, this.prevSlots, this.prevActive, this.gRe, this.gIm, this.prop);
    // Some partitions per block get their gradient constraint (alternately updated MDF), in both
    // filters at once. The wrapped-around half of an unconstrained partition can hold part of the
    // echo (at an aliased lag); if only the background were cleaned, the foreground would keep a
    // solution the background can never beat, and the two-path scheme would stay stuck there
    // (an echo at a partition boundary stalled at 25–30 dB ERLE instead of 54).
    for (let j = 0; j < this.constraintsPerBlock; j++) {
      this.bg.constrainWith(this.fg, this.constrainCursor, this.fft, this.frame, this.frame2);
      this.constrainCursor = this.constrainCursor + 1 === this.partitions ? 0 : this.constrainCursor + 1;
    }
    this.blocks++;
    if ((this.blocks & 3) === 0) this.updateProp();
  }

  /**
   * Both filters on the near block: foreground output (`ef`, `yf`), background error, two-path
   * decision, and the inputs of the next step. `near` is B samples.
   */
  filter(near: Float64Array): void {
    const { B, K } = this;
    for (let i = 0; i < B; i++) this.near[i] = near[i]!;
    PartitionedFilter.filterPair(this.kernels, this.fg, this.bg, this.history, this.slots, this.active, this.fgLive, this.bgLive, this.partScratch, this.fRe, this.fIm, this.bRe, this.bIm);
    for (let f = 0; f < K; f++) {
      this.fgPow[f] = this.fRe[f]! * this.fRe[f]! + this.fIm[f]! * this.fIm[f]!;
      this.echoPow[f] = this.bRe[f]! * this.bRe[f]! + this.bIm[f]! * this.bIm[f]!;
    }
    this.toTime();
    this.choosePath();
    this.backgroundSpectra();
    this.updateSpanPower();
  }

  /** Computes the next block's step, or freezes adaptation. */
  prepareStep(freeze: boolean): void {
    this.pending = !freeze;
    if (freeze) return;
    this.step.compute(this.stepIn, this.mu);
    this.prevSlots.set(this.slots);
    this.prevActive.set(this.active);
  }

  /** Delay (samples from the window start) of the foreground's strongest tap. */
  peakTap(): number {
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
    return (this.offsetBlocks + k) * this.B + best;
  }

  /** Both filters' echo estimates back to time (one paired transform) and their errors. */
  private toTime(): void {
    const B = this.B;
    this.fft.inverse2(this.fRe, this.fIm, this.frame, this.bRe, this.bIm, this.frame2);
    for (let i = 0; i < B; i++) {
      const v = this.frame[B + i]!;
      this.yf[i] = v;
      this.ef[i] = this.near[i]! - v;
      const w = this.frame2[B + i]!;
      this.yb[i] = w;
      this.eb[i] = this.near[i]! - w;
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
      sdd += this.near[i]! * this.near[i]!;
    }
    // Floor of the difference variance: about −90 dBFS per sample.
    const decision = this.selector.decide(sff, see, dbf + 1e-9 * B);
    if (decision === PathDecision.PromoteBackground) {
      this.fg.copyFrom(this.bg);
      this.fgLive.set(this.bgLive);
      this.fgPow.set(this.echoPow);
      // Cross-fade this block from the old foreground's output to the new one's.
      for (let i = 0; i < B; i++) {
        const r = this.ramp[i]!;
        this.yf[i] = (1 - r) * this.yf[i]! + r * this.yb[i]!;
        this.ef[i] = this.near[i]! - this.yf[i]!;
      }
    } else if (decision === PathDecision.ResetBackground) {
      this.bg.copyFrom(this.fg);
      this.bgLive.set(this.fgLive);
      this.yb.set(this.yf);
      this.eb.set(this.ef);
      this.echoPow.set(this.fgPow);
    }
    // A foreground much louder than its input for half a second has diverged: start over.
    this.divergedRun = sff > 4 * sdd + 1e-7 * B ? this.divergedRun + 1 : 0;
    if (this.divergedRun >= DIVERGED_BLOCKS) {
      this.restart();
      this.restarts++;
    }
  }

  /** Background error spectrum (gradient input) and the step controller's block sums. */
  private backgroundSpectra(): void {
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
    for (let f = 0; f < K; f++) this.errPow[f] = this.ebRe[f]! * this.ebRe[f]! + this.ebIm[f]! * this.ebIm[f]!;
    const s = this.stepIn;
    s.see = see;
    s.syy = syy;
    s.sey = sey;
    s.sxx = this.alignedMs * B;
  }

  /**
   * Mean far-end power per bin over the filter's span: the NLMS normalisation (the energy the
   * filter actually sees, which follows speech onsets and pauses, unlike a smoothed current block).
   * Kept by adding the newest partition and removing the one that left; recomputed after a
   * realignment or an idle stretch, and every 64 blocks against rounding drift.
   */
  private updateSpanPower(): void {
    const { K } = this;
    const P = this.partitions;
    const pow = this.spanPow;
    const hr = this.history.re;
    const hi = this.history.im;
    if (this.spanFresh === 0) {
      pow.fill(0);
      for (let k = 0; k < P; k++) {
        if (this.active[k] === 0) continue;
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
    this.spanLeaving = this.slots[P - 1]!;
    const inv = 1 / P;
    for (let f = 0; f < K; f++) this.pxx[f] = pow[f]! * inv;
  }

  /** The span sums are stale (idle stretch): recompute at the next filtered block. */
  invalidateSpan(): void {
    this.spanFresh = 0;
  }

  /** Proportionate step per partition: more where the response has energy (sparse echo paths). */
  private updateProp(): void {
    const P = this.partitions;
    this.bg.partitionEnergies(this.partEnergy);
    let max = 0;
    for (let k = 0; k < P; k++) max = Math.max(max, this.partEnergy[k]!);
    for (let k = 0; k < P; k++) this.bgLive[k] = max > 0 && this.partEnergy[k]! > LIVE_RATIO * max ? 1 : 0;
    if (max === 0) {
      this.prop.fill(0.99 / P);
      return;
    }
    const floor = 0.1 * Math.sqrt(max);
    let sum = 0;
    for (let k = 0; k < P; k++) {
      const v = Math.sqrt(this.partEnergy[k]!) + floor;
      this.prop[k] = v;
      sum += v;
    }
    for (let k = 0; k < P; k++) this.prop[k] = (0.99 * this.prop[k]!) / sum;
  }

  /** Live flags of both filters from their current weights (after a shift). */
  private refreshLive(): void {
    this.markLive(this.bg, this.bgLive);
    this.markLive(this.fg, this.fgLive);
  }

  private markLive(filter: PartitionedFilter, live: Uint8Array): void {
    filter.partitionEnergies(this.partEnergy);
    let max = 0;
    for (let k = 0; k < this.partitions; k++) max = Math.max(max, this.partEnergy[k]!);
    for (let k = 0; k < this.partitions; k++) live[k] = max > 0 && this.partEnergy[k]! > LIVE_RATIO * max ? 1 : 0;
  }
}
