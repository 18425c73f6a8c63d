/**
 * Framing for Silero VAD v5 at 16 kHz: the model takes 512 new samples (32 ms) preceded by the
 * last 64 samples of the previous window (its "context"), as floats in [-1, 1), plus a recurrent
 * state of 2 × 128 floats per stream. Carrier frames are 20 ms (320 samples), so windows straddle
 * frames: this class buffers them and hands out complete model inputs.
 */

/** New samples per Silero window at 16 kHz (32 ms). */
export const SILERO_WINDOW_SAMPLES = 512;
/** Samples of the previous window prepended to each input (as the reference wrapper does). */
export const SILERO_CONTEXT_SAMPLES = 64;
/** Floats per model input row. */
export const SILERO_INPUT_SAMPLES = SILERO_WINDOW_SAMPLES + SILERO_CONTEXT_SAMPLES;
/** Floats of recurrent state per stream (`state` is [2, batch, 128]). */
export const SILERO_STATE_SIZE = 128;
/** Window duration (ms). */
export const SILERO_WINDOW_MS = 32;

const MAX_FRAME = 960; // the largest frame accepted per push (60 ms at 16 kHz)

/** Facts about the window last taken, for skip decisions and timing. */
export interface WindowInfo {
  /** Mean square of the window's samples (full scale = 1). */
  power: number;
  /** True when every sample came from frames the carrier marked silent. */
  carrierSilent: boolean;
  /** Index (in 16 kHz samples since the stream began) one past the window's last sample. */
  endSample: number;
}

/**
 * Buffers 16 kHz PCM into Silero model inputs, allocation-free.
 * @example
 * w.push(frame, silent);
 * while (w.ready) { w.take(batchInput, row * SILERO_INPUT_SAMPLES); … }
 */
export class SileroWindower {
  readonly #pending = new Float32Array(SILERO_WINDOW_SAMPLES + MAX_FRAME);
  readonly #silent = new Uint8Array(SILERO_WINDOW_SAMPLES + MAX_FRAME);
  readonly #context = new Float32Array(SILERO_CONTEXT_SAMPLES);
  #filled = 0;
  #taken = 0;
  /** The window last taken. */
  readonly last: WindowInfo = { power: 0, carrierSilent: true, endSample: 0 };

  /** True when a whole window is buffered. */
  get ready(): boolean {
    return this.#filled >= SILERO_WINDOW_SAMPLES;
  }

  /** Samples buffered and not yet taken. */
  get buffered(): number {
    return this.#filled;
  }

  /**
   * Appends a frame. Take the ready windows before pushing more than 60 ms past a window.
   * @throws RangeError if the buffer would overflow (the caller forgot to take windows).
   */
  push(pcm: Int16Array, carrierSilent: boolean): void {
    const n = pcm.length;
    if (this.#filled + n > this.#pending.length) throw new RangeError(`window buffer full: take() ready windows before pushing (${this.#filled} + ${n})`);
    const base = this.#filled;
    const pending = this.#pending;
    for (let i = 0; i < n; i++) pending[base + i] = (pcm[i] as number) / 32768;
    this.#silent.fill(carrierSilent ? 1 : 0, base, base + n);
    this.#filled += n;
  }

  /**
   * Writes the next model input (64 context + 512 new samples) at `out[offset…offset+576)`,
   * consumes the window and updates `last`. Call only when `ready`.
   */
  take(out: Float32Array, offset: number): WindowInfo {
    if (!this.ready) throw new RangeError('no whole window buffered');
    const pending = this.#pending;
    const context = this.#context;
    out.set(context, offset);
    // Copy loops rather than set(subarray): no view per window (hot path).
    const to = offset + SILERO_CONTEXT_SAMPLES;
    let power = 0;
    let silent = true;
    for (let i = 0; i < SILERO_WINDOW_SAMPLES; i++) {
      const s = pending[i] as number;
      out[to + i] = s;
      power += s * s;
      if (this.#silent[i] === 0) silent = false;
    }
    const from = SILERO_WINDOW_SAMPLES - SILERO_CONTEXT_SAMPLES;
    for (let i = 0; i < SILERO_CONTEXT_SAMPLES; i++) context[i] = pending[from + i] as number;
    pending.copyWithin(0, SILERO_WINDOW_SAMPLES, this.#filled);
    this.#silent.copyWithin(0, SILERO_WINDOW_SAMPLES, this.#filled);
    this.#filled -= SILERO_WINDOW_SAMPLES;
    this.#taken++;
    this.last.power = power / SILERO_WINDOW_SAMPLES;
    this.last.carrierSilent = silent;
    this.last.endSample = this.#taken * SILERO_WINDOW_SAMPLES;
    return this.last;
  }

  /** Forgets buffered audio and context. */
  reset(): void {
    this.#filled = 0;
    this.#taken = 0;
    this.#context.fill(0);
  }
}
