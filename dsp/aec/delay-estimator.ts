/**
 * Bulk echo delay estimator: correlates band-energy envelopes of the far-end reference and the
 * near-end microphone signal over every candidate lag up to the maximum delay (1 s and more), one
 * block (10 ms) at a time.
 *
 * Why envelopes and not waveforms: the echo path (line hybrid, room) colours and smears the
 * waveform, and a waveform cross-correlation over 1 s of lag costs a long FFT per update. Log band
 * energies with their slow mean removed keep the syllable rhythm (onsets, pauses) that survives any
 * linear echo path, cost `lags × bands` multiply-adds per block, and give a peak whose position is
 * good to about one block; the adaptive filter then covers the remaining uncertainty and gives the
 * exact delay from its impulse response.
 */

/** Construction parameters of {@link DelayEstimator}. */
export interface DelayEstimatorOptions {
  /** Sample rate of both signals, Hz. */
  readonly sampleRateHz: number;
  /** Block hop, samples (one update per block). */
  readonly blockSamples: number;
  /** Number of bins of the power spectra passed to {@link DelayEstimator.update} (FFT size / 2 + 1). */
  readonly bins: number;
  /** Largest lag searched, in blocks. */
  readonly maxLagBlocks: number;
  /**
   * Extra delay of the near-end spectrum's analysis centre relative to the far-end one, in samples,
   * added to the reported delay (the two spectra may come from different windows).
   */
  readonly centreOffsetSamples?: number;
}

const BANDS = 16;
// Telephone band: present at 8 kHz and 16 kHz alike, and where speech envelopes are strongest.
const LOW_HZ = 300;
const HIGH_HZ = 3800;
// Mean removal time constant ≈ 1/0.08 blocks (125 ms at 10 ms blocks): keeps syllable-rate
// fluctuations, removes the spectral colouring of the echo path and the signal levels.
const MEAN_RATE = 0.08;
// Correlation memory ≈ 1.5 s of far-end activity: long enough for a clear peak on speech, short
// enough to follow an echo-path change within a couple of seconds.
const MEMORY_SECONDS = 1.5;
// A lag must stay the best for this long before it is reported (avoids jumping on one syllable).
const STABLE_SECONDS = 0.25;
// Correlation the best lag must reach to be trusted, and its lead over the best lag away from it.
const MIN_CORRELATION = 0.2;
const MIN_LEAD = 0.04;

/**
 * Band-envelope correlation delay estimator. Feed it one far and one near power spectrum per block;
 * read {@link delaySamples} once {@link locked}.
 *
 * @example
 * const est = new DelayEstimator({ sampleRateHz: 16000, blockSamples: 160, bins: 161, maxLagBlocks: 104 });
 * est.update(farPower, nearPower, farIsActive);
 * if (est.locked) console.log(est.delaySamples);
 */
export class DelayEstimator {
  private readonly blockSamples: number;
  private readonly maxLag: number;
  private readonly centreOffset: number;
  private readonly bandStart: Int32Array;
  private readonly bandEnd: Int32Array;
  private readonly farMean = new Float64Array(BANDS);
  private readonly nearMean = new Float64Array(BANDS);
  private readonly nearFeature = new Float64Array(BANDS);
  /** Ring of far features, (maxLag + 1) × BANDS, newest at `head`. */
  private readonly farHistory: Float64Array;
  private readonly farHistoryEnergy: Float64Array;
  private readonly cross: Float64Array;
  private readonly farEnergy: Float64Array;
  private readonly corr: Float64Array;
  private nearEnergy = 0;
  private head = 0;
  private filled = 0;
  private readonly decay: number;
  private readonly stableBlocks: number;
  private readonly farFloor: number;
  private readonly nearFloor: number;
  private candidate = -1;
  private candidateCount = 0;
  private lastFarActive = -1_000_000;
  private blockIndex = 0;
  private bestLag = -1;
  private bestCorr = 0;
  private lockedDelay = -1;
  private lockedCorr = 0;
  private confirmed = 0;
  private peakFrac = 0;

