/**
 * Where each 16 kHz caller frame sits on the call clock, for reading its far end. The caller's
 * audio is a contiguous sample stream, but frames *arrive* with jitter (network, event loop, the
 * integer-ms arrival stamp): reading the far end at each frame's own arrival time repeats or skips
 * a few samples per frame, and a far end that is not contiguous defeats the echo canceller (its
 * adaptive filter and delay estimator need the same sample-exact relation to the echo every frame).
 *
 * So the far end is read on a sample-exact cursor: frame k starts at `anchor + 20·k` ms, where the
 * anchor is the earliest arrival seen (arrival = ideal time + lateness ≥ 0). The anchor only moves
 * for real changes: earlier at once when a frame arrives clearly early (start-up lateness), later
 * when every frame of a 2 s window came in late (caller clock slower than ours, lost frames).
 */

/** Frames per anchor-check window (2 s): long enough to contain an on-time frame under load. */
const WINDOW_FRAMES = 100;
/** Arrival stamps are whole ms, so ±1 ms is noise; move earlier only beyond 2 ms. */
const EARLIER_MS = 2;
/** Move later only when a whole window was ≥ 4 ms late (a slow drift or a gap, not jitter). */
const LATER_MS = 4;
const FRAME_MS = 20;

/** Maps caller frames (in order) to a jitter-free position on the call clock. */
export class NearClock {
  #frames = 0;
  #anchorMs = Number.NaN;
  #windowMinMs = Number.POSITIVE_INFINITY;
  #windowFrames = 0;
  #reanchors = 0;

  /**
   * Takes the next 20 ms frame's arrival (call clock, ms; stamped when its last sample arrived)
   * and returns the call-clock time (ms) at which the frame started: the frame's far end is
   * what played from there for 20 ms.
   */
  next(arrivalMs: number): number {
    const k = this.#frames++;
    const offset = arrivalMs - FRAME_MS * k;
    if (Number.isNaN(this.#anchorMs)) this.#anchorMs = offset;
    else if (offset < this.#anchorMs - EARLIER_MS) this.#move(offset);
    if (offset < this.#windowMinMs) this.#windowMinMs = offset;
    if (++this.#windowFrames === WINDOW_FRAMES) {
      if (this.#windowMinMs > this.#anchorMs + LATER_MS) this.#move(this.#windowMinMs);
      this.#windowMinMs = Number.POSITIVE_INFINITY;
      this.#windowFrames = 0;
    }
    return this.#anchorMs + FRAME_MS * k - FRAME_MS;
  }

  /** Times the anchor moved (each is a step in the far end the canceller re-aligns to). */
  get reanchors(): number {
    return this.#reanchors;
  }

  #move(offsetMs: number): void {
    this.#anchorMs = offsetMs;
    this.#reanchors++;
  }
}
