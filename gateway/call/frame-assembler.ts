/**
 * Re-chunks caller audio of any length into exact 20 ms frames for the DSP ring. A frame is
 * marked silent only if every piece of it came from carrier-silent audio. Allocation-free.
 */
export class FrameAssembler {
  #frame: Int16Array;
  #fill = 0;
  #silent = true;

  constructor(frameSamples: number) {
    this.#frame = new Int16Array(frameSamples);
  }

  /** Samples per frame. */
  get frameSamples(): number {
    return this.#frame.length;
  }

  /** Starts over with another frame size (the carrier announced another rate before any audio). */
  resize(frameSamples: number): void {
    this.#frame = new Int16Array(frameSamples);
    this.#fill = 0;
    this.#silent = true;
  }

  /** Appends audio; calls `emit` for each completed frame (a view valid during the call). */
  push(pcm: Int16Array, silent: boolean, emit: (frame: Int16Array, silent: boolean) => void): void {
    const frame = this.#frame;
    // The usual case, one whole frame with nothing pending: it is the frame (no copy, no view).
    if (this.#fill === 0 && pcm.length === frame.length) return emit(pcm, silent);
    let offset = 0;
    while (offset < pcm.length) {
      const n = Math.min(frame.length - this.#fill, pcm.length - offset);
      frame.set(pcm.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (!silent) this.#silent = false;
      if (this.#fill < frame.length) break;
      emit(frame, this.#silent);
      this.#fill = 0;
      this.#silent = true;
    }
  }
}
