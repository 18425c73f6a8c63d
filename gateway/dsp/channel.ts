/**
 * The main-thread end of one call's DSP slot: pushes caller audio and the agent reference into
 * the slot's rings, and after each DSP tick hands back the cleaned 16 kHz audio and the VAD
 * window results.
 */
import { IN_SILENT, RESULT_GATE_OPEN, RESULT_SKIPPED, STAT, slotByteLength, slotViews, type SlotViews } from './slot-layout.ts';

/** Receives a call's DSP output (called on the main thread after each tick). */
export interface DspListener {
  /** 16 kHz caller audio after echo cancellation (a view: copy if kept). */
  onAudio(pcm16k: Int16Array, arrivalMs: number): void;
  /** One VAD window: probability, media end (ms), arrival (call clock ms), gate and skip flags. */
  onWindow(probability: number, mediaEndMs: number, arrivalMs: number, gateOpen: boolean, skipped: boolean): void;
}

/** Cumulative DSP counters of a call. */
export interface DspCounters {
  lateFrames: number;
  /** Caller frames the DSP thread never got (its input ring was full): echo cancellation missed them. */
  inDrops: number;
  aecDropped: number;
  aecMissed: number;
  ringDrops: number;
  windowsInferred: number;
  windowsSkipped: number;
  erleDb: number;
  aecDelayMs: number;
}

/** One call's DSP slot, main-thread side. */
export class DspChannel {
  readonly slotId: number;
  readonly buffer: SharedArrayBuffer;
  readonly carrierRateHz: number;
  readonly epochMs: number;
  readonly #views: SlotViews;
  readonly #frameSamples: number;
  listener: DspListener | undefined;
  #detached = false;
  readonly #onDetach: (channel: DspChannel) => void;

  constructor(slotId: number, carrierRateHz: number, epochMs: number, onDetach: (channel: DspChannel) => void) {
    this.slotId = slotId;
    this.carrierRateHz = carrierRateHz;
    this.epochMs = epochMs;
    this.#frameSamples = carrierRateHz / 50;
    this.buffer = new SharedArrayBuffer(slotByteLength(this.#frameSamples));
    this.#views = slotViews(this.buffer, this.#frameSamples);
    Atomics.store(this.#views.stats, STAT.aecDelayMs, -1); // unknown until an echo canceller estimates it
    this.#onDetach = onDetach;
  }

  /** Samples per inbound frame (20 ms at the carrier rate). */
  get frameSamples(): number {
    return this.#frameSamples;
  }

  /** Queues one 20 ms caller frame. False (and counted) if the DSP thread is too far behind. */
  pushAudio(frame: Int16Array, arrivalMs: number, silent: boolean): boolean {
    if (this.#detached) return false;
    return this.#views.in.push(frame, Math.round(arrivalMs), silent ? IN_SILENT : 0);
  }

  /** Queues the agent audio just sent (carrier rate) with its playout start on the call clock. */
  pushReference(pcm: Int16Array, playStartMs: number): boolean {
    if (this.#detached) return false;
    return this.#views.ref.push(pcm, Math.round(playStartMs * 16));
  }

  /** Hands everything the DSP thread produced to the listener. */
  deliver(): void {
    const l = this.listener;
    const { out, results } = this.#views;
    for (let s = out.peek(); s >= 0; s = out.peek()) {
      l?.onAudio(out.frameAt(s), out.metaAt(s, 0));
      out.release();
    }
    for (let s = results.peek(); s >= 0; s = results.peek()) {
      const flags = results.metaAt(s, 3);
      const prob = results.metaAt(s, 0) / 1e6;
      const endMs = results.metaAt(s, 1) / 16;
      const arrival = results.metaAt(s, 2);
      results.release();
      l?.onWindow(prob, endMs, arrival, (flags & RESULT_GATE_OPEN) !== 0, (flags & RESULT_SKIPPED) !== 0);
    }
  }

  /** Cumulative counters (read from shared memory). */
  counters(): DspCounters {
    const st = this.#views.stats;
    const erle = Atomics.load(st, STAT.erleCentiDb);
    return {
      lateFrames: Atomics.load(st, STAT.lateFrames),
      inDrops: this.#views.in.dropped,
      aecDropped: Atomics.load(st, STAT.aecDropped) + this.#views.in.dropped,
      aecMissed: Atomics.load(st, STAT.aecMissed),
      ringDrops: Atomics.load(st, STAT.ringDrops) + this.#views.ref.dropped,
      windowsInferred: Atomics.load(st, STAT.windowsInferred),
      windowsSkipped: Atomics.load(st, STAT.windowsSkipped),
      erleDb: erle === 0 ? Number.NaN : erle / 100,
      aecDelayMs: Atomics.load(st, STAT.aecDelayMs),
    };
  }

  /** Releases the slot (the DSP thread forgets the call). Idempotent. */
  detach(): void {
    if (this.#detached) return;
    this.#detached = true;
    this.listener = undefined;
    this.#onDetach(this);
  }

  get detached(): boolean {
    return this.#detached;
  }
}
