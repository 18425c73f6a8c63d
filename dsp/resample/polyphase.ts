/**
 * Streaming rational resampler: a polyphase FIR built from one Kaiser-windowed sinc low-pass.
 * Rates are any pair of integers (8, 16, 24 kHz in practice); the ratio is reduced to L/M, the
 * prototype filter runs at L × input rate and is split into L phases of K taps each. State (the
 * last K input samples and the phase) carries across calls, so a call stream can be fed 20 ms at
 * a time and the output equals resampling the whole stream at once.
 *
 * Design: pass band up to `passbandFraction` of the lower Nyquist frequency, with `stopbandDb` of
 * attenuation in the stop band. Downsampling: the stop band starts at the output's Nyquist
 * frequency, so nothing aliases back at all. Upsampling: it starts where the first image of the
 * pass band begins (input rate − pass band edge), which halves the filter length; images of the
 * pass band are removed to the same depth.
 */

/** Filter quality knobs; the defaults suit telephone speech. */
export interface ResamplerOptions {
  /** Pass band edge as a fraction of the lower Nyquist frequency (0.86 keeps 3.44 kHz of 8 kHz audio). */
  readonly passbandFraction?: number;
  /** Stop band attenuation in dB (60 keeps aliases well below μ-law's ~38 dB quantisation noise). */
  readonly stopbandDb?: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Zeroth-order modified Bessel function of the first kind (series), for the Kaiser window. */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  return sum;
}

/** Designs the polyphase bank: `coef[p * K + m]` multiplies the m-th oldest of the last K inputs for phase p. */
function designBank(up: number, inRateHz: number, outRateHz: number, passbandFraction: number, stopbandDb: number): { coef: Float32Array; taps: number } {
  const upRate = up * inRateHz;
  const nyquist = Math.min(inRateHz, outRateHz) / 2;
  const passHz = passbandFraction * nyquist;
  // Upsampling only has to remove images of the pass band, which start at inRate − passHz.
  const stopHz = outRateHz > inRateHz ? inRateHz - passHz : nyquist;
  const transition = (2 * Math.PI * (stopHz - passHz)) / upRate;
  const minLength = Math.ceil((stopbandDb - 8) / (2.285 * transition)) + 1;
  const taps = Math.max(2, Math.ceil(minLength / up));
  const length = taps * up;
  const beta = stopbandDb > 50 ? 0.1102 * (stopbandDb - 8.7) : 0.5842 * (stopbandDb - 21) ** 0.4 + 0.07886 * (stopbandDb - 21);
  const cutoff = (passHz + stopHz) / 2 / upRate; // cycles per upsampled sample
  const centre = (length - 1) / 2;
  const proto = new Float64Array(length);
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const x = n - centre;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const r = (2 * n) / (length - 1) - 1;
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    proto[n] = sinc * window;
    sum += proto[n] as number;
  }
  const coef = new Float32Array(length);
  // DC gain of each phase is 1: the prototype sums to 1, and zero-stuffing by L divides by L.
  const gain = up / sum;
  for (let p = 0; p < up; p++) {
    for (let m = 0; m < taps; m++) coef[p * taps + m] = (proto[p + (taps - 1 - m) * up] as number) * gain;
  }
  return { coef, taps };
}

/**
 * A streaming resampler for one audio stream.
 * @example
 * const up = new Resampler(8000, 16000);
 * const out = new Int16Array(up.maxOutputLength(160));
 * const n = up.process(frame8k, out); // n === 320 once primed
 */
export class Resampler {
  /** Input rate. */
  readonly inRateHz: number;
  /** Output rate. */
  readonly outRateHz: number;
  /** Interpolation factor L of the reduced ratio L/M. */
  readonly up: number;
  /** Decimation factor M of the reduced ratio L/M. */
  readonly down: number;
  /** Taps per phase (cost per output sample). */
  readonly taps: number;
  /** Group delay of the filter, in output samples. */
  readonly delaySamples: number;
  readonly #coef: Float32Array;
  /** Last K inputs, written twice so the window `[pos, pos + K)` is always contiguous. */
  readonly #history: Float32Array;
  #pos = 0;
  /** Upsampled position of the next output relative to the newest input. */
  #phase = 0;