  constructor(options: DelayEstimatorOptions) {
    this.blockSamples = options.blockSamples;
    this.maxLag = options.maxLagBlocks;
    this.centreOffset = options.centreOffsetSamples ?? 0;
    const fftSize = (options.bins - 1) * 2;
    const hzPerBin = options.sampleRateHz / fftSize;
    const high = Math.min(HIGH_HZ, 0.47 * options.sampleRateHz);
    this.bandStart = new Int32Array(BANDS);
    this.bandEnd = new Int32Array(BANDS);
    for (let q = 0; q < BANDS; q++) {
      // Log-spaced edges, at least one bin per band.
      const lo = LOW_HZ * Math.pow(high / LOW_HZ, q / BANDS);
      const hi = LOW_HZ * Math.pow(high / LOW_HZ, (q + 1) / BANDS);
      const a = Math.max(1, Math.round(lo / hzPerBin));
      const b = Math.max(a + 1, Math.round(hi / hzPerBin));
      this.bandStart[q] = a;
      this.bandEnd[q] = Math.min(b, options.bins - 1);
    }
    const lags = this.maxLag + 1;
    this.farHistory = new Float64Array(lags * BANDS);
    this.farHistoryEnergy = new Float64Array(lags);
    this.cross = new Float64Array(lags);
    this.farEnergy = new Float64Array(lags);
    this.corr = new Float64Array(lags);
    const blocksPerSecond = options.sampleRateHz / options.blockSamples;
    this.decay = Math.exp(-1 / (MEMORY_SECONDS * blocksPerSecond));
    this.stableBlocks = Math.max(1, Math.round(STABLE_SECONDS * blocksPerSecond));
    // Floors at about −75 dBFS per band (full scale = 1, unnormalised FFT power), so digital
    // silence in a TTS reference does not produce −∞ in the logarithm.
    this.farFloor = 3e-8 * options.blockSamples * 2;
    this.nearFloor = 3e-8 * options.blockSamples;
  }

  /** Delay (samples) of the echo found, −1 before the first lock. */
  get delaySamples(): number {
    return this.lockedDelay;
  }

  /** True once a lag has been the clear best for long enough. */
  get locked(): boolean {
    return this.lockedDelay >= 0;
  }

  /** Normalised correlation (0…1) of the reported lag when it was last confirmed. */
  get confidence(): number {
    return this.lockedCorr;
  }

  /** Counts the lags confirmed so far: changes whenever a new lag (or the same after a loss) is confirmed. */
  get confirmations(): number {
    return this.confirmed;
  }

  /** Best lag (samples) of the latest update, even if not yet confirmed; −1 if none. */
  get candidateDelaySamples(): number {
    return this.bestLag < 0 ? -1 : this.lagToSamples(this.bestLag);
  }

  /** Normalised correlation of the latest best lag. */
  get candidateCorrelation(): number {
    return this.bestCorr;
  }

  /** Normalised correlation at the lag nearest `delaySamples` (as of the latest update). */
  correlationAt(delaySamples: number): number {
    const lag = Math.round((delaySamples - this.centreOffset) / this.blockSamples);
    if (lag < 0 || lag > this.maxLag) return 0;
    return this.corr[lag]!;
  }

  /** Forgets everything (new call). */
  reset(): void {
    this.farMean.fill(0);
    this.nearMean.fill(0);
    this.farHistory.fill(0);
    this.farHistoryEnergy.fill(0);
    this.cross.fill(0);
    this.farEnergy.fill(0);
    this.corr.fill(0);
    this.nearEnergy = 0;
    this.head = 0;
    this.filled = 0;
    this.candidate = -1;
    this.candidateCount = 0;
    this.lastFarActive = -1_000_000;
    this.blockIndex = 0;
    this.bestLag = -1;
    this.bestCorr = 0;
    this.lockedDelay = -1;
    this.lockedCorr = 0;
    this.confirmed = 0;
  }

  /**
   * One block: far-end power spectrum (newest far block), near-end power spectrum (newest near
   * block), and whether the far end carries signal in this block.
   */
  update(farPower: Float64Array, nearPower: Float64Array, farActive: boolean): void {
    this.blockIndex++;
    if (farActive) this.lastFarActive = this.blockIndex;
    this.head = this.head === this.maxLag ? 0 : this.head + 1;
    if (this.filled <= this.maxLag) this.filled++;
    const base = this.head * BANDS;
    let farE = 0;
    let nearE = 0;
    for (let q = 0; q < BANDS; q++) {
      const fl = Math.log(this.bandPower(farPower, q) + this.farFloor);
      const nl = Math.log(this.bandPower(nearPower, q) + this.nearFloor);
      this.farMean[q] = this.farMean[q]! + MEAN_RATE * (fl - this.farMean[q]!);
      this.nearMean[q] = this.nearMean[q]! + MEAN_RATE * (nl - this.nearMean[q]!);
      const f = fl - this.farMean[q]!;
      const n = nl - this.nearMean[q]!;
      this.farHistory[base + q] = f;
      this.nearFeature[q] = n;
      farE += f * f;
      nearE += n * n;
    }
    this.farHistoryEnergy[this.head] = farE;
    // Only accumulate while some far-end signal is within reach of the lag range: otherwise the
    // near end (the caller alone, or noise) only dilutes every lag alike.
    if (this.blockIndex - this.lastFarActive > this.maxLag) return;
    this.accumulate(nearE);
    this.pickPeak();
  }

