/**
 * The pacer's bounded queue: a ring of carrier-rate frames, each tagged with the segment it
 * belongs to. Audio is appended sample-wise; a frame is committed when full, or short when its
 * segment ends or another segment starts (a frame never spans two segments).
 */

/** What the queue needs of a frame's owner: a count of its committed, unsent frames. */
export interface FrameOwner {
  queuedFrames: number;
}

/** A bounded ring of frames with a partially filled tail. */
export class FrameQueue<T extends FrameOwner> {
  readonly #frame: number;
  readonly #cap: number;
  readonly #pcm: Int16Array;
  readonly #len: Uint16Array;
  readonly #owner: Array<T | undefined>;
  /** A view of each slot's full frame, made once: `headPcm` hands these out (no view per frame sent). */
  readonly #views: Int16Array[];
  #head = 0;
  #count = 0;
  #fillLen = 0;
  #fillOwner: T | undefined;

  constructor(capacityFrames: number, frameSamples: number) {
    this.#frame = frameSamples;
    this.#cap = capacityFrames;
    this.#pcm = new Int16Array(capacityFrames * frameSamples);
    this.#len = new Uint16Array(capacityFrames);
    this.#owner = new Array<T | undefined>(capacityFrames).fill(undefined);
    this.#views = Array.from({ length: capacityFrames }, (_, slot) => this.#pcm.subarray(slot * frameSamples, (slot + 1) * frameSamples));
  }

  /** Committed frames waiting to be sent. */
  get count(): number {
    return this.#count;
  }

  /** Samples in the partial tail frame. */
  get fillSamples(): number {
    return this.#fillLen;
  }

  /** Owner of the partial tail frame, if any. */
  get filling(): T | undefined {
    return this.#fillLen > 0 ? this.#fillOwner : undefined;
  }

  /** Samples that can still be appended. */
  freeSamples(): number {
    const partial = this.#fillLen > 0 ? 1 : 0;
    return (this.#cap - this.#count - partial) * this.#frame + (partial ? this.#frame - this.#fillLen : 0);
  }

  /** Appends the first `count` samples for `owner` (the caller checked `freeSamples`). */
  append(samples: Int16Array, owner: T, count = samples.length): void {
    if (this.#fillLen > 0 && this.#fillOwner !== owner) this.commitPartial();
    let offset = 0;
    while (offset < count) {
      const slot = (this.#head + this.#count) % this.#cap;
      const n = Math.min(this.#frame - this.#fillLen, count - offset);
      // A copy loop, not set(subarray): no view per frame appended (intentional, hot path).
      const pcm = this.#pcm;
      const to = slot * this.#frame + this.#fillLen - offset;
      for (let k = offset; k < offset + n; k++) pcm[to + k] = samples[k] as number;
      this.#fillLen += n;
      this.#fillOwner = owner;
      offset += n;
      if (this.#fillLen === this.#frame) this.commitPartial();
    }
  }

  /** Commits the partial tail frame as a short frame. */
  commitPartial(): void {
    const owner = this.#fillOwner;
    if (this.#fillLen === 0 || owner === undefined) return;
    const slot = (this.#head + this.#count) % this.#cap;
    this.#len[slot] = this.#fillLen;
    this.#owner[slot] = owner;
    owner.queuedFrames++;
    this.#count++;
    this.#fillLen = 0;
    this.#fillOwner = undefined;
  }

  /** Drops the partial tail frame if `owner` is its owner. */
  dropPartialOf(owner: T): void {
    if (this.#fillOwner === owner) {
      this.#fillLen = 0;
      this.#fillOwner = undefined;
    }
  }

  /** Owner of the oldest committed frame (undefined when empty). */
  headOwner(): T | undefined {
    return this.#count > 0 ? this.#owner[this.#head] : undefined;
  }

  /** Samples of the oldest committed frame (a view, valid until `pop`). */
  headPcm(): Int16Array {
    const slot = this.#head;
    const len = this.#len[slot] as number;
    return len === this.#frame ? (this.#views[slot] as Int16Array) : this.#pcm.subarray(slot * this.#frame, slot * this.#frame + len);
  }

  /** Removes the oldest committed frame. */
  pop(): void {
    if (this.#count === 0) return;
    const owner = this.#owner[this.#head];
    if (owner) owner.queuedFrames--;
    this.#owner[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#cap;
    this.#count--;
  }

  /** Drops everything (committed and partial); owners' counts go to zero. */
  clear(): void {
    while (this.#count > 0) this.pop();
    this.#head = 0;
    this.#fillLen = 0;
    this.#fillOwner = undefined;
  }
}
