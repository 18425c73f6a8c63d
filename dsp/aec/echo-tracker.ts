/**
 * The canceller's running judgement of the call: double talk, convergence, ERLE, the delay it
 * reports, and the per-frame energies the barge-in gate needs.
 */

// Smoothing of the linear ERLE used for the convergence decision (≈ 0.5 s of far-end-only blocks)
// and of the reported output ERLE (≈ 1 s).
const LINEAR_MEMORY_BLOCKS = 50;
const OUTPUT_MEMORY_BLOCKS = 100;
// Converged when the linear filter removes 10 dB of echo; lost again below 5 dB (hysteresis).
const CONVERGED_DB = 10;
const LOST_DB = 5;
// Double-talk decisions are held for 50 ms: speech does not stop between two 10 ms blocks.
const HANG_BLOCKS = 5;
// "Double talk" in more than 90 % of the echo blocks of the last ≈ 2 s (leaky average) is an echo
// path change rather than a caller: a caller who talks over the agent stops it (barge-in).
const DUTY_RATE = 1 / 200;
const DUTY_PATH_CHANGE = 0.9;
// Echo gain (near over loudest far block in the delay range) is tracked as a running median, in
// natural-log steps of 0.05 (≈ 0.2 dB) per far-end block: it follows a change of 20 dB in ≈ 1 s, and
// the caller talking over the agent part of the time does not move a median much.
const GAIN_STEP = 0.05;
// The median is trusted after 2 s of far-end signal; until then the echo is assumed as loud as the
// far end. The prediction uses 4× (6 dB over) the median: echo levels spread around it.
const GAIN_BLOCKS = 200;
const GAIN_SAFETY = 4;

/**
 * State machine and statistics shared by the canceller's blocks.
 *
 * @example
 * tracker.updateDoubleTalk(echoExpected, rawDecision);
 * tracker.blockIn.set(blockSums); tracker.block(farActive, nearSpeech);
 */
export class EchoTracker {
  private readonly sampleRateHz: number;
  private readonly B: number;
  private linD = 0;
  private linE = 0;
  private outD = 0;
  private outO = 0;
  private isConverged = false;
  private everConverged = false;
  private dt = false;
  private hang = 0;
  private dtDuty = 0;
  private gainBlocks = 0;
  private logGain = 0;
  private isFarActive = false;
  private delaySamples = -1;
  private accOut = 0;
  private accEcho = 0;
  private accPred = 0;
  /** Mean square of the last frame's output. */
  frameOutput = 0;
  /** Mean square of the last frame's linear echo estimate. */
  frameEcho = 0;
  /** Mean square of the echo predicted to remain in the last frame's output. */
  framePrediction = 0;

  constructor(sampleRateHz: number, blockSamples: number) {
    this.sampleRateHz = sampleRateHz;
    this.B = blockSamples;
  }

  /** See {@link EchoCanceller.converged}. */
  get converged(): boolean {
    return this.isConverged;
  }

  /** Near-end speech over the echo (with hangover). */
  get doubleTalk(): boolean {
    return this.dt;
  }

  /** Adaptation must stop for this block. */
  get freezeAdaptation(): boolean {
    return this.dt;
  }

  /** Aligned far end active in the last block. */
  get farActive(): boolean {
    return this.isFarActive;
  }

  /** Echo path known earlier in the call, not now. */
  get alignmentLost(): boolean {
    return this.everConverged && !this.isConverged;
  }

  /** Output ERLE, dB (NaN before any far-end-only block). */
  get erleDb(): number {
    return this.outD > 0 && this.outO > 0 ? 10 * Math.log10(this.outD / this.outO) : Number.NaN;
  }

  /** Linear-filter ERLE, dB (NaN before any far-end-only block). */
  get linearErleDb(): number {
    return this.linD > 0 && this.linE > 0 ? 10 * Math.log10(this.linD / this.linE) : Number.NaN;
  }

  /** Reported delay, ms, or −1. */
  get delayMs(): number {
    return this.delaySamples < 0 ? -1 : (this.delaySamples * 1000) / this.sampleRateHz;
  }

