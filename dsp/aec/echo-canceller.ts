/**
 * Acoustic and line echo canceller for phone calls: bulk delay estimation (up to 1 s and more),
 * a two-path frequency-domain partitioned block adaptive filter over the aligned far end, a
 * residual echo suppressor, double-talk and far-end-silence adaptation freezes, and ERLE tracking.
 *
 * Blocks are 10 ms (160 samples at 16 kHz, 80 at 8 kHz); a 20 ms gateway frame is two blocks, so
 * the canceller adds no buffering delay of its own, only the suppressor's 2.5 ms overlap.
 */
import { DelayEstimator } from './delay-estimator.ts';
import { EchoPathFilter } from './echo-path-filter.ts';
import { FAR_IDLE_MS } from './far-history.ts';
import { EchoTracker } from './echo-tracker.ts';
import { RealFft } from './fft.ts';
import { ResidualEchoSuppressor, type SuppressorMode } from './suppressor.ts';
import { KernelArena, type ArenaRegion } from './wasm/arena.ts';
import { simdRealFft } from './wasm/simd-fft.ts';

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
  /**
   * Adaptive-filter kernels: `simd` (WebAssembly, the default where the runtime has it) or `scalar`
   * (plain JavaScript). Both give bit-identical output; `simd` is several times faster.
   */
  readonly kernels?: 'simd' | 'scalar';
}

// A canceller dropped without dispose() gives its arena block back when it is collected.
const regions = new FinalizationRegistry<ArenaRegion>((region) => region.release());

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

// A new lag must correlate at least this well to be taken for a new echo path.
const PATH_CHANGE_CORRELATION = 0.3;
const PATH_CHANGE_LEAD = 0.1;
const SPEECH_SHARE = 0.3;

