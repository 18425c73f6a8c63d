/**
 * Where speech starts and ends in generated audio, so a caller knows the exact instant its turn
 * ended (its last voiced sample) and the answer latency can be measured from there.
 */

/** Voiced range of a signal: `[start, end)` in samples; empty (`start === end`) when all silent. */
export interface VoicedRange {
  readonly start: number;
  readonly end: number;
}

/**
 * Finds the first and last voiced samples. A 10 ms window is voiced when its RMS is within
 * `dynamicRangeDb` of the loudest window and above `floorDbfs` (40 dB under the peak window keeps
 * breath and the tail of a vowel, and drops espeak's digital near-silence). Inside the first and
 * last voiced windows the bound is refined to the first/last sample above that window threshold.
 * @example findVoicedRange(pcm, 16000) // { start: 1200, end: 30400 }
 */
export function findVoicedRange(pcm: Int16Array, sampleRateHz: number, dynamicRangeDb = 40, floorDbfs = -55): VoicedRange {
  const win = Math.max(1, Math.round(sampleRateHz / 100));
  const windows = Math.ceil(pcm.length / win);
  const rms = new Float64Array(windows);
  let peak = 0;
  for (let w = 0; w < windows; w++) {
    let sum = 0;
    const end = Math.min(pcm.length, (w + 1) * win);
    for (let i = w * win; i < end; i++) sum += pcm[i]! * pcm[i]!;
    rms[w] = Math.sqrt(sum / (end - w * win));
    if (rms[w]! > peak) peak = rms[w]!;
  }
  const threshold = Math.max(peak * 10 ** (-dynamicRangeDb / 20), 32768 * 10 ** (floorDbfs / 20));
  let first = -1;
  let last = -1;
  for (let w = 0; w < windows; w++) {
    if (rms[w]! < threshold) continue;
    if (first < 0) first = w;
    last = w;
  }
  if (first < 0) return { start: 0, end: 0 };
  // Sample-level refinement: amplitude above the RMS threshold marks the edge of the voice.
  let start = first * win;
  const firstEnd = Math.min(pcm.length, (first + 1) * win);
  while (start < firstEnd - 1 && Math.abs(pcm[start]!) < threshold) start++;
  let end = Math.min(pcm.length, (last + 1) * win);
  while (end > last * win + 1 && Math.abs(pcm[end - 1]!) < threshold) end--;
  return { start, end };
}
