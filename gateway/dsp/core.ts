/**
 * The DSP of every call pinned to one thread (a worker, or the main thread with
 * `gateway.dsp_workers: 0`). Each tick it drains the calls' input rings, resamples to 16 kHz,
 * runs the echo stage against the playout-aligned far end, feeds the cleaned audio back and into
 * the Silero windower, then runs ONE batched inference for all windows due and writes the
 * probabilities to each call's result ring.
 */
import { Resampler } from '../../dsp/resample/index.ts';
import {
  SILERO_INPUT_SAMPLES,
  SILERO_STATE_SIZE,
  SILERO_WINDOW_SAMPLES,
  SileroWindower,
} from '../../dsp/vad/index.ts';
import type { SileroModel } from '../vad/index.ts';
import { createEchoStage, type EchoStage } from './echo-stage.ts';
import { FarTimeline } from './far-timeline.ts';
import { NearClock } from './near-clock.ts';
import { IN_SILENT, RESULT_GATE_OPEN, RESULT_SKIPPED, STAT, slotViews, type SlotViews } from './slot-layout.ts';

/** Windows under this mean square are not worth an inference (−60 dBFS: below telephone line noise). */
const ENERGY_FLOOR = 1e-6;
/**
 * Skipping is only safe outside speech: a quiet window inside a word (a stop consonant) must still
 * go through the model, or the recurrent state misses it and the speech run is cut. A window is
 * skipped only if the previous one was clearly non-speech.
 */
const SKIP_BELOW_PROBABILITY = 0.1;
/** A frame processed more than 60 ms after it arrived is late: one missed tick plus scheduling slack. */
const FRAME_DEADLINE_MS = 60;
/** Windows a call may have waiting for inference; more means the thread is far behind (oldest dropped). */
const MAX_PENDING_WINDOWS = 8;
const FRAME_16K = 320;
/**
 * Most windows per inference (32). onnxruntime keeps the working memory of the largest batch it
 * has run (~0.2 MB per row, for the thread's life); past 32 rows a bigger batch saves under 15 %
 * per row, so more windows run in further rounds of the same tick and that memory stops growing
 * with the number of calls.
 */
const MAX_BATCH_ROWS = 32;
/** Internal pending-window flag: carrier-silent or under the energy floor (skip candidate). */
const QUIET = 0x100;

/** What the main thread tells the DSP thread about a new call. */
export interface SlotConfig {
  readonly slotId: number;
  readonly buffer: SharedArrayBuffer | ArrayBuffer;
  readonly carrierRateHz: number;
  /** Absolute time (ms, `performance.timeOrigin + performance.now()`) of the call clock's zero. */
  readonly epochMs: number;
}

/** Totals of one tick, for metrics and benches. */
export interface TickStats {
  windows: number;
  inferred: number;
  batches: number;
  inferMs: number;
}

class Slot {
  readonly views: SlotViews;
  readonly epochMs: number;
  readonly carrierFrame: number;
  readonly inResampler: Resampler;
  readonly refResampler: Resampler;
  readonly echo: EchoStage;
  readonly timeline = new FarTimeline();
  readonly nearClock = new NearClock();
  readonly windower = new SileroWindower();
  readonly state = new Float32Array(2 * SILERO_STATE_SIZE);
  // 16 kHz FIFO that re-chunks resampled audio into exact 320-sample frames.
  readonly fifo = new Int16Array(FRAME_16K * 4);
  /** The first frame of the FIFO, as a fixed view (no subarray per frame). */
  readonly fifoHead = this.fifo.subarray(0, FRAME_16K);
  fifoLen = 0;
  readonly near = new Int16Array(FRAME_16K);
  readonly far = new Int16Array(FRAME_16K);
  readonly clean = new Int16Array(FRAME_16K);
  readonly scratch: Int16Array;
  readonly refScratch: Int16Array;
  // Windows waiting for inference: model input rows and their facts.
  readonly pending = new Float32Array(MAX_PENDING_WINDOWS * SILERO_INPUT_SAMPLES);
  readonly pendingEnd = new Int32Array(MAX_PENDING_WINDOWS);
  readonly pendingArrival = new Int32Array(MAX_PENDING_WINDOWS);
  readonly pendingFlags = new Int32Array(MAX_PENDING_WINDOWS);
  pendingCount = 0;
  lastArrivalMs = 0;
  lastSilent = false;
  /** Frames since the last window, and how many of them the echo gate let through. */
  gateFrames = 0;
  gateOpen = 0;
  /** Probability of the call's last window (decides whether a quiet window may be skipped). */
  lastProbability = 0;