type Mode = { -readonly [K in keyof SuppressorMode]: SuppressorMode[K] };

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
  private readonly P: number;
  private readonly maxLag: number;
  private readonly suppression: boolean;
  private readonly epf: EchoPathFilter;
  private readonly delay: DelayEstimator;
  private readonly sup: ResidualEchoSuppressor;
  private readonly tracker: EchoTracker;
  private readonly farBlk: Float64Array;
  private readonly nearBlk: Float64Array;
  private readonly outBlk: Float64Array;
  private readonly probeBlk: Float64Array;
  private readonly region: ArenaRegion | null;
  private readonly mode: Mode = { farActive: false, doubleTalk: false, learn: false };
  private realigns = 0;
  private blocks = 0;
  private idle = false;
  private seenConfirmations = 0;
  private nearMs = 0;

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
    this.P = Math.ceil(tailMs / (BLOCK_SECONDS * 1000)) + PRE_MARGIN_BLOCKS;
    this.filterSamples = this.P * B;
    this.maxLag = Math.ceil(maxDelayMs / (BLOCK_SECONDS * 1000)) + 1;
    this.suppression = options.suppression ?? true;
    const slots = this.maxLag + this.P + 2;
    const arena = options.kernels === 'scalar' ? null : KernelArena.forThisThread();
    let fft: RealFft;
    if (arena === null) {
      fft = new RealFft(2 * B);
      this.region = null;
      this.epf = new EchoPathFilter(B, this.P, slots, fs, fft);
    } else {
      fft = simdRealFft(arena, 2 * B);
      this.region = arena.region(EchoPathFilter.regionBytes(B, this.P, slots));
      this.epf = new EchoPathFilter(B, this.P, slots, fs, fft, arena.kernels, this.region);
      regions.register(this, this.region, this);
    }
    this.sup = new ResidualEchoSuppressor(B, fs, fft);
    this.latencySamples = this.suppression ? this.sup.latencySamples : 0;
    // Near-end features come from the suppressor's analysis window, far-end ones from the
    // rectangular 2B frame (energy centre B): correct for the difference of their centres.
    this.delay = new DelayEstimator({ sampleRateHz: fs, blockSamples: B, bins: B + 1, maxLagBlocks: this.maxLag, centreOffsetSamples: this.sup.analysisCentre - (B - 0.5) });
    this.tracker = new EchoTracker(fs, B);
    this.farBlk = new Float64Array(B);
    this.nearBlk = new Float64Array(B);
    this.outBlk = new Float64Array(B);
    this.probeBlk = new Float64Array(B);
  }

  /** True when the adaptive filter runs on the SIMD kernels. */
  get simd(): boolean {
    return this.region !== null;
  }

  /**
   * Gives the canceller's kernel memory back (the call is over). Idempotent; the canceller must not
   * be used afterwards.
   */
  dispose(): void {
    if (this.region === null) return;
    regions.unregister(this);
    this.region.release();
  }

  /** Smoothed echo return loss enhancement of the output (suppressor included), dB, over far-end-only periods; NaN before any. */
  get erleDb(): number {
    return this.tracker.erleDb;
  }

  /** Smoothed ERLE of the linear filter alone, dB; NaN before any far-end-only period. */
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

  /** The far end's echo is expected in the last block (far-end signal within the filter window). */
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
    return this.epf.restartCount;
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
   * Mean square of the echo predicted to remain in the last output frame. While the filter does not
   * model the echo path, it is the loudest far-end level within the delay range times the echo
   * gain seen so far (near over far, running median, 6 dB up; 0 dB for the first 2 s of far-end
   * signal), so that an echo the filter has not learned yet is never taken for the caller, and a
   * call without echo soon lets the caller through.
   */
  get echoPredictionEnergy(): number {
    return this.tracker.framePrediction;
  }

  /** Back to the state of a new call. */
  reset(): void {
    this.epf.reset();
    this.delay.reset();
    this.sup.reset();
    this.tracker.reset();
    this.realigns = 0;
    this.blocks = 0;
    this.idle = false;
    this.seenConfirmations = 0;
  }

  /**
   * Cancels the echo of `far` in `near` into `out` (all `frameSamples` long; `out` may be `near`).
   * Int16 and Float32 may be mixed; floats are full scale 1 (non-finite samples are taken as 0).
   * `out` lags `near` by {@link latencySamples}. Allocates nothing.
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
      let ne = 0;
      for (let i = 0; i < B; i++) {
        // A NaN or infinity (a broken decoder upstream) would poison the filters for the rest of
        // the call: such samples count as silence (x − x is 0 only for finite x).
        let v = near[start + i]! * nearScale;
        if (v - v !== 0) v = 0;
        let x = far[start + i]! * farScale;
        if (x - x !== 0) x = 0;
        this.nearBlk[i] = v;
        this.farBlk[i] = x;
        ne += v * v;
      }
      this.nearMs = ne / B;
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
    if (taps.linear !== undefined) for (let i = 0; i < B; i++) taps.linear[start + i] = this.epf.ef[i]!;
    if (taps.probe !== undefined && taps.probeOut !== undefined) {
      for (let i = 0; i < B; i++) this.probeBlk[i] = taps.probe[start + i]!;
      if (this.suppression && this.idle) this.sup.bypassProbe(this.probeBlk, this.probeBlk, 0);
      else if (this.suppression) this.sup.applyProbe(this.probeBlk, this.probeBlk, 0);
      for (let i = 0; i < B; i++) taps.probeOut[start + i] = this.probeBlk[i]!;
    }
  }

  private processBlock(): void {
    this.blocks++;
    const epf = this.epf;
    const farRawActive = epf.history.push(this.farBlk, FAR_ACTIVE_MS);
    // Nothing the far end sent within the delay range and tail: no echo can arrive, skip the work.
    this.idle = epf.history.maxAllMs < FAR_IDLE_MS;
    if (this.idle) {
      this.idleBlock();
      return;
    }
    this.realign();
    epf.locate();
    const farActive = epf.alignedMs > FAR_ACTIVE_MS;
    const echoExpected = epf.windowMaxMs > FAR_ACTIVE_MS;
    epf.adaptPending();
    epf.filter(this.nearBlk);
    const t = this.tracker;
    const sup = this.sup;
    sup.analyze(epf.ef, epf.yf);
    // Double talk: once converged, bins that look like near-end speech (the suppressor's evidence)
    // carry 30 % of the error's power (a lone noise bin or a burst of residual echo does not);
    // before, the near end is louder than any far-end block that can still echo (an echo path
    // never amplifies).
    const raw = t.converged ? sup.nearSpeechSum > SPEECH_SHARE * sup.errorSum && sup.errorSum > 0 : this.nearMs > epf.windowMaxMs;
    t.updateDoubleTalk(echoExpected, raw);
    if (this.suppression) {
      this.mode.farActive = echoExpected;
      this.mode.doubleTalk = t.doubleTalk;
      this.mode.learn = t.converged;
      sup.apply(this.mode, this.outBlk, 0);
    } else {
      this.outBlk.set(epf.ef);
    }
    // The delay estimator looks at the near end itself: the echo stays there whatever the filter
    // does, so the caller talking over it cannot pull the estimate away; a new echo path moves it.
    this.delay.update(epf.history.power, sup.nearPower, farRawActive);
    this.checkPathChange();
    epf.prepareStep(!farActive || t.freezeAdaptation);
    this.trackStats(echoExpected);
  }

  private idleBlock(): void {
    const epf = this.epf;
    for (let i = 0; i < this.B; i++) {
      epf.ef[i] = this.nearBlk[i]!;
      epf.yf[i] = 0;
    }
    epf.invalidateSpan();
    epf.prepareStep(true);
    if (this.suppression) this.sup.bypass(epf.ef, this.outBlk, 0);
    else this.outBlk.set(epf.ef);
    this.tracker.updateDoubleTalk(false, false);
    this.trackStats(false);
  }

  /** Moves the filter window to the delay estimate when the filter does not hold the echo. */
  private realign(): void {
    if (!this.delay.locked || this.tracker.converged) return;
    const est = this.delay.delaySamples;
    const B = this.B;
    const off = this.epf.offset;
    const target = Math.min(this.maxLag, Math.max(0, Math.floor(est / B) - PRE_MARGIN_BLOCKS));
    if (target === off) return;
    const inside = est >= (off + 1) * B && est < (off + this.P - 3) * B;
    if (inside && Math.abs(target - off) < 2) return;
    this.epf.align(target);
    this.realigns++;
  }

  /**
   * A newly confirmed echo lag in the residual, away from the echo the converged filter models,
   * means the echo path changed (a transfer, a new call leg, the caller moving to speakerphone).
   */
  private checkPathChange(): void {
    const confirmations = this.delay.confirmations;
    if (confirmations === this.seenConfirmations) return;
    this.seenConfirmations = confirmations;
    if (!this.tracker.converged) return;
    const est = this.delay.delaySamples;
    const modelled = this.epf.peakTap();
    if (Math.abs(est - modelled) <= 2 * this.B || this.delay.confidence < PATH_CHANGE_CORRELATION) return;
    // The new lag must also beat the modelled one clearly: the caller's speech can raise a chance
    // peak, but the echo the filter models stays in the near end and keeps its own correlation.
    if (this.delay.confidence > this.delay.correlationAt(modelled) + PATH_CHANGE_LEAD) this.tracker.pathChanged();
  }

  private trackStats(echoExpected: boolean): void {
    const t = this.tracker;
    const epf = this.epf;
    let sd = 0;
    let se = 0;
    let so = 0;
    let sy = 0;
    for (let i = 0; i < this.B; i++) {
      sd += this.nearBlk[i]! * this.nearBlk[i]!;
      se += epf.ef[i]! * epf.ef[i]!;
      so += this.outBlk[i]! * this.outBlk[i]!;
      sy += epf.yf[i]! * epf.yf[i]!;
    }
    const fraction = this.suppression ? this.sup.echoFraction : se > 0 ? Math.min(4, sy / se) : 0;
    const nearSpeech = !this.idle && (t.converged ? this.sup.nearSpeechSum > 0 : this.nearMs > epf.windowMaxMs);
    const b = t.blockIn;
    b[0] = sd;
    b[1] = se;
    b[2] = so;
    b[3] = sy;
    b[4] = fraction;
    b[5] = epf.history.maxAllMs;
    t.block(echoExpected, nearSpeech);
    // The reported delay is the filter's: the envelope estimate alone can lock on a chance
    // correlation when there is no echo at all.
    if (t.converged && this.blocks % 50 === 0) t.setDelaySamples(epf.peakTap());
  }
}
