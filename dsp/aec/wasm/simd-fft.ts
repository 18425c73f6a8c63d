/**
 * {@link RealFft} on the WebAssembly kernels: the same plan (factors, twiddles, constants) as the
 * JavaScript transform, run stage by stage in the arena, bit-identical results. One instance per
 * size and thread serves every canceller there (its scratch is only used within a call).
 */
import { FFT_CONSTANTS, type Stage } from '../complex-fft.ts';
import { RealFft } from '../fft.ts';
import { regionBytes, type KernelArena, type KernelExports } from './arena.ts';

interface StagePlan {
  readonly radix: number;
  readonly m: number;
  readonly stride: number;
  readonly tr: number;
  readonly ti: number;
}

const cache = new WeakMap<KernelArena, Map<number, RealFft>>();

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
  readonly #input: Float64Array;
  readonly #outRe: Float64Array;
  readonly #outIm: Float64Array;
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
    const B = this.bins;
    const stages = this.cfft.stages;
    const twBytes = stages.map((st: Stage) => 8 * st.twRe.length);
    const region = arena.region(regionBytes(8 * size, 8 * B, 8 * B, ...Array<number>(8).fill(8 * M), 8 * B, 8 * B, 8 * 4, ...twBytes, ...twBytes));
    this.#k = arena.kernels;
    this.#M = M;
    this.#input = region.f64(size);
    this.#outRe = region.f64(B);
    this.#outIm = region.f64(B);
    const plane = () => region.f64(M).byteOffset;
    this.#z = [plane(), plane()];
    this.#Z = [plane(), plane()];
    this.#buf = [plane(), plane(), plane(), plane()];
    const wr = region.f64(B);
    wr.set(this.wRe);
    const wi = region.f64(B);
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

  override forward(input: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
    const k = this.#k;
    const M = this.#M;
    this.#input.set(input.length === this.size ? input : input.subarray(0, this.size));
    k.realForwardIn(this.#input.byteOffset, this.#z[0]!, this.#z[1]!, M);
    this.#complex();
    k.realForwardOut(this.#Z[0]!, this.#Z[1]!, this.#outRe.byteOffset, this.#outIm.byteOffset, this.#wr, this.#wi, M);
    outRe.set(this.#outRe);
    outIm.set(this.#outIm);
  }

  override inverse(inRe: Float64Array, inIm: Float64Array, output: Float64Array): void {
    const k = this.#k;
    const M = this.#M;
    this.#outRe.set(inRe.length === this.bins ? inRe : inRe.subarray(0, this.bins));
    this.#outIm.set(inIm.length === this.bins ? inIm : inIm.subarray(0, this.bins));
    k.realInverseIn(this.#outRe.byteOffset, this.#outIm.byteOffset, this.#z[0]!, this.#z[1]!, this.#wr, this.#wi, M);
    this.#complex();
    k.realInverseOut(this.#Z[0]!, this.#Z[1]!, this.#input.byteOffset, M, 1 / M);
    output.set(this.#input);
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