  constructor(config: SlotConfig, echoCancellation: boolean) {
    this.carrierFrame = config.carrierRateHz / 50;
    this.views = slotViews(config.buffer, this.carrierFrame);
    this.epochMs = config.epochMs;
    this.inResampler = new Resampler(config.carrierRateHz, 16000);
    this.refResampler = new Resampler(config.carrierRateHz, 16000);
    this.scratch = new Int16Array(this.inResampler.maxOutputLength(this.carrierFrame));
    this.refScratch = new Int16Array(this.refResampler.maxOutputLength(this.carrierFrame));
    this.echo = createEchoStage(16000, FRAME_16K, echoCancellation);
  }
}

/**
 * Per-thread DSP: the calls pinned here and one Silero session shared by them.
 * @example
 * const core = new DspCore(await SileroModel.load());
 * core.open({ slotId, buffer, carrierRateHz: 16000, epochMs });
 * await core.tick(); // every 20 ms
 */
export class DspCore {
  readonly #model: SileroModel;
  readonly #slots = new Map<number, Slot>();
  // Batch buffers, for MAX_BATCH_ROWS rows whatever the number of calls.
  readonly #input = new Float32Array(MAX_BATCH_ROWS * SILERO_INPUT_SAMPLES);
  readonly #state = new Float32Array(2 * MAX_BATCH_ROWS * SILERO_STATE_SIZE);
  readonly #plane1 = new Float32Array(MAX_BATCH_ROWS * SILERO_STATE_SIZE);
  readonly #stateOut = new Float32Array(2 * MAX_BATCH_ROWS * SILERO_STATE_SIZE);
  readonly #probs = new Float32Array(MAX_BATCH_ROWS);
  readonly #rows = new Array<Slot>(MAX_BATCH_ROWS);
  readonly #now: () => number;

  readonly #echoCancellation: boolean;

  /**
   * @param echoCancellation run the echo canceller before the VAD (default true; off for VAD-only benches).
   */
  constructor(model: SileroModel, now: () => number = () => performance.timeOrigin + performance.now(), echoCancellation = true) {
    this.#model = model;
    this.#now = now;
    this.#echoCancellation = echoCancellation;
  }

  /** Calls pinned to this thread. */
  get slots(): number {
    return this.#slots.size;
  }

  open(config: SlotConfig): void {
    this.#slots.set(config.slotId, new Slot(config, this.#echoCancellation));
  }

  close(slotId: number): void {
    this.#slots.get(slotId)?.echo.dispose();
    this.#slots.delete(slotId);
  }

