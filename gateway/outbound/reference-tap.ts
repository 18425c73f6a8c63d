/**
 * The echo canceller's reference must be exactly what the caller hears. For μ-law carriers that
 * is the PCM after μ-law quantisation, so the tap applies it; PCM carriers pass through.
 */
import { mulawDecode, mulawEncode } from '../../dsp/codecs/index.ts';

/** Per-call tap from sent PCM to the reference. Allocation-free; the returned view is valid until the next call. */
export class ReferenceTap {
  readonly #mulaw: boolean;
  /** Scratch for μ-law carriers only (up to the 960 samples `of` accepts); PCM carriers need none. */
  readonly #codes: Uint8Array;
  readonly #pcm: Int16Array;

  constructor(mulaw: boolean) {
    this.#mulaw = mulaw;
    this.#codes = new Uint8Array(mulaw ? 960 : 0);
    this.#pcm = new Int16Array(mulaw ? 960 : 0);
  }

  /** The reference of one sent frame (≤ 960 samples). */
  of(pcm: Int16Array): Int16Array {
    if (!this.#mulaw) return pcm;
    const n = pcm.length;
    mulawEncode(pcm, this.#codes.subarray(0, n));
    mulawDecode(this.#codes.subarray(0, n), this.#pcm.subarray(0, n));
    return this.#pcm.subarray(0, n);
  }
}
