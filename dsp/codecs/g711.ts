/**
 * G.711 μ-law and A-law (ITU-T G.711), table driven. Decoding is a 256-entry lookup; encoding is
 * a 64 Ki-entry lookup indexed by the 16-bit sample, so a 20 ms frame costs one load per sample.
 * Tables are built once when the module loads. All functions write into caller-owned arrays.
 */

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

/** Encodes one 16-bit sample to μ-law (reference algorithm, used to build the table). */
function mulawEncodeRef(sample: number): number {
  let s = sample;
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > MULAW_CLIP) s = MULAW_CLIP;
  s += MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes one μ-law byte (reference algorithm, used to build the table). */
function mulawDecodeRef(byte: number): number {
  const u = ~byte & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return (u & 0x80) !== 0 ? -magnitude : magnitude;
}

/** Encodes one 16-bit sample to A-law (reference algorithm, used to build the table). */
function alawEncodeRef(sample: number): number {
  // A-law works on 13-bit magnitudes: drop the 3 low bits of the 16-bit sample.
  let s = sample >> 3;
  let mask: number;
  if (s >= 0) {
    mask = 0xd5;
  } else {
    mask = 0x55;
    s = -s - 1;
  }
  let exponent = 0;
  for (let t = s >> 5; t > 0 && exponent < 7; t >>= 1) exponent++;
  const mantissa = exponent === 0 ? (s >> 1) & 0x0f : (s >> exponent) & 0x0f;
  if (s >= 0x1000) return (0x7f ^ mask) & 0xff; // clip to the largest code
  return ((exponent << 4) | mantissa) ^ mask;
}

/** Decodes one A-law byte (reference algorithm, used to build the table). */
function alawDecodeRef(byte: number): number {
  const a = byte ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
  if ((a & 0x80) === 0) magnitude = -magnitude;
  return magnitude;
}

const MULAW_DECODE = new Int16Array(256);
const ALAW_DECODE = new Int16Array(256);
const MULAW_ENCODE = new Uint8Array(65536);
const ALAW_ENCODE = new Uint8Array(65536);

for (let b = 0; b < 256; b++) {
  MULAW_DECODE[b] = mulawDecodeRef(b);
  ALAW_DECODE[b] = alawDecodeRef(b);
}
for (let i = 0; i < 65536; i++) {
  const sample = (i << 16) >> 16; // index is the sample's two's-complement bit pattern
  MULAW_ENCODE[i] = mulawEncodeRef(sample);
  ALAW_ENCODE[i] = alawEncodeRef(sample);
}

/**
 * Decodes μ-law bytes into 16-bit PCM. Writes `input.length` samples into `output`.
 * @example mulawDecode(payload, pcm8k.subarray(0, payload.length))
 */
export function mulawDecode(input: Uint8Array, output: Int16Array): void {
  const n = input.length;
  if (output.length < n) throw new RangeError(`output holds ${output.length} samples, need ${n}`);
  for (let i = 0; i < n; i++) output[i] = MULAW_DECODE[input[i] as number] as number;
}

/** Encodes 16-bit PCM into μ-law bytes. Writes `input.length` bytes into `output`. */
export function mulawEncode(input: Int16Array, output: Uint8Array): void {
  const n = input.length;
  if (output.length < n) throw new RangeError(`output holds ${output.length} bytes, need ${n}`);
  for (let i = 0; i < n; i++) output[i] = MULAW_ENCODE[(input[i] as number) & 0xffff] as number;
}

/** Decodes A-law bytes into 16-bit PCM. Writes `input.length` samples into `output`. */
export function alawDecode(input: Uint8Array, output: Int16Array): void {
  const n = input.length;
  if (output.length < n) throw new RangeError(`output holds ${output.length} samples, need ${n}`);
  for (let i = 0; i < n; i++) output[i] = ALAW_DECODE[input[i] as number] as number;
}

/** Encodes 16-bit PCM into A-law bytes. Writes `input.length` bytes into `output`. */
export function alawEncode(input: Int16Array, output: Uint8Array): void {
  const n = input.length;
  if (output.length < n) throw new RangeError(`output holds ${output.length} bytes, need ${n}`);
  for (let i = 0; i < n; i++) output[i] = ALAW_ENCODE[(input[i] as number) & 0xffff] as number;
}

/** μ-law code of one 16-bit sample. */
export function mulawEncodeSample(sample: number): number {
  return MULAW_ENCODE[sample & 0xffff] as number;
}

/** 16-bit value of one μ-law code. */
export function mulawDecodeSample(byte: number): number {
  return MULAW_DECODE[byte & 0xff] as number;
}

/** A-law code of one 16-bit sample. */
export function alawEncodeSample(sample: number): number {
  return ALAW_ENCODE[sample & 0xffff] as number;
}

/** 16-bit value of one A-law code. */
export function alawDecodeSample(byte: number): number {
  return ALAW_DECODE[byte & 0xff] as number;
}

/** μ-law byte of digital silence (0 decodes to 0). */
export const MULAW_SILENCE = 0xff;
/** A-law byte of digital silence (decodes to +8, the smallest level). */
export const ALAW_SILENCE = 0xd5;
