/**
 * Adaptation step size of the partitioned filter, per frequency bin.
 *
 * The optimal NLMS step is the ratio of residual echo power to error power (J.-M. Valin, "On
 * adjusting the learning rate in frequency domain echo cancellation with double-talk", IEEE TASLP
 * 2007). The residual echo is estimated as leak × |Y|², the leakage coefficient being the linear
 * regression of the error power's fluctuations on the echo estimate's. With near-end speech the
 * error grows while the residual estimate does not, so the step shrinks by itself: this is what
 * keeps double talk and TTS references from diverging the filter, on top of the explicit freezes
 * decided by the caller (far end silent, double talk detected).
 */

/** Per-block measurements the step controller needs (energies are sums over the block). */
export interface StepInputs {
  /** |E(f)|² of the adaptive filter's error (zero-padded block). */
  errorPower: Float64Array;
  /** |Y(f)|² of the adaptive filter's echo estimate (zero-padded block). */
  echoPower: Float64Array;
  /** Far-end power per bin over the filter span, per partition (normalisation). */
  farPower: Float64Array;
  /** Σe² (error), Σy² (echo estimate), Σe·y, Σx² (aligned far end) over the block. */
  see: number;
  syy: number;
  sey: number;
  sxx: number;
}

// Residual echo cannot be trusted to be below −23 dB of the echo estimate (≈ 33 dB attenuation
// with the factor 3 in the residual-to-error ratio below).
const MIN_LEAK = 0.005;
// A step above half the optimal one is never taken: stability margin for estimation errors.
const MAX_RER = 0.5;
// Start-up step (normalised), before the leakage estimate can be trusted.
const START_RATE = 0.5;

/**
 * Leakage-based optimal step size with a robust start-up rule.
 *
 * @example
 * ctl.compute(inputs, mu); // mu[f] is the normalised step for the next gradient update
 */
export class StepControl {
  private readonly bins: number;
  private readonly partitions: number;
  private readonly eh: Float64Array;
  private readonly yh: Float64Array;
  private readonly specAverage: number;
  private readonly beta0: number;
  private readonly betaMax: number;
  private pey = 0;
  private pyy = 0;
  private leakEstimate = 0;
  private sumAdapt = 0;
  private isAdapted = false;

  constructor(bins: number, partitions: number, blockSamples: number, sampleRateHz: number) {
    this.bins = bins;
    this.partitions = partitions;
    this.eh = new Float64Array(bins);
    this.yh = new Float64Array(bins);
    // Smoothing rates proportional to the block duration (10 ms → 0.01).
    this.specAverage = blockSamples / sampleRateHz;
    this.beta0 = (2 * blockSamples) / sampleRateHz;
    this.betaMax = (0.5 * blockSamples) / sampleRateHz;
  }

  /** Residual echo leakage estimate (0…1). */
  get leak(): number {
    return this.leakEstimate;
  }

  /** True once the filter has moved past its start-up phase. */
  get adapted(): boolean {
    return this.isAdapted;
  }

  /** Back to start-up (new call, or a new echo path after realignment). */
  reset(): void {
    this.eh.fill(0);
    this.yh.fill(0);
    this.pey = 0;
    this.pyy = 0;
    this.leakEstimate = 0;
    this.sumAdapt = 0;
    this.isAdapted = false;
  }

  /** Computes `mu[f]`: the normalised step of each bin for the next update. */
  compute(s: StepInputs, mu: Float64Array): void {
    const K = this.bins;
    this.updateLeak(s);
    const see = s.see + 1e-10;
    const regular = this.regulariser(s.farPower);
    if (this.isAdapted) {
      // Residual to error ratio of the whole block (also bounded below by the e/y correlation).
      let rer = (1e-4 * s.sxx + 3 * this.leakEstimate * s.syy) / see;
      const corr = (s.sey * s.sey) / (1e-10 + see * s.syy);
      if (rer < corr) rer = corr;
      if (rer > MAX_RER) rer = MAX_RER;
      for (let f = 0; f < K; f++) {
        const e = s.errorPower[f]! + 1e-10;
        let r = this.leakEstimate * s.echoPower[f]!;
        if (r > 0.5 * e) r = 0.5 * e;
        r = 0.7 * r + 0.3 * rer * e;
        mu[f] = r / (e * (s.farPower[f]! + regular));
      }
      return;
    }
    // Start-up: fixed fraction of a normalised step, reduced when the error exceeds the far end
    // (near-end speech or a very loud echo path).
    const rate = (START_RATE * Math.min(s.sxx, see)) / see;
    this.sumAdapt += rate;
    for (let f = 0; f < K; f++) mu[f] = rate / (s.farPower[f]! + regular);
    // Adapted once a filter's worth of steps has been taken and the leakage estimate has seen the
    // residual (speex's rule), or after four times that in any case: a filter that converges fast
    // may never show a large leakage, and the start-up rule has no double-talk protection.
    if (this.sumAdapt > this.partitions && (this.leakEstimate > 0.03 || this.sumAdapt > 4 * this.partitions)) this.isAdapted = true;
  }

  private updateLeak(s: StepInputs): void {
    const K = this.bins;
    const a = this.specAverage;
    let pey = 0;
    let pyy = 0;
    for (let f = 0; f < K; f++) {
      const e = s.errorPower[f]! - this.eh[f]!;
      const y = s.echoPower[f]! - this.yh[f]!;
      pey += e * y;
      pyy += y * y;
      this.eh[f] = (1 - a) * this.eh[f]! + a * s.errorPower[f]!;
      this.yh[f] = (1 - a) * this.yh[f]! + a * s.echoPower[f]!;
    }
    pyy = Math.sqrt(pyy);
    pey = pey / (pyy + 1e-20);
    // Update faster when the echo estimate is large relative to the error.
    let rate = this.beta0 * s.syy;
    if (rate > this.betaMax * s.see) rate = this.betaMax * s.see;
    const alpha = rate / (s.see + 1e-10);
    this.pey = (1 - alpha) * this.pey + alpha * pey;
    this.pyy = (1 - alpha) * this.pyy + alpha * pyy;
    if (this.pyy < 1e-12) this.pyy = 1e-12;
    if (this.pey < MIN_LEAK * this.pyy) this.pey = MIN_LEAK * this.pyy;
    if (this.pey > this.pyy) this.pey = this.pyy;
    this.leakEstimate = this.pey / this.pyy;
  }

  /** Regularisation of the per-bin normalisation: −100 dB absolute plus 10⁻³ of the mean power. */
  private regulariser(farPower: Float64Array): number {
    let mean = 0;
    for (let f = 0; f < this.bins; f++) mean += farPower[f]!;
    mean /= this.bins;
    return 1e-10 * this.bins + 1e-3 * mean;
  }
}
