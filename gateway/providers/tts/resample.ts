import { Resampler } from '../../../dsp/resample/index.ts';

/** Turns chunks at one rate into chunks at another, keeping state across chunks. */
export interface ChunkResampler {
  process(input: Int16Array): Int16Array;
}

/**
 * The resampler for TTS output: dsp's polyphase filter for telephone ratios (24 ↔ 16 ↔ 8 kHz),
 * linear interpolation for ratios it does not cover (espeak's 22.05 kHz).
 */
export function createChunkResampler(fromHz: number, toHz: number): ChunkResampler {
  if (fromHz === toHz) return { process: (input) => input };
  let polyphase: Resampler;
  try {
    polyphase = new Resampler(fromHz, toHz);
  } catch {
    return new LinearResampler(fromHz, toHz);
  }
  return {
    process(input) {
      const out = new Int16Array(polyphase.maxOutputLength(input.length));
      const n = polyphase.process(input, out);
      return n === out.length ? out : out.subarray(0, n);
    },
  };
}

/**
 * A streaming linear resampler for TTS output (speech only: OpenAI's 24 kHz PCM, espeak's
 * 22.05 kHz, down or up to the outbound rate). Linear interpolation is adequate for telephone-band
 * speech played once; the DSP chain's own resampler is for the carrier audio.
 */
export class LinearResampler {
  readonly #step: number;
  /** Position of the next output sample, in input samples, relative to `#prev`. */
  #pos = 0;
  #prev: number | undefined;

  constructor(
    readonly fromHz: number,
    readonly toHz: number,
  ) {
    if (!(fromHz > 0 && toHz > 0)) throw new RangeError(`bad resampling rates ${fromHz} → ${toHz}`);
    this.#step = fromHz / toHz;
  }

  /** Resamples the next chunk; state carries over so that chunk joins are seamless. */
  process(input: Int16Array): Int16Array {
    if (this.fromHz === this.toHz) return input;
    if (input.length === 0) return input;
    // Virtual buffer: [prev, ...input] (prev absent on the first chunk).
    const lead = this.#prev === undefined ? 0 : 1;
    const len = input.length + lead;
    const at = (k: number): number => (lead === 1 ? (k === 0 ? (this.#prev as number) : (input[k - 1] as number)) : (input[k] as number));
    const count = Math.max(0, Math.ceil((len - 1 - this.#pos) / this.#step));
    const out = new Int16Array(count);
    let pos = this.#pos;
    for (let n = 0; n < count; n++) {
      const j = Math.floor(pos);
      const frac = pos - j;
      const a = at(j);
      const b = at(j + 1);
      out[n] = Math.round(a + (b - a) * frac);
      pos += this.#step;
    }
    this.#pos = pos - (len - 1);
    this.#prev = input[input.length - 1];
    return out;
  }
}

/**
 * Turns a byte stream of 16-bit little-endian PCM into Int16Array chunks, carrying an odd byte
 * over to the next chunk (HTTP chunks split samples anywhere).
 */
export async function* pcm16FromBytes(stream: AsyncIterable<Uint8Array>): AsyncGenerator<Int16Array> {
  let carry: number | undefined;
  for await (const chunk of stream) {
    if (chunk.length === 0) continue;
    let bytes = chunk;
    if (carry !== undefined) {
      const joined = new Uint8Array(chunk.length + 1);
      joined[0] = carry;
      joined.set(chunk, 1);
      bytes = joined;
      carry = undefined;
    }
    const even = bytes.length - (bytes.length % 2);
    if (even < bytes.length) carry = bytes[bytes.length - 1];
    if (even === 0) continue;
    if (bytes.byteOffset % 2 === 0) {
      // Aligned: a view of the chunk's own memory, no copy (PCM is little-endian, as is every host we run on).
      yield new Int16Array(bytes.buffer, bytes.byteOffset, even / 2);
      continue;
    }
    // Copy into an aligned buffer: the view starts at an odd offset.
    const out = new Int16Array(even / 2);
    new Uint8Array(out.buffer).set(bytes.subarray(0, even));
    yield out;
  }
}
