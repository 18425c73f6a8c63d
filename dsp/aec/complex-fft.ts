/**
 * Mixed-radix complex FFT (radix 4, 2, 3, 5 and a generic odd-prime stage) for the sizes the echo
 * canceller needs: half of twice a 10 ms block, i.e. 80 points at 8 kHz, 160 at 16 kHz, 240 at
 * 24 kHz. Power-of-two libraries cannot do those sizes, and padding 320 to 512 would cost 60 % more
 * work in every partition of the adaptive filter.
 *
 * Stockham autosort formulation (no bit reversal), twiddles precomputed in the constructor,
 * ping-pong scratch owned by the instance: transforms allocate nothing.
 */

/** One radix stage of the Stockham recursion: length `n = radix * m` at stride `stride`. */
export interface Stage {
  readonly radix: number;
  readonly m: number;
  readonly stride: number;
  /** cos/sin of 2π·p·j/n for p < m, 1 ≤ j < radix, laid out [p * (radix - 1) + j - 1]. */
  readonly twRe: Float64Array;
  readonly twIm: Float64Array;
}

function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    factors.push(4);
    rest /= 4;
  }
  if (rest % 2 === 0) {
    factors.push(2);
    rest /= 2;
  }
  for (let p = 3; rest > 1; p += 2) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  return factors;
}

const SIN_60 = Math.sqrt(3) / 2;
const C1_5 = Math.cos((2 * Math.PI) / 5);
const C2_5 = Math.cos((4 * Math.PI) / 5);
const S1_5 = Math.sin((2 * Math.PI) / 5);
const S2_5 = Math.sin((4 * Math.PI) / 5);
/** The butterfly constants, as computed here (the SIMD kernels take them rather than recompute them). */
export const FFT_CONSTANTS = { sin60: SIN_60, radix5: [C1_5, C2_5, S1_5, S2_5] } as const;

/**
 * Forward complex DFT of any size whose prime factors are small, on split re/im arrays.
 * X[k] = Σ x[n]·e^(−2πi·kn/N), unnormalized.
 *
 * @example
 * const fft = new ComplexFft(160);
 * fft.forward(re, im, outRe, outIm); // inputs are left untouched
 */