  private bandPower(power: Float64Array, q: number): number {
    let s = 0;
    const end = this.bandEnd[q]!;
    for (let k = this.bandStart[q]!; k < end; k++) s += power[k]!;
    return s;
  }

  private accumulate(nearE: number): void {
    const a = this.decay;
    const b = 1 - a;
    const lags = Math.min(this.filled, this.maxLag + 1);
    const nf = this.nearFeature;
    this.nearEnergy = a * this.nearEnergy + b * nearE;
    let slot = this.head;
    for (let lag = 0; lag < lags; lag++) {
      const base = slot * BANDS;
      let dot = 0;
      for (let q = 0; q < BANDS; q++) dot += nf[q]! * this.farHistory[base + q]!;
      this.cross[lag] = a * this.cross[lag]! + b * dot;
      this.farEnergy[lag] = a * this.farEnergy[lag]! + b * this.farHistoryEnergy[slot]!;
      slot = slot === 0 ? this.maxLag : slot - 1;
    }
  }

  private pickPeak(): void {
    const lags = Math.min(this.filled, this.maxLag + 1);
    let best = -1;
    let bestCorr = -Infinity;
    for (let lag = 0; lag < lags; lag++) {
      const den = Math.sqrt(this.nearEnergy * this.farEnergy[lag]!) + 1e-12;
      const c = this.cross[lag]! / den;
      this.corr[lag] = c;
      if (c > bestCorr) {
        bestCorr = c;
        best = lag;
      }
    }
    // Runner-up away from the peak's own lobe.
    let second = -Infinity;
    for (let lag = 0; lag < lags; lag++) {
      if (Math.abs(lag - best) <= 3) continue;
      if (this.corr[lag]! > second) second = this.corr[lag]!;
    }
    this.bestLag = best;
    this.bestCorr = bestCorr;
    if (best < 0 || bestCorr < MIN_CORRELATION || bestCorr - second < MIN_LEAD) {
      this.candidateCount = 0;
      return;
    }
    if (this.candidate >= 0 && Math.abs(best - this.candidate) <= 1) this.candidateCount++;
    else {
      this.candidate = best;
      this.candidateCount = 1;
    }
    if (this.candidateCount === this.stableBlocks) this.confirmed++;
    if (this.candidateCount >= this.stableBlocks) {
      // Written in place (a helper returning the value would box it on every block).
      this.findPeakOffset(best);
      this.lockedDelay = (best + this.peakFrac) * this.blockSamples + this.centreOffset;
      if (this.lockedDelay < 0) this.lockedDelay = 0;
      this.lockedCorr = bestCorr;
    }
  }

  /** Lag (blocks) to delay (samples) with parabolic interpolation around the peak. */
  private lagToSamples(lag: number): number {
    this.findPeakOffset(lag);
    return Math.max(0, (lag + this.peakFrac) * this.blockSamples + this.centreOffset);
  }

  /** Fractional position (−0.5…0.5 blocks) of the correlation peak around `lag` (parabola) into `peakFrac`. */
  private findPeakOffset(lag: number): void {
    this.peakFrac = 0;
    const lags = Math.min(this.filled, this.maxLag + 1);
    if (lag <= 0 || lag >= lags - 1) return;
    const l = this.corr[lag - 1]!;
    const c = this.corr[lag]!;
    const r = this.corr[lag + 1]!;
    const den = l - 2 * c + r;
    if (!(den < 0)) return;
    const frac = (0.5 * (l - r)) / den;
    this.peakFrac = frac < -0.5 ? -0.5 : frac > 0.5 ? 0.5 : frac;
  }
}
