/**
 * The far end's recent past, one slot per 10 ms block, long enough to cover the whole delay range
 * plus the filter: the spectrum of each block's 2B frame (what the partitioned filter multiplies)
 * and its energy. Realigning the bulk delay only changes which slots the filter reads.
 */
import type { RealFft } from './fft.ts';
import type { SpectrumHistory } from './partitioned-filter.ts';
import { heapRegion, type Region } from './wasm/arena.ts';

/** Below −100 dBFS (mean square) a far-end block is digital silence: no transform, no echo. */
export const FAR_IDLE_MS = 1e-10;

/**
 * Ring of far-end spectra and energies.
 *
 * @example
 * const active = history.push(farBlock, 1e-6);
 * const slot = history.slotBack(delayBlocks); // the block played `delayBlocks` ago
 */
export class FarHistory implements SpectrumHistory {
  /** Spectra, slot-major: re[slot * bins + f]. */
  readonly re: Float32Array;
  readonly im: Float32Array;
  /** Mean square of each slot's (newest) block. */
  readonly energy: Float64Array;
  /** Power spectrum of the newest frame. */
  readonly power: Float64Array;
  /** Number of slots. */
  readonly size: number;
  /** Loudest block (mean square) in the whole history, as of the last {@link push}. */
  maxAllMs = 0;
  private readonly B: number;
  private readonly K: number;
  private readonly fft: RealFft;
  private readonly frame: Float64Array;
  private readonly prevBlock: Float64Array;
  private readonly specRe: Float64Array;
  private readonly specIm: Float64Array;
  private headSlot = 0;

  /** `region` supplies the spectrum planes (the SIMD kernels read them in their arena). */
  constructor(blockSamples: number, slots: number, fft: RealFft, region: Region = heapRegion) {
    const B = blockSamples;
    const K = B + 1;
    this.B = B;
    this.K = K;
    this.size = slots;
    this.fft = fft;
    this.re = region.f32(slots * K);
    this.im = region.f32(slots * K);
    this.energy = new Float64Array(slots);
    this.power = new Float64Array(K);
    this.frame = new Float64Array(2 * B);
    this.prevBlock = new Float64Array(B);
    this.specRe = new Float64Array(K);
    this.specIm = new Float64Array(K);
  }

  /** Slot of the newest block. */
  get head(): number {
    return this.headSlot;
  }

  /** Slot of the block played `back` blocks before the newest (0 ≤ back < size). */
  slotBack(back: number): number {
    const s = this.headSlot - back;
    return s < 0 ? s + this.size : s;
  }

  /** True when the slot's 2B frame (its block and the one before) is digital silence. */
  isSilent(slot: number): boolean {
    return this.energy[slot]! < FAR_IDLE_MS && this.energy[slot === 0 ? this.size - 1 : slot - 1]! < FAR_IDLE_MS;
  }

  /** Loudest block (mean square) among `count` blocks starting `back` blocks before the newest. */
  maxEnergy(back: number, count: number): number {
    let m = 0;
    for (let k = 0; k < count; k++) {
      const e = this.energy[this.slotBack(back + k)]!;
      if (e > m) m = e;
    }
    return m;
  }

  /** Adds the newest far-end block (B samples); returns whether its mean square exceeds `activeMs`. */
  push(block: Float64Array, activeMs: number): boolean {
    const { B, K } = this;
    const fr = this.frame;
    const prev = this.energy[this.headSlot]!;
    this.headSlot = this.headSlot + 1 === this.size ? 0 : this.headSlot + 1;
    let e = 0;
    for (let i = 0; i < B; i++) {
      fr[i] = this.prevBlock[i]!;
      const x = block[i]!;
      fr[B + i] = x;
      this.prevBlock[i] = x;
      e += x * x;
    }
    e /= B;
    this.energy[this.headSlot] = e;
    let m = 0;
    for (let i = 0; i < this.size; i++) if (this.energy[i]! > m) m = this.energy[i]!;
    this.maxAllMs = m;
    const hb = this.headSlot * K;
    if (e < FAR_IDLE_MS && prev < FAR_IDLE_MS) {
      // Silence (TTS pauses are digital zero): no transform needed.
      this.re.fill(0, hb, hb + K);
      this.im.fill(0, hb, hb + K);
      this.power.fill(0);
      return false;
    }
    this.fft.forward(fr, this.specRe, this.specIm);
    for (let f = 0; f < K; f++) {
      const re = this.specRe[f]!;
      const im = this.specIm[f]!;
      this.re[hb + f] = re;
      this.im[hb + f] = im;
      this.power[f] = re * re + im * im;
    }
    return e > activeMs;
  }

  /** Forgets the far end (new call). */
  reset(): void {
    this.re.fill(0);
    this.im.fill(0);
    this.energy.fill(0);
    this.power.fill(0);
    this.prevBlock.fill(0);
    this.headSlot = 0;
    this.maxAllMs = 0;
  }
}
