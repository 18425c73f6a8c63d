/**
 * {@link RealFft} on the WebAssembly kernels: the same plan (factors, twiddles, constants) as the
 * JavaScript transform, run stage by stage in the arena with two transforms in the two lanes of
 * each SIMD register (`forward2` / `inverse2`; a single transform fills both lanes with its input).
 * Results are bit-identical to the JavaScript transform. One instance per size and thread serves
 * every canceller there (its scratch is only used within a call).
 */
import { FFT_CONSTANTS, type Stage } from '../complex-fft.ts';
import { RealFft, type Samples } from '../fft.ts';
import { regionBytes, type KernelArena, type KernelExports } from './arena.ts';

interface StagePlan {
  readonly radix: number;
  readonly m: number;
  readonly stride: number;
  readonly tr: number;
  readonly ti: number;
}

const cache = new WeakMap<KernelArena, Map<number, RealFft>>();

/** The first `n` values of `x` (itself when it has exactly `n`: no view in the usual case). */
const head = (x: Samples, n: number): Samples => (x.length === n ? x : x.subarray(0, n));

/**
 * The thread's transform of `size` points on `arena`'s kernels; a plain {@link RealFft} when the
 * size needs a radix the kernels lack (a prime factor above 5).
 * @example const fft = simdRealFft(arena, 320); fft.forward(frame, re, im);
 */
export function simdRealFft(arena: KernelArena, size: number): RealFft {
  let bySize = cache.get(arena);
  if (bySize === undefined) {
    bySize = new Map();
    cache.set(arena, bySize);
  }
  let fft = bySize.get(size);
  if (fft === undefined) {
    const plain = new RealFft(size);
    fft = plain.cfft.stages.every((st) => st.radix <= 5) ? new SimdRealFft(size, arena) : plain;
    bySize.set(size, fft);
  }
  return fft;
}

/** See {@link simdRealFft}. */
export class SimdRealFft extends RealFft {
  readonly #k: KernelExports;
  /** Time-domain scratch of lanes a and b (N each), spectrum scratch (N/2 + 1 each, re and im). */
  readonly #ta: Float64Array;
  readonly #tb: Float64Array;
  readonly #faRe: Float64Array;
  readonly #faIm: Float64Array;
  readonly #fbRe: Float64Array;
  readonly #fbIm: Float64Array;
  /** Interleaved complex planes (M pairs each): input z, output Z, two ping-pong buffers. */
  readonly #z: number[];
  readonly #Z: number[];
  readonly #buf: number[];
  readonly #wr: number;
  readonly #wi: number;
  readonly #consts: number;
  readonly #plan: StagePlan[];
  readonly #M: number;