  constructor(inRateHz: number, outRateHz: number, options: ResamplerOptions = {}) {
    if (!Number.isInteger(inRateHz) || !Number.isInteger(outRateHz) || inRateHz <= 0 || outRateHz <= 0) {
      throw new RangeError(`rates must be positive integers, got ${inRateHz} → ${outRateHz}`);
    }
    this.inRateHz = inRateHz;
    this.outRateHz = outRateHz;
    const g = gcd(inRateHz, outRateHz);
    this.up = outRateHz / g;
    this.down = inRateHz / g;
    if (this.up > 64 || this.down > 64) throw new RangeError(`ratio ${this.up}/${this.down} is too fine for a polyphase bank`);
    if (this.up === 1 && this.down === 1) {
      this.taps = 0;
      this.#coef = new Float32Array(0);
      this.#history = new Float32Array(0);
      this.delaySamples = 0;
      return;
    }
    const bank = designBank(this.up, inRateHz, outRateHz, options.passbandFraction ?? 0.86, options.stopbandDb ?? 60);
    this.#coef = bank.coef;
    this.taps = bank.taps;
    this.#history = new Float32Array(2 * bank.taps);
    this.delaySamples = (bank.taps * this.up - 1) / 2 / this.down;
  }

  /** Largest number of samples `process` can write for `inputLength` input samples. */
  maxOutputLength(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down) + 1;
  }

  /**
   * Resamples `input[start…end)` (all of it by default) into `output` and returns how many samples
   * were written. Allocation-free: a range instead of a view of the input.
   * @throws RangeError if `output` is shorter than `maxOutputLength(end - start)`, or the range is outside `input`.
   */
  process(input: Int16Array, output: Int16Array, start = 0, end = input.length): number {
    if (!(start >= 0 && start <= end && end <= input.length)) throw new RangeError(`range ${start}…${end} outside input of ${input.length}`);
    const count = end - start;
    if (this.taps === 0) {
      if (output.length < count) throw new RangeError(`output holds ${output.length}, need ${count}`);
      for (let i = 0; i < count; i++) output[i] = input[start + i] as number;
      return count;
    }
    if (output.length < this.maxOutputLength(count)) {
      throw new RangeError(`output holds ${output.length}, need ${this.maxOutputLength(count)}`);
    }
    const coef = this.#coef;
    const history = this.#history;
    const taps = this.taps;
    const up = this.up;
    const down = this.down;
    let pos = this.#pos;
    let phase = this.#phase;
    let written = 0;
    for (let i = start; i < end; i++) {
      const x = input[i] as number;
      history[pos] = x;
      history[pos + taps] = x;
      pos = pos + 1 === taps ? 0 : pos + 1;
      while (phase < up) {
        const base = phase * taps;
        // Intentional 4-way unrolled indexed loop: independent accumulators keep the FPU busy.
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let m = 0;
        for (; m + 3 < taps; m += 4) {
          a0 += (coef[base + m] as number) * (history[pos + m] as number);
          a1 += (coef[base + m + 1] as number) * (history[pos + m + 1] as number);
          a2 += (coef[base + m + 2] as number) * (history[pos + m + 2] as number);
          a3 += (coef[base + m + 3] as number) * (history[pos + m + 3] as number);
        }
        for (; m < taps; m++) a0 += (coef[base + m] as number) * (history[pos + m] as number);
        const acc = a0 + a1 + a2 + a3;
        const rounded = Math.round(acc);
        output[written++] = rounded > 32767 ? 32767 : rounded < -32768 ? -32768 : rounded;
        phase += down;
      }
      phase -= up;
    }
    this.#pos = pos;
    this.#phase = phase;
    return written;
  }

  /** Forgets the stream (history and phase), e.g. when a call's audio restarts. */
  reset(): void {
    this.#history.fill(0);
    this.#pos = 0;
    this.#phase = 0;
  }
}