  /** Processes everything queued by every call, then runs the due windows, at most 32 per batch, round by round. */
  async tick(): Promise<TickStats> {
    const stats: TickStats = { windows: 0, inferred: 0, batches: 0, inferMs: 0 };
    const now = this.#now();
    for (const slot of this.#slots.values()) this.#drain(slot, now);
    // Rounds: a call with two windows due (a late tick) needs the first one's state for the second.
    for (;;) {
      let rows = 0;
      let due = 0;
      for (const slot of this.#slots.values()) {
        if (slot.pendingCount === 0) continue;
        if (rows === MAX_BATCH_ROWS) break; // the others go in the next round
        due++;
        stats.windows++;
        // Decided here, not when framed: it depends on the previous window's result.
        if ((slot.pendingFlags[0] as number) & QUIET && slot.lastProbability < SKIP_BELOW_PROBABILITY) {
          slot.pendingFlags[0] = ((slot.pendingFlags[0] as number) & ~QUIET) | RESULT_SKIPPED;
          this.#emit(slot, 0);
          Atomics.add(slot.views.stats, STAT.windowsSkipped, 1);
          continue;
        }
        this.#gather(slot, rows++);
      }
      if (due === 0) break;
      if (rows === 0) continue;
      // state is [2, rows, 128]: the second plane starts after `rows` rows of the first.
      copy(this.#state, rows * SILERO_STATE_SIZE, this.#plane1, 0, rows * SILERO_STATE_SIZE);
      const t0 = performance.now();
      await this.#model.infer(rows, this.#input, this.#state, this.#probs, this.#stateOut);
      stats.inferMs += performance.now() - t0;
      stats.batches++;
      stats.inferred += rows;
      this.#scatter(rows);
    }
    return stats;
  }

  #drain(slot: Slot, now: number): void {
    const { views } = slot;
    // Far end first, so the caller frames below find the agent audio that was playing.
    for (let s = views.ref.peek(); s >= 0; s = views.ref.peek()) {
      if (slot.echo.needsReference) {
        const n = slot.refResampler.process(views.ref.frameAt(s), slot.refScratch);
        const late = slot.timeline.write(slot.refScratch, views.ref.metaAt(s, 0), n);
        // Caller frames already processed without this audio.
        if (late > 0) Atomics.add(views.stats, STAT.aecMissed, Math.ceil(late / FRAME_16K));
      }
      views.ref.release();
    }
    let frames = 0;
    for (let s = views.in.peek(); s >= 0; s = views.in.peek()) {
      const arrival = views.in.metaAt(s, 0);
      slot.lastArrivalMs = arrival;
      slot.lastSilent = (views.in.metaAt(s, 1) & IN_SILENT) !== 0;
      if (now - slot.epochMs - arrival > FRAME_DEADLINE_MS) Atomics.add(views.stats, STAT.lateFrames, 1);
      frames++;
      if (slot.carrierFrame === FRAME_16K) {
        // 16 kHz carriers: the ring slot is already the frame (no resampling, no copy).
        this.#frame16k(slot, views.in.frameAt(s));
        views.in.release();
        continue;
      }
      const n = slot.inResampler.process(views.in.frameAt(s), slot.scratch);
      views.in.release();
      const { fifo, scratch, fifoLen } = slot;
      for (let k = 0; k < n; k++) fifo[fifoLen + k] = scratch[k] as number;
      slot.fifoLen += n;
      while (slot.fifoLen >= FRAME_16K) {
        slot.near.set(slot.fifoHead);
        slot.fifo.copyWithin(0, FRAME_16K, slot.fifoLen);
        slot.fifoLen -= FRAME_16K;
        this.#frame16k(slot, slot.near);
      }
    }
    if (frames > 0 && slot.echo.needsReference) {
      Atomics.store(views.stats, STAT.erleCentiDb, Number.isFinite(slot.echo.erleDb) ? Math.round(slot.echo.erleDb * 100) : 0);
      Atomics.store(views.stats, STAT.aecDelayMs, slot.echo.delayMs);
    }
  }

  /** One 16 kHz frame: echo stage, back to the main thread, into the VAD windower. */
  #frame16k(slot: Slot, near: Int16Array): void {
    let clean = near;
    if (slot.echo.needsReference) {
      // Its far end is what played over the frame's 20 ms, on a sample-exact cursor (not the
      // frame's own jittered arrival, which would repeat or skip far samples): see NearClock.
      slot.timeline.read(slot.far, slot.nearClock.next(slot.lastArrivalMs) * 16);
      slot.echo.process(near, slot.far, slot.clean);
      clean = slot.clean;
    }
    slot.gateFrames++;
    if (slot.echo.bargeInAllowed) slot.gateOpen++;
    if (!slot.views.out.push(clean, slot.lastArrivalMs)) Atomics.add(slot.views.stats, STAT.ringDrops, 1);
    slot.windower.push(clean, slot.lastSilent);
    while (slot.windower.ready) {
      if (slot.pendingCount === MAX_PENDING_WINDOWS) this.#dropOldest(slot);
      const i = slot.pendingCount++;
      const info = slot.windower.take(slot.pending, i * SILERO_INPUT_SAMPLES);
      slot.pendingEnd[i] = info.endSample;
      slot.pendingArrival[i] = slot.lastArrivalMs;
      // The window's gate: open if the gate let through at least half of its frames.
      let flags = slot.gateOpen * 2 >= slot.gateFrames ? RESULT_GATE_OPEN : 0;
      slot.gateFrames = 0;
      slot.gateOpen = 0;
      slot.pendingFlags[i] = flags;
      if (info.carrierSilent || info.power < ENERGY_FLOOR) slot.pendingFlags[i] = flags | QUIET;
    }
  }