export class ComplexFft {
  /** Transform length. */
  readonly size: number;
  /** The radix stages, first to last (read by the SIMD variant, wasm/simd-fft.ts). */
  readonly stages: readonly Stage[];
  private readonly bufRe: Float64Array[];
  private readonly bufIm: Float64Array[];
  // Generic odd-radix stage: DFT matrix of that radix and its input scratch.
  private readonly genRe: Float64Array;
  private readonly genIm: Float64Array;
  private readonly genCos: Float64Array;
  private readonly genSin: Float64Array;
  private genRadix = 0;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`FFT size must be a positive integer, got ${size}`);
    this.size = size;
    const factors = factorize(size);
    let maxGeneric = 0;
    for (const f of factors) if (f > 5) maxGeneric = Math.max(maxGeneric, f);
    if (new Set(factors.filter((f) => f > 5)).size > 1) throw new RangeError(`FFT size ${size} has more than one prime factor above 5`);
    this.genRadix = maxGeneric;
    this.genRe = new Float64Array(maxGeneric);
    this.genIm = new Float64Array(maxGeneric);
    this.genCos = new Float64Array(maxGeneric * maxGeneric);
    this.genSin = new Float64Array(maxGeneric * maxGeneric);
    for (let j = 0; j < maxGeneric; j++) {
      for (let k = 0; k < maxGeneric; k++) {
        const angle = (-2 * Math.PI * ((j * k) % maxGeneric)) / maxGeneric;
        this.genCos[j * maxGeneric + k] = Math.cos(angle);
        this.genSin[j * maxGeneric + k] = Math.sin(angle);
      }
    }
    const stages: Stage[] = [];
    let n = size;
    let stride = 1;
    for (const radix of factors) {
      const m = n / radix;
      const twRe = new Float64Array(m * (radix - 1));
      const twIm = new Float64Array(m * (radix - 1));
      for (let p = 0; p < m; p++) {
        for (let j = 1; j < radix; j++) {
          const angle = (-2 * Math.PI * p * j) / n;
          twRe[p * (radix - 1) + j - 1] = Math.cos(angle);
          twIm[p * (radix - 1) + j - 1] = Math.sin(angle);
        }
      }
      stages.push({ radix, m, stride, twRe, twIm });
      n = m;
      stride *= radix;
    }
    this.stages = stages;
    this.bufRe = [new Float64Array(size), new Float64Array(size)];
    this.bufIm = [new Float64Array(size), new Float64Array(size)];
  }

  /**
   * Forward transform of (inRe, inIm) into (outRe, outIm). Output must not alias input.
   */
  forward(inRe: Float64Array, inIm: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const stages = this.stages;
    const last = stages.length - 1;
    if (last < 0) {
      outRe[0] = inRe[0]!;
      outIm[0] = inIm[0]!;
      return;
    }
    // Stockham ping-pong: the first stage reads the input, the last writes the output, the ones
    // between alternate the two scratch buffers. Output must not alias input when there is one
    // stage only.
    let xRe = inRe;
    let xIm = inIm;
    for (let s = 0; s <= last; s++) {
      const yRe = s === last ? outRe : this.bufRe[s & 1]!;
      const yIm = s === last ? outIm : this.bufIm[s & 1]!;
      this.runStage(stages[s]!, xRe, xIm, yRe, yIm);
      xRe = yRe;
      xIm = yIm;
    }
  }

  private runStage(stage: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    switch (stage.radix) {
      case 4:
        this.radix4(stage, xRe, xIm, yRe, yIm);
        break;
      case 2:
        this.radix2(stage, xRe, xIm, yRe, yIm);
        break;
      case 3:
        this.radix3(stage, xRe, xIm, yRe, yIm);
        break;
      case 5:
        this.radix5(stage, xRe, xIm, yRe, yIm);
        break;
      default:
        this.radixGeneric(stage, xRe, xIm, yRe, yIm);
    }
  }

  private radix2(st: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    const { m, stride: s, twRe, twIm } = st;
    const sm = s * m;
    // p = 0: the twiddle is 1 (the whole stage when m = 1).
    for (let q = 0; q < s; q++) {
      const ar = xRe[q]!;
      const ai = xIm[q]!;
      const br = xRe[q + sm]!;
      const bi = xIm[q + sm]!;
      yRe[q] = ar + br;
      yIm[q] = ai + bi;
      yRe[q + s] = ar - br;
      yIm[q + s] = ai - bi;
    }
    for (let p = 1; p < m; p++) {
      const wr = twRe[p]!;
      const wi = twIm[p]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const i1 = i0 + s * m;
        const ar = xRe[i0]!;
        const ai = xIm[i0]!;
        const br = xRe[i1]!;
        const bi = xIm[i1]!;
        const o = q + s * 2 * p;
        yRe[o] = ar + br;
        yIm[o] = ai + bi;
        const dr = ar - br;
        const di = ai - bi;
        yRe[o + s] = dr * wr - di * wi;
        yIm[o + s] = dr * wi + di * wr;
      }
    }
  }

  private radix4(st: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    const { m, stride: s, twRe, twIm } = st;
    const sm = s * m;
    this.radix4First(s, sm, xRe, xIm, yRe, yIm);
    for (let p = 1; p < m; p++) {
      const t = p * 3;
      const w1r = twRe[t]!;
      const w1i = twIm[t]!;
      const w2r = twRe[t + 1]!;
      const w2i = twIm[t + 1]!;
      const w3r = twRe[t + 2]!;
      const w3i = twIm[t + 2]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const a0r = xRe[i0]!;
        const a0i = xIm[i0]!;
        const a1r = xRe[i0 + sm]!;
        const a1i = xIm[i0 + sm]!;
        const a2r = xRe[i0 + 2 * sm]!;
        const a2i = xIm[i0 + 2 * sm]!;
        const a3r = xRe[i0 + 3 * sm]!;
        const a3i = xIm[i0 + 3 * sm]!;
        const t0r = a0r + a2r;
        const t0i = a0i + a2i;
        const t1r = a0r - a2r;
        const t1i = a0i - a2i;
        const t2r = a1r + a3r;
        const t2i = a1i + a3i;
        const t3r = a1r - a3r;
        const t3i = a1i - a3i;
        const o = q + s * 4 * p;
        yRe[o] = t0r + t2r;
        yIm[o] = t0i + t2i;
        // b1 = t1 − i·t3, b2 = t0 − t2, b3 = t1 + i·t3, then twiddled.
        const b1r = t1r + t3i;
        const b1i = t1i - t3r;
        const b2r = t0r - t2r;
        const b2i = t0i - t2i;
        const b3r = t1r - t3i;
        const b3i = t1i + t3r;
        yRe[o + s] = b1r * w1r - b1i * w1i;
        yIm[o + s] = b1r * w1i + b1i * w1r;
        yRe[o + 2 * s] = b2r * w2r - b2i * w2i;
        yIm[o + 2 * s] = b2r * w2i + b2i * w2r;
        yRe[o + 3 * s] = b3r * w3r - b3i * w3i;
        yIm[o + 3 * s] = b3r * w3i + b3i * w3r;
      }
    }
  }

  /** Butterflies of p = 0 of a radix-4 stage: twiddles are 1 (the whole stage when m = 1). */
  private radix4First(s: number, sm: number, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    for (let q = 0; q < s; q++) {
      const a0r = xRe[q]!;
      const a0i = xIm[q]!;
      const a1r = xRe[q + sm]!;
      const a1i = xIm[q + sm]!;
      const a2r = xRe[q + 2 * sm]!;
      const a2i = xIm[q + 2 * sm]!;
      const a3r = xRe[q + 3 * sm]!;
      const a3i = xIm[q + 3 * sm]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      yRe[q] = t0r + t2r;
      yIm[q] = t0i + t2i;
      yRe[q + s] = t1r + t3i;
      yIm[q + s] = t1i - t3r;
      yRe[q + 2 * s] = t0r - t2r;
      yIm[q + 2 * s] = t0i - t2i;
      yRe[q + 3 * s] = t1r - t3i;
      yIm[q + 3 * s] = t1i + t3r;
    }
  }

  private radix3(st: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    const { m, stride: s, twRe, twIm } = st;
    const sm = s * m;
    for (let p = 0; p < m; p++) {
      const w1r = twRe[p * 2]!;
      const w1i = twIm[p * 2]!;
      const w2r = twRe[p * 2 + 1]!;
      const w2i = twIm[p * 2 + 1]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const a0r = xRe[i0]!;
        const a0i = xIm[i0]!;
        const a1r = xRe[i0 + sm]!;
        const a1i = xIm[i0 + sm]!;
        const a2r = xRe[i0 + 2 * sm]!;
        const a2i = xIm[i0 + 2 * sm]!;
        const tr = a1r + a2r;
        const ti = a1i + a2i;
        const ur = (a1r - a2r) * SIN_60;
        const ui = (a1i - a2i) * SIN_60;
        const mr = a0r - 0.5 * tr;
        const mi = a0i - 0.5 * ti;
        const o = q + s * 3 * p;
        yRe[o] = a0r + tr;
        yIm[o] = a0i + ti;
        const b1r = mr + ui;
        const b1i = mi - ur;
        const b2r = mr - ui;
        const b2i = mi + ur;
        yRe[o + s] = b1r * w1r - b1i * w1i;
        yIm[o + s] = b1r * w1i + b1i * w1r;
        yRe[o + 2 * s] = b2r * w2r - b2i * w2i;
        yIm[o + 2 * s] = b2r * w2i + b2i * w2r;
      }
    }
  }

  private radix5(st: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    const { m, stride: s, twRe, twIm } = st;
    const sm = s * m;
    this.radix5First(s, sm, xRe, xIm, yRe, yIm);
    for (let p = 1; p < m; p++) {
      const t = p * 4;
      const w1r = twRe[t]!;
      const w1i = twIm[t]!;
      const w2r = twRe[t + 1]!;
      const w2i = twIm[t + 1]!;
      const w3r = twRe[t + 2]!;
      const w3i = twIm[t + 2]!;
      const w4r = twRe[t + 3]!;
      const w4i = twIm[t + 3]!;
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        const a0r = xRe[i0]!;
        const a0i = xIm[i0]!;
        const a1r = xRe[i0 + sm]!;
        const a1i = xIm[i0 + sm]!;
        const a2r = xRe[i0 + 2 * sm]!;
        const a2i = xIm[i0 + 2 * sm]!;
        const a3r = xRe[i0 + 3 * sm]!;
        const a3i = xIm[i0 + 3 * sm]!;
        const a4r = xRe[i0 + 4 * sm]!;
        const a4i = xIm[i0 + 4 * sm]!;
        const t1r = a1r + a4r;
        const t1i = a1i + a4i;
        const t2r = a2r + a3r;
        const t2i = a2i + a3i;
        const u1r = a1r - a4r;
        const u1i = a1i - a4i;
        const u2r = a2r - a3r;
        const u2i = a2i - a3i;
        const Ar = a0r + C1_5 * t1r + C2_5 * t2r;
        const Ai = a0i + C1_5 * t1i + C2_5 * t2i;
        const Br = a0r + C2_5 * t1r + C1_5 * t2r;
        const Bi = a0i + C2_5 * t1i + C1_5 * t2i;
        const vr = S1_5 * u1r + S2_5 * u2r;
        const vi = S1_5 * u1i + S2_5 * u2i;
        const wr = S2_5 * u1r - S1_5 * u2r;
        const wi = S2_5 * u1i - S1_5 * u2i;
        const o = q + s * 5 * p;
        yRe[o] = a0r + t1r + t2r;
        yIm[o] = a0i + t1i + t2i;
        // b1 = A − i·v, b4 = A + i·v, b2 = B − i·w, b3 = B + i·w
        this.twiddle(yRe, yIm, o + s, Ar + vi, Ai - vr, w1r, w1i);
        this.twiddle(yRe, yIm, o + 2 * s, Br + wi, Bi - wr, w2r, w2i);
        this.twiddle(yRe, yIm, o + 3 * s, Br - wi, Bi + wr, w3r, w3i);
        this.twiddle(yRe, yIm, o + 4 * s, Ar - vi, Ai + vr, w4r, w4i);
      }
    }
  }

  /**
   * Butterflies of p = 0 of a radix-5 stage: twiddles are 1. For the sizes used here radix 5 is
   * the last stage (m = 1), so this is the whole stage.
   */
  private radix5First(s: number, sm: number, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    for (let q = 0; q < s; q++) {
      const a0r = xRe[q]!;
      const a0i = xIm[q]!;
      const a1r = xRe[q + sm]!;
      const a1i = xIm[q + sm]!;
      const a2r = xRe[q + 2 * sm]!;
      const a2i = xIm[q + 2 * sm]!;
      const a3r = xRe[q + 3 * sm]!;
      const a3i = xIm[q + 3 * sm]!;
      const a4r = xRe[q + 4 * sm]!;
      const a4i = xIm[q + 4 * sm]!;
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const u1r = a1r - a4r;
      const u1i = a1i - a4i;
      const u2r = a2r - a3r;
      const u2i = a2i - a3i;
      const Ar = a0r + C1_5 * t1r + C2_5 * t2r;
      const Ai = a0i + C1_5 * t1i + C2_5 * t2i;
      const Br = a0r + C2_5 * t1r + C1_5 * t2r;
      const Bi = a0i + C2_5 * t1i + C1_5 * t2i;
      const vr = S1_5 * u1r + S2_5 * u2r;
      const vi = S1_5 * u1i + S2_5 * u2i;
      const wr = S2_5 * u1r - S1_5 * u2r;
      const wi = S2_5 * u1i - S1_5 * u2i;
      yRe[q] = a0r + t1r + t2r;
      yIm[q] = a0i + t1i + t2i;
      yRe[q + s] = Ar + vi;
      yIm[q + s] = Ai - vr;
      yRe[q + 2 * s] = Br + wi;
      yIm[q + 2 * s] = Bi - wr;
      yRe[q + 3 * s] = Br - wi;
      yIm[q + 3 * s] = Bi + wr;
      yRe[q + 4 * s] = Ar - vi;
      yIm[q + 4 * s] = Ai + vr;
    }
  }

  private twiddle(yRe: Float64Array, yIm: Float64Array, at: number, br: number, bi: number, wr: number, wi: number): void {
    yRe[at] = br * wr - bi * wi;
    yIm[at] = br * wi + bi * wr;
  }

  private radixGeneric(st: Stage, xRe: Float64Array, xIm: Float64Array, yRe: Float64Array, yIm: Float64Array): void {
    const { radix: r, m, stride: s, twRe, twIm } = st;
    const sm = s * m;
    const aRe = this.genRe;
    const aIm = this.genIm;
    const cs = this.genCos;
    const sn = this.genSin;
    const g = this.genRadix;
    for (let p = 0; p < m; p++) {
      for (let q = 0; q < s; q++) {
        const i0 = q + s * p;
        for (let k = 0; k < r; k++) {
          aRe[k] = xRe[i0 + k * sm]!;
          aIm[k] = xIm[i0 + k * sm]!;
        }
        const o = q + s * r * p;
        for (let j = 0; j < r; j++) {
          let br = 0;
          let bi = 0;
          for (let k = 0; k < r; k++) {
            const c = cs[j * g + k]!;
            const d = sn[j * g + k]!;
            br += aRe[k]! * c - aIm[k]! * d;
            bi += aRe[k]! * d + aIm[k]! * c;
          }
          if (j === 0) {
            yRe[o] = br;
            yIm[o] = bi;
          } else {
            this.twiddle(yRe, yIm, o + j * s, br, bi, twRe[p * (r - 1) + j - 1]!, twIm[p * (r - 1) + j - 1]!);
          }
        }
      }
    }
  }
}
