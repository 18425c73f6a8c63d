/**
 * Measurements of the AEC bench.
 *
 * - **ERLE** (echo return loss enhancement): 10·log10(Σ echo² / Σ out²) over the steady-state
 *   far-end-only frames: 20 ms frames where the echo is at least 10 dB above the background noise
 *   and the caller is silent (no caller speech within 0.3 s before to 1 s after), excluding the
 *   first 10 s of the call and the first 10 s after an echo-path change. `echo` is the echo alone
 *   as it arrives in the near end; `out` is the canceller's output, compared after its latency.
 *   The background noise stays in `out`, so the figure is capped by the echo-to-noise ratio.
 * - **Double-talk attenuation**: 10·log10(Σ s² / Σ ŝ²) over the caller's utterances, where s is the
 *   caller's speech alone and ŝ is that same speech after the canceller's time-varying processing
 *   (its linear filter subtracts only an estimate built from the far end, so the caller's
 *   component of the output is s through the suppressor's gains: the canceller passes the clean
 *   speech through those exact gains as a probe while it processes the real mixture).
 * - **Convergence time**: from the first far-end speech (or the path change) to the end of the
 *   first 0.5 s window in which the linear filter's ERLE (same frame selection) reaches 20 dB.
 */

/** Sample range [start, end). */
export type Range = readonly [number, number];

/** Frame length used to select frames, samples per 20 ms. */
function frameOf(sampleRateHz: number): number {
  return Math.round(sampleRateHz * 0.02);
}

/**
 * 20 ms frames (as sample ranges) inside `within` where the echo is ≥ 10 dB above the noise and
 * no caller speech is near.
 */
export function echoOnlyFrames(echo: Float32Array, noise: Float32Array, caller: readonly Range[], within: readonly Range[], sampleRateHz: number): Range[] {
  const F = frameOf(sampleRateHz);
  const before = Math.round(0.3 * sampleRateHz);
  const after = Math.round(1.0 * sampleRateHz);
  const frames: Range[] = [];
  for (const [a, b] of within) {
    for (let s = a; s + F <= b; s += F) {
      if (caller.some(([c, d]) => s + F > c - before && s < d + after)) continue;
      let ee = 0;
      let en = 0;
      for (let i = s; i < s + F; i++) {
        ee += (echo[i] as number) ** 2;
        en += (noise[i] as number) ** 2;
      }
      if (ee > 10 * en) frames.push([s, s + F]);
    }
  }
  return frames;
}

/** 10·log10(Σ echo² / Σ out²) over `frames`, `out` read `latency` samples later. */
export function erleDb(echo: Float32Array, out: Float32Array, frames: readonly Range[], latency: number): number {
  let ee = 0;
  let eo = 0;
  for (const [a, b] of frames) {
    for (let i = a; i < b; i++) {
      ee += (echo[i] as number) ** 2;
      eo += ((out[i + latency] as number | undefined) ?? 0) ** 2;
    }
  }
  return eo > 0 ? 10 * Math.log10(ee / eo) : Infinity;
}

/** 10·log10(Σ s² / Σ ŝ²) over `segments`, ŝ read `latency` samples later. */
export function attenuationDb(s: Float32Array, processed: Float32Array, segments: readonly Range[], latency: number): number {
  let es = 0;
  let ep = 0;
  for (const [a, b] of segments) {
    for (let i = a; i < b; i++) {
      es += (s[i] as number) ** 2;
      ep += ((processed[i + latency] as number | undefined) ?? 0) ** 2;
    }
  }
  return 10 * Math.log10(es / ep);
}

/**
 * Milliseconds from `fromSample` until the end of the first 0.5 s window (stepped by 100 ms) whose
 * ERLE over its selected frames reaches `targetDb`; null if it never does before `untilSample`.
 */
export function convergenceMs(echo: Float32Array, out: Float32Array, frames: readonly Range[], fromSample: number, untilSample: number, sampleRateHz: number, latency: number, targetDb = 20): number | null {
  const win = Math.round(0.5 * sampleRateHz);
  const step = Math.round(0.1 * sampleRateHz);
  for (let t = fromSample; t + win <= untilSample; t += step) {
    const inWin = frames.filter(([a, b]) => a >= t && b <= t + win);
    // At least 150 ms of echo in the window, or the figure is noise.
    if (inWin.length * frameOf(sampleRateHz) < 0.15 * sampleRateHz) continue;
    if (erleDb(echo, out, inWin, latency) >= targetDb) return Math.round(((t + win - fromSample) * 1000) / sampleRateHz);
  }
  return null;
}

/** First sample where `x` exceeds −50 dBFS. */
export function onsetSample(x: Float32Array): number {
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i] as number) > 0.003) return i;
  return 0;
}