  #dropOldest(slot: Slot): void {
    Atomics.add(slot.views.stats, STAT.lateFrames, 2); // a dropped window is ~two frames
    this.#shift(slot);
  }

  /** Copies a call's oldest pending window and state into batch row `row` (rows ≤ calls ≤ capacity). */
  #gather(slot: Slot, row: number): void {
    copy(this.#input, row * SILERO_INPUT_SAMPLES, slot.pending, 0, SILERO_INPUT_SAMPLES);
    copy(this.#state, row * SILERO_STATE_SIZE, slot.state, 0, SILERO_STATE_SIZE);
    copy(this.#plane1, row * SILERO_STATE_SIZE, slot.state, SILERO_STATE_SIZE, SILERO_STATE_SIZE);
    this.#rows[row] = slot;
  }

  #scatter(rows: number): void {
    for (let row = 0; row < rows; row++) {
      const slot = this.#rows[row] as Slot;
      // The output state has the batch's own size: plane stride is `rows`, not the capacity.
      copy(slot.state, 0, this.#stateOut, row * SILERO_STATE_SIZE, SILERO_STATE_SIZE);
      copy(slot.state, SILERO_STATE_SIZE, this.#stateOut, (rows + row) * SILERO_STATE_SIZE, SILERO_STATE_SIZE);
      Atomics.add(slot.views.stats, STAT.windowsInferred, 1);
      this.#emit(slot, this.#probs[row] as number);
    }
  }

  /** Writes the oldest pending window's result and removes it. */
  #emit(slot: Slot, probability: number): void {
    slot.lastProbability = probability;
    const flags = (slot.pendingFlags[0] as number) & ~QUIET;
    const ok = slot.views.results.push(null, Math.round(probability * 1e6), slot.pendingEnd[0] as number, slot.pendingArrival[0] as number, flags);
    if (!ok) Atomics.add(slot.views.stats, STAT.ringDrops, 1);
    this.#shift(slot);
  }

  #shift(slot: Slot): void {
    const n = --slot.pendingCount;
    if (n === 0) return;
    slot.pending.copyWithin(0, SILERO_INPUT_SAMPLES, (n + 1) * SILERO_INPUT_SAMPLES);
    slot.pendingEnd.copyWithin(0, 1, n + 1);
    slot.pendingArrival.copyWithin(0, 1, n + 1);
    slot.pendingFlags.copyWithin(0, 1, n + 1);
  }
}

/** Copies `n` values from `src[from…]` to `dst[to…]`: a loop, not `set(subarray)`, so no view per copy (hot path). */
function copy(dst: Float32Array, to: number, src: Float32Array, from: number, n: number): void {
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i] as number;
}