  constructor(size: number, arena: KernelArena) {
    super(size);
    const M = size / 2;
    const K = this.bins;
    const stages = this.cfft.stages;
    const twBytes = stages.map((st: Stage) => 8 * st.twRe.length);
    const planes = Array<number>(8).fill(16 * M);
    const region = arena.region(regionBytes(8 * size, 8 * size, 8 * K, 8 * K, 8 * K, 8 * K, ...planes, 8 * K, 8 * K, 8 * 4, ...twBytes, ...twBytes));
    this.#k = arena.kernels;
    this.#M = M;
    this.#ta = region.f64(size);
    this.#tb = region.f64(size);
    this.#faRe = region.f64(K);
    this.#faIm = region.f64(K);
    this.#fbRe = region.f64(K);
    this.#fbIm = region.f64(K);
    const plane = () => region.f64(2 * M).byteOffset;
    this.#z = [plane(), plane()];
    this.#Z = [plane(), plane()];
    this.#buf = [plane(), plane(), plane(), plane()];
    const wr = region.f64(K);
    wr.set(this.wRe);
    const wi = region.f64(K);
    wi.set(this.wIm);
    this.#wr = wr.byteOffset;
    this.#wi = wi.byteOffset;
    const consts = region.f64(4);
    consts.set(FFT_CONSTANTS.radix5);
    this.#consts = consts.byteOffset;
    this.#plan = stages.map((st: Stage) => {
      const tr = region.f64(st.twRe.length);
      tr.set(st.twRe);
      const ti = region.f64(st.twIm.length);
      ti.set(st.twIm);
      return { radix: st.radix, m: st.m, stride: st.stride, tr: tr.byteOffset, ti: ti.byteOffset };
    });
  }

  override forward(input: Samples, outRe: Samples, outIm: Samples): void {
    const ta = this.#ta.byteOffset;
    const re = this.#faRe;
    const im = this.#faIm;
    this.#ta.set(head(input, this.size));
    this.#forward(ta, ta, re.byteOffset, im.byteOffset, re.byteOffset, im.byteOffset);
    outRe.set(re);
    outIm.set(im);
  }

  override forward2(a: Samples, aRe: Samples, aIm: Samples, b: Samples, bRe: Samples, bIm: Samples): void {
    const ra = this.#faRe;
    const ia = this.#faIm;
    const rb = this.#fbRe;
    const ib = this.#fbIm;
    this.#ta.set(head(a, this.size));
    this.#tb.set(head(b, this.size));
    this.#forward(this.#ta.byteOffset, this.#tb.byteOffset, ra.byteOffset, ia.byteOffset, rb.byteOffset, ib.byteOffset);
    aRe.set(ra);
    aIm.set(ia);
    bRe.set(rb);
    bIm.set(ib);
  }

  override inverse(inRe: Samples, inIm: Samples, output: Samples): void {
    const re = this.#faRe;
    const im = this.#faIm;
    re.set(head(inRe, this.bins));
    im.set(head(inIm, this.bins));
    const ta = this.#ta.byteOffset;
    this.#inverse(re.byteOffset, im.byteOffset, re.byteOffset, im.byteOffset, ta, ta);
    output.set(this.#ta);
  }

  override inverse2(aRe: Samples, aIm: Samples, a: Samples, bRe: Samples, bIm: Samples, b: Samples): void {
    const K = this.bins;
    const ra = this.#faRe;
    const ia = this.#faIm;
    const rb = this.#fbRe;
    const ib = this.#fbIm;
    ra.set(head(aRe, K));
    ia.set(head(aIm, K));
    rb.set(head(bRe, K));
    ib.set(head(bIm, K));
    this.#inverse(ra.byteOffset, ia.byteOffset, rb.byteOffset, ib.byteOffset, this.#ta.byteOffset, this.#tb.byteOffset);
    a.set(this.#ta);
    b.set(this.#tb);
  }

  #forward(a: number, b: number, aRe: number, aIm: number, bRe: number, bIm: number): void {
    this.#k.realForwardIn(a, b, this.#z[0]!, this.#z[1]!, this.#M);
    this.#complex();
    this.#k.realForwardOut(this.#Z[0]!, this.#Z[1]!, aRe, aIm, bRe, bIm, this.#wr, this.#wi, this.#M);
  }

  #inverse(aRe: number, aIm: number, bRe: number, bIm: number, a: number, b: number): void {
    const M = this.#M;
    this.#k.realInverseIn(aRe, aIm, bRe, bIm, this.#z[0]!, this.#z[1]!, this.#wr, this.#wi, M);
    this.#complex();
    this.#k.realInverseOut(this.#Z[0]!, this.#Z[1]!, a, b, M, 1 / M);
  }

  /** z → Z through the stages (Stockham ping-pong between two scratch pairs). */
  #complex(): void {
    const k = this.#k;
    const plan = this.#plan;
    const last = plan.length - 1;
    let xr = this.#z[0]!;
    let xi = this.#z[1]!;
    for (let s = 0; s <= last; s++) {
      const st = plan[s]!;
      const yr = s === last ? this.#Z[0]! : this.#buf[2 * (s & 1)]!;
      const yi = s === last ? this.#Z[1]! : this.#buf[2 * (s & 1) + 1]!;
      switch (st.radix) {
        case 4:
          k.radix4(xr, xi, yr, yi, st.m, st.stride, st.tr, st.ti);
          break;
        case 2:
          k.radix2(xr, xi, yr, yi, st.m, st.stride, st.tr, st.ti);
          break;
        case 3:
          k.radix3(xr, xi, yr, yi, st.m, st.stride, st.tr, st.ti, FFT_CONSTANTS.sin60);
          break;
        default:
          k.radix5(xr, xi, yr, yi, st.m, st.stride, st.tr, st.ti, this.#consts);
      }
      xr = yr;
      xi = yi;
    }
  }
}
