/**
 * A single-producer single-consumer ring of fixed-size 16-bit frames, each with a few 32-bit
 * metadata words, laid over a caller-provided (usually shared) buffer so two threads can pass
 * audio without copying it through messages. Indices are free-running 32-bit counters read and
 * written with `Atomics`, so the producer only writes `write` and the consumer only writes `read`.
 *
 * Overflow rule ("refuse newest"): when the ring is full, `push` returns false and counts the
 * frame in `dropped`; the consumer's position is never moved by the producer.
 *
 * Layout (bytes): header 16 (write, read, dropped, reserved) | frames capacity × frameSamples × 2 |
 * metadata capacity × metaWords × 4.
 */

const HEADER_WORDS = 4;
const W = 0;
const R = 1;
const DROPPED = 2;

/** Shape of a ring. */
export interface FrameRingShape {
  /** Frames the ring holds; a power of two. */
  readonly capacity: number;
  /** 16-bit samples per frame (0 for a metadata-only ring). */
  readonly frameSamples: number;
  /** 32-bit metadata words per frame. */
  readonly metaWords: number;
}

/**
 * An SPSC frame ring over a `SharedArrayBuffer` (or an `ArrayBuffer` within one thread).
 * @example
 * const shape = { capacity: 64, frameSamples: 320, metaWords: 2 };
 * const sab = new SharedArrayBuffer(FrameRing.byteLength(shape));
 * const producer = new FrameRing(sab, 0, shape); // in one thread
 * const consumer = new FrameRing(sab, 0, shape); // in another, same buffer
 */
export class FrameRing {
  readonly capacity: number;
  readonly frameSamples: number;
  readonly metaWords: number;
  readonly #mask: number;
  readonly #header: Int32Array;
  readonly #frames: Int16Array;
  readonly #meta: Int32Array;
  readonly #last = new Int32Array(4);
  /** A view per slot, made once: reading a frame allocates nothing. */
  readonly #slotViews: Int16Array[];

  /** Bytes a ring of this shape needs (a multiple of 8, so rings can be packed back to back). */
  static byteLength(shape: FrameRingShape): number {
    const raw = HEADER_WORDS * 4 + shape.capacity * shape.frameSamples * 2 + shape.capacity * shape.metaWords * 4;
    return Math.ceil(raw / 8) * 8;
  }

  constructor(buffer: SharedArrayBuffer | ArrayBuffer, byteOffset: number, shape: FrameRingShape) {
    const { capacity, frameSamples, metaWords } = shape;
    if (!Number.isInteger(capacity) || capacity < 2 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`capacity must be a power of two ≥ 2, got ${capacity}`);
    if (byteOffset % 8 !== 0) throw new RangeError('byteOffset must be a multiple of 8');
    if (byteOffset + FrameRing.byteLength(shape) > buffer.byteLength) throw new RangeError('buffer too small for this ring');
    this.capacity = capacity;
    this.frameSamples = frameSamples;
    this.metaWords = metaWords;
    this.#mask = capacity - 1;
    this.#header = new Int32Array(buffer, byteOffset, HEADER_WORDS);
    const metaOffset = byteOffset + HEADER_WORDS * 4;
    this.#meta = new Int32Array(buffer, metaOffset, capacity * metaWords);
    this.#frames = new Int16Array(buffer, metaOffset + capacity * metaWords * 4, capacity * frameSamples);
    this.#slotViews = Array.from({ length: capacity }, (_, i) => this.#frames.subarray(i * frameSamples, (i + 1) * frameSamples));
  }

  /** Frames waiting to be read. */
  get size(): number {
    return (Atomics.load(this.#header, W) - Atomics.load(this.#header, R)) | 0;
  }

  /** Frames refused because the ring was full, since creation. */
  get dropped(): number {
    return Atomics.load(this.#header, DROPPED);
  }

  /**
   * Producer: appends a frame (`frame.length` ≤ frameSamples; the rest of the slot is zeroed) and its
   * metadata. Returns false, and counts the drop, when the ring is full.
   */
  push(frame: Int16Array | null, meta0 = 0, meta1 = 0, meta2 = 0, meta3 = 0): boolean {
    const w = Atomics.load(this.#header, W);
    const r = Atomics.load(this.#header, R);
    if (((w - r) | 0) >= this.capacity) {
      Atomics.add(this.#header, DROPPED, 1);
      return false;
    }
    const slot = w & this.#mask;
    if (this.frameSamples > 0 && frame !== null) {
      const base = slot * this.frameSamples;
      const n = frame.length < this.frameSamples ? frame.length : this.frameSamples;
      this.#frames.set(n === frame.length ? frame : frame.subarray(0, n), base);
      if (n < this.frameSamples) this.#frames.fill(0, base + n, base + this.frameSamples);
    }
    const m = slot * this.metaWords;
    if (this.metaWords > 0) this.#meta[m] = meta0;
    if (this.metaWords > 1) this.#meta[m + 1] = meta1;
    if (this.metaWords > 2) this.#meta[m + 2] = meta2;
    if (this.metaWords > 3) this.#meta[m + 3] = meta3;
    // The store of `write` publishes the slot: the consumer reads the slot only after seeing it.
    Atomics.store(this.#header, W, (w + 1) | 0);
    return true;
  }

  /**
   * Consumer: index of the oldest slot, or -1 when empty. Read it with `frameAt`/`metaAt`, then
   * `release()` it; this avoids a copy when the consumer processes the frame in place.
   */
  peek(): number {
    const w = Atomics.load(this.#header, W);
    const r = Atomics.load(this.#header, R);
    return w === r ? -1 : r & this.#mask;
  }

  /** View of the samples in slot `slot` (from `peek`); the same view object every time. */
  frameAt(slot: number): Int16Array {
    return this.#slotViews[slot] as Int16Array;
  }

  /** Metadata word `word` of slot `slot` (from `peek`). */
  metaAt(slot: number, word: number): number {
    return this.#meta[slot * this.metaWords + word] as number;
  }

  /** Consumer: frees the oldest slot. */
  release(): void {
    Atomics.store(this.#header, R, (Atomics.load(this.#header, R) + 1) | 0);
  }

  /**
   * Consumer: copies the oldest frame into `out` and frees its slot; returns false when empty.
   * Its metadata is readable with `lastMeta(word)` until the next pop.
   */
  pop(out: Int16Array | null): boolean {
    const slot = this.peek();
    if (slot < 0) return false;
    if (out !== null && this.frameSamples > 0) out.set(this.frameAt(slot).subarray(0, Math.min(out.length, this.frameSamples)));
    for (let i = 0; i < this.metaWords && i < 4; i++) this.#last[i] = this.#meta[slot * this.metaWords + i] as number;
    this.release();
    return true;
  }

  /** Metadata word of the frame last returned by `pop`. */
  lastMeta(word: number): number {
    return this.#last[word] as number;
  }

  /** Consumer: drops everything waiting. */
  clear(): void {
    Atomics.store(this.#header, R, Atomics.load(this.#header, W));
  }
}