  /** Sets the reported delay (samples). */
  setDelaySamples(samples: number): void {
    this.delaySamples = samples;
  }

  /** New call. */
  reset(): void {
    this.linD = this.linE = this.outD = this.outO = 0;
    this.isConverged = this.everConverged = this.dt = this.isFarActive = false;
    this.hang = this.dtDuty = this.gainBlocks = this.logGain = 0;
    this.delaySamples = -1;
    this.accOut = this.accEcho = this.accPred = 0;
    this.frameOutput = this.frameEcho = this.framePrediction = 0;
  }

  /** The echo path changed: the filter no longer models it (and may be realigned). */
  pathChanged(): void {
    this.isConverged = false;
    this.dtDuty = 0;
    this.dt = false;
    this.hang = 0;
    this.linD = this.linE = 0;
  }

  /**
   * Double-talk state for this block from the block's raw decision (made by the canceller: near-end
   * speech evidence once converged, the near end louder than the far end before). Held for 50 ms;
   * persistent "double talk" is taken for an echo path change.
   */
  updateDoubleTalk(echoExpected: boolean, raw: boolean): void {
    if (echoExpected && raw) this.hang = HANG_BLOCKS;
    else if (this.hang > 0) this.hang--;
    this.dt = this.hang > 0;
    if (!echoExpected || !this.isConverged) return;
    this.dtDuty += DUTY_RATE * ((this.dt ? 1 : 0) - this.dtDuty);
    if (this.dtDuty > DUTY_PATH_CHANGE) this.pathChanged();
  }

  /** Starts a frame's energy sums. */
  beginFrame(): void {
    this.accOut = this.accEcho = this.accPred = 0;
  }

  /** Ends a frame of `samples` samples: per-frame mean squares. */
  endFrame(samples: number): void {
    this.frameOutput = this.accOut / samples;
    this.frameEcho = this.accEcho / samples;
    this.framePrediction = this.accPred / samples;
  }

  /**
   * Block statistics: sums of near², linear error², output², echo estimate² over the block, the
   * predicted echo fraction of the output, the loudest far block within the delay range, and
   * whether the block shows any near-end speech evidence.
   */
  /** Inputs of {@link block}, written in place by the caller (a hand-off that boxes no numbers). */
  readonly blockIn = new Float64Array(6);

  block(farActive: boolean, nearSpeech: boolean): void {
    const input = this.blockIn;
    const sd = input[0]!;
    const se = input[1]!;
    const so = input[2]!;
    const sy = input[3]!;
    const echoFraction = input[4]!;
    const farMaxMs = input[5]!;
    this.isFarActive = farActive;
    this.accOut += so;
    this.accEcho += sy;
    let pred = echoFraction * so;
    if (farActive && farMaxMs > 0) {
      const x = Math.log((sd / this.B + 1e-15) / farMaxMs);
      this.logGain += x > this.logGain ? GAIN_STEP : -GAIN_STEP;
      this.gainBlocks++;
    }
    if (!this.isConverged) {
      // The filter does not model the echo (yet): predict it from the far end's level.
      const gain = this.gainBlocks < GAIN_BLOCKS ? 1 : Math.min(1, GAIN_SAFETY * Math.exp(this.logGain));
      pred = Math.max(pred, gain * farMaxMs * this.B);
    }
    this.accPred += pred;
    // ERLE is measured on far-end-only blocks: no double talk, and not even a hint of near-end speech
    // (a caller the detector missed would look like a filter that stopped cancelling).
    if (!farActive || this.dt || nearSpeech) return;
    const a = 1 / LINEAR_MEMORY_BLOCKS;
    this.linD += a * (sd - this.linD);
    this.linE += a * (se - this.linE);
    const b = 1 / OUTPUT_MEMORY_BLOCKS;
    this.outD += b * (sd - this.outD);
    this.outO += b * (so - this.outO);
    const lin = this.linearErleDb;
    if (!this.isConverged && lin >= CONVERGED_DB) {
      this.isConverged = true;
      this.everConverged = true;
    } else if (this.isConverged && lin < LOST_DB) {
      this.isConverged = false;
    }
  }
}
