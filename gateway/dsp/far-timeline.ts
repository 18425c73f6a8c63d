/**
 * The far end (agent audio) laid on the call clock at 16 kHz, so the echo canceller gets, for
 * each caller frame, the agent audio that was playing when that frame arrived. Positions are
 * absolute 16 kHz sample indices of the call clock; blocks never written read as silence.
 */

const BLOCK = 160; // 10 ms
/**
 * 1 s. A frame's far end is read at the frame's own start; the echo delay (up to 1 s) and tail are
 * the canceller's own far history, not this. Here, far audio is laid down at most the pacer's
 * 100 ms lead ahead of the clock, and read for caller frames trailing the clock by at most the
 * input ring (640 ms) plus the frame itself (20 ms): 760 ms apart at most, 1 s leaves a margin.
 */
const BLOCKS = 100;

/** Far-end audio indexed by call-clock sample. */
export class FarTimeline {
  readonly #pcm = new Int16Array(BLOCK * BLOCKS);
  /** Absolute block index last written into each block slot (-1: never). */
  readonly #stamp = new Int32Array(BLOCKS).fill(-1);
  /** Next absolute sample a contiguous write continues at. */
  #writePos = -1;
  /** One past the last sample ever written (-1: none). */
  #coveredUntil = -1;
  /** One past the last sample ever read (-1: none). */
  #readUntil = -1;

  /**
   * Lays `pcm` from `startSample` on, or right after the previous write if it starts within
   * 1 ms of where that one ended (frames resampled one by one drift by a sample or two).
   * Returns how many of its samples came too late: already read (as silence) for a caller frame,
   * whose echo was then cancelled without them. A reference merely ending (the agent stopped)
   * is not late: only audio that does arrive for a span already read counts. `length` takes a
   * prefix of `pcm` (a reused buffer), without a view per frame.
   */
  write(pcm: Int16Array, startSample: number, length = pcm.length): number {
    let pos = this.#writePos >= 0 && Math.abs(startSample - this.#writePos) <= 16 ? this.#writePos : Math.round(startSample);
    const late = Math.max(0, Math.min(pos + length, this.#readUntil) - Math.max(pos, this.#coveredUntil));
    const store = this.#pcm;
    // Block by block (a frame touches at most a few 10 ms blocks); copy loops, no views (hot path).
    for (let i = 0; i < length; ) {
      const block = Math.floor(pos / BLOCK);
      const slot = ((block % BLOCKS) + BLOCKS) % BLOCKS;
      if (this.#stamp[slot] !== block) {
        this.#pcm.fill(0, slot * BLOCK, slot * BLOCK + BLOCK);
        this.#stamp[slot] = block;
      }
      const offset = pos - block * BLOCK;
      const n = Math.min(BLOCK - offset, length - i);
      const to = slot * BLOCK + offset - i;
      for (let k = i; k < i + n; k++) store[to + k] = pcm[k] as number;
      i += n;
      pos += n;
    }
    this.#writePos = pos;
    if (pos > this.#coveredUntil) this.#coveredUntil = pos;
    return late;
  }

  /** Copies `out.length` samples starting at `startSample` into `out` (silence where nothing played). */
  read(out: Int16Array, startSample: number): void {
    let pos = Math.round(startSample);
    const end = pos + out.length;
    if (end > this.#readUntil) this.#readUntil = end;
    const store = this.#pcm;
    for (let i = 0; i < out.length; ) {
      const block = Math.floor(pos / BLOCK);
      const slot = ((block % BLOCKS) + BLOCKS) % BLOCKS;
      const offset = pos - block * BLOCK;
      const n = Math.min(BLOCK - offset, out.length - i);
      if (pos >= 0 && this.#stamp[slot] === block) {
        const from = slot * BLOCK + offset - i;
        for (let k = i; k < i + n; k++) out[k] = store[from + k] as number;
      } else out.fill(0, i, i + n);
      i += n;
      pos += n;
    }
  }
}
