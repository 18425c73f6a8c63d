/**
 * Drift-free frame pacing for many synthetic callers on one timer: each stream's frame `n` is due
 * at `start + n·frameMs` (never "previous + frameMs", which drifts by every timer's lateness), and
 * a late wake-up catches up by sending every frame already due.
 */

/** Time source and timer (injectable for tests). */
export interface PacerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Real time: `performance.now()` and Node timers. */
export const realClock: PacerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Called for each frame: its index from 0, when it was due and when it is actually sent. */
export type FrameCallback = (index: number, dueAtMs: number, nowMs: number) => void;

/** A stream registered with the pacer. */
export interface PacedStream {
  /** Stops the stream; idempotent. */
  stop(): void;
}

interface Entry {
  due: number;
  index: number;
  readonly start: number;
  readonly onFrame: FrameCallback;
  stopped: boolean;
}

/** Lateness statistics over every frame sent. */
export interface PacerStats {
  readonly frames: number;
  /** Frames sent more than one frame period after they were due. */
  readonly framesLate: number;
  readonly maxLateMs: number;
  /** Recent lateness samples (ms), newest last, at most {@link LATENESS_SAMPLES}. */
  readonly lateness: Float64Array;
}

/** Lateness samples kept for percentiles (a ring: 2¹⁶ frames ≈ 6.5 s of 200 callers). */
export const LATENESS_SAMPLES = 65_536;

/**
 * One timer for all streams; a binary heap orders them by next due time.
 * @example
 * const pacer = new FramePacer();
 * const s = pacer.add(performance.now(), (n, due) => sendFrame(n));
 * …; s.stop(); pacer.close();
 */
export class FramePacer {
  readonly frameMs: number;
  readonly #clock: PacerClock;
  readonly #heap: Entry[] = [];
  #timer: unknown;
  #timerDue = Number.POSITIVE_INFINITY;
  #closed = false;
  #frames = 0;
  #late = 0;
  #maxLate = 0;
  readonly #lateness = new Float64Array(LATENESS_SAMPLES);

  constructor(options: { frameMs?: number; clock?: PacerClock } = {}) {
    this.frameMs = options.frameMs ?? 20;
    this.#clock = options.clock ?? realClock;
  }

  /**
   * Registers a stream whose frame 0 is due at `startAtMs`; frame `n` at `startAtMs + n·frameMs`.
   * A callback that throws stops its own stream only.
   */
  add(startAtMs: number, onFrame: FrameCallback): PacedStream {
    if (this.#closed) throw new Error('pacer is closed');
    const entry: Entry = { due: startAtMs, index: 0, start: startAtMs, onFrame, stopped: false };
    this.#push(entry);
    this.#arm();
    return {
      stop: () => {
        entry.stopped = true;
      },
    };
  }

  /** Lateness statistics so far. */
  stats(): PacerStats {
    const n = Math.min(this.#frames, LATENESS_SAMPLES);
    const out = new Float64Array(n);
    const head = this.#frames % LATENESS_SAMPLES;
    for (let i = 0; i < n; i++) out[i] = this.#lateness[(head - n + i + LATENESS_SAMPLES) % LATENESS_SAMPLES]!;
    return { frames: this.#frames, framesLate: this.#late, maxLateMs: this.#maxLate, lateness: out };
  }

  /** Number of running streams. */
  get size(): number {
    return this.#heap.reduce((n, e) => n + (e.stopped ? 0 : 1), 0);
  }

  /** Stops every stream and the timer; idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const e of this.#heap) e.stopped = true;
    this.#heap.length = 0;
  }

  #arm(): void {
    const top = this.#heap[0];
    if (this.#closed || top === undefined) return;
    if (this.#timer !== undefined && this.#timerDue <= top.due) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerDue = top.due;
    this.#timer = this.#clock.setTimeout(() => this.#wake(), Math.max(0, top.due - this.#clock.now()));
  }

  #wake(): void {
    this.#timer = undefined;
    this.#timerDue = Number.POSITIVE_INFINITY;
    const now = this.#clock.now();
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.due > now) break;
      this.#pop();
      if (top.stopped) continue;
      const late = now - top.due;
      this.#lateness[this.#frames % LATENESS_SAMPLES] = late;
      this.#frames++;
      if (late > this.frameMs) this.#late++;
      if (late > this.#maxLate) this.#maxLate = late;
      try {
        top.onFrame(top.index, top.due, now);
      } catch {
        top.stopped = true;
      }
      if (top.stopped || this.#closed) continue;
      top.index++;
      top.due = top.start + top.index * this.frameMs;
      this.#push(top);
    }
    this.#arm();
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.due <= e.due) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = e;
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && h[r]!.due < h[l]!.due ? r : l;
      if (h[c]!.due >= last.due) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
