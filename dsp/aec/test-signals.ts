/**
 * Deterministic test signals for the echo canceller's tests: seeded noise, a speech-like source
 * (voiced syllables with formants, fricatives, pauses), echo paths and helpers. Test support only.
 */

/** Seeded PRNG (mulberry32) with uniform and Gaussian draws. */
export class Rng {
  private state: number;
  private spare = Number.NaN;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal. */
  gauss(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    const u = Math.max(1e-12, this.uniform());
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** White Gaussian noise of the given RMS (full scale 1). */
export function whiteNoise(samples: number, rms: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(samples);
  for (let i = 0; i < samples; i++) out[i] = rng.gauss() * rms;
  return out;
}

/** Linear convolution truncated to the input length: y = h * x. */
export function convolve(x: Float32Array, h: Float32Array | readonly number[]): Float32Array {
  const y = new Float32Array(x.length);
  const L = h.length;
  for (let n = 0; n < x.length; n++) {
    let s = 0;
    const m = Math.min(L, n + 1);
    for (let k = 0; k < m; k++) s += (h[k] as number) * (x[n - k] as number);
    y[n] = s;
  }
  return y;
}

/** A dispersive line-hybrid echo response (a few ms), unit energy. */
export function hybridResponse(sampleRateHz: number, seed = 1): Float32Array {
  const rng = new Rng(seed);
  const n = Math.round(0.006 * sampleRateHz);
  const h = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRateHz;
    // Damped oscillation plus a little noise: band-pass character of a hybrid + line.
    h[i] = Math.exp(-t / 0.0012) * Math.cos(2 * Math.PI * 900 * t + 0.3) + 0.05 * rng.gauss() * Math.exp(-t / 0.002);
  }
  return normalise(h);
}

/** A room response: exponentially decaying noise reaching −60 dB at `lengthMs`, unit energy. */
export function roomResponse(sampleRateHz: number, lengthMs: number, seed = 2): Float32Array {
  const rng = new Rng(seed);
  const n = Math.round((lengthMs / 1000) * sampleRateHz);
  const h = new Float32Array(n);
  const tau = lengthMs / 1000 / Math.log(1000); // amplitude −60 dB at the end
  for (let i = 0; i < n; i++) h[i] = rng.gauss() * Math.exp(-i / sampleRateHz / tau);
  h[0] = 3 * Math.abs(h[0] as number) + 1; // a direct path
  return normalise(h);
}

/** Scales to unit energy. */
export function normalise(h: Float32Array): Float32Array {
  let e = 0;
  for (const v of h) e += v * v;
  const g = 1 / Math.sqrt(e);
  for (let i = 0; i < h.length; i++) h[i] = (h[i] as number) * g;
  return h;
}

/** An echo path with a bulk delay: `delay` zeros then `h`, scaled by `gain`. */
export function delayedPath(h: Float32Array, delaySamples: number, gain: number): Float32Array {
  const out = new Float32Array(delaySamples + h.length);
  for (let i = 0; i < h.length; i++) out[delaySamples + i] = (h[i] as number) * gain;
  return out;
}

/** Echo of `far` through `h` with a bulk delay (FIR part convolved, delay applied by shifting). */
export function echoOf(far: Float32Array, h: Float32Array, delaySamples: number, gain: number): Float32Array {
  const wet = convolve(far, h);
  const out = new Float32Array(far.length);
  for (let i = delaySamples; i < far.length; i++) out[i] = (wet[i - delaySamples] as number) * gain;
  return out;
}

/** Element-wise sum of equal-length signals. */
export function mix(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts[0]?.length ?? 0);
  for (const p of parts) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (p[i] as number);
  return out;
}

/**
 * Speech-like signal: phrases of voiced syllables (glottal pulses through formant resonators,
 * jittered pitch) and fricatives, separated by pauses; RMS over active parts ≈ `rms`.
 */
export function speechLike(samples: number, sampleRateHz: number, rms: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(samples);
  let i = Math.round(rng.uniform() * 0.2 * sampleRateHz);
  while (i < samples) {
    const syllables = 3 + Math.floor(rng.uniform() * 6);
    for (let s = 0; s < syllables && i < samples; s++) {
      const len = Math.round((0.08 + rng.uniform() * 0.2) * sampleRateHz);
      if (rng.uniform() < 0.25) fricative(out, i, len, rng);
      else voiced(out, i, len, sampleRateHz, rng);
      i += len + Math.round((0.02 + rng.uniform() * 0.08) * sampleRateHz);
    }
    i += Math.round((0.2 + rng.uniform() * 0.5) * sampleRateHz);
  }
  let e = 0;
  let active = 0;
  for (const v of out) {
    if (v !== 0) {
      e += v * v;
      active++;
    }
  }
  const g = active > 0 ? rms / Math.sqrt(e / active) : 0;
  for (let k = 0; k < samples; k++) out[k] = (out[k] as number) * g;
  return out;
}

function voiced(out: Float32Array, start: number, len: number, fs: number, rng: Rng): void {
  const f0 = 100 + rng.uniform() * 120;
  const formants = [300 + rng.uniform() * 500, 900 + rng.uniform() * 1300, 2200 + rng.uniform() * 800];
  const state = new Float64Array(6);
  let phase = 0;
  for (let n = 0; n < len && start + n < out.length; n++) {
    phase += (f0 * (1 + 0.01 * rng.gauss())) / fs;
    let src = 0;
    if (phase >= 1) {
      phase -= 1;
      src = 1;
    }
    src += 0.02 * rng.gauss();
    let y = 0;
    for (let f = 0; f < 3; f++) {
      const r = Math.exp((-Math.PI * 120) / fs);
      const c = 2 * r * Math.cos((2 * Math.PI * (formants[f] as number)) / fs);
      const v = src + c * (state[2 * f] as number) - r * r * (state[2 * f + 1] as number);
      state[2 * f + 1] = state[2 * f] as number;
      state[2 * f] = v;
      y += v / (f + 1);
    }
    const env = Math.sin((Math.PI * (n + 0.5)) / len);
    out[start + n] = (out[start + n] as number) + y * env;
  }
}

function fricative(out: Float32Array, start: number, len: number, rng: Rng): void {
  let prev = 0;
  for (let n = 0; n < len && start + n < out.length; n++) {
    const w = rng.gauss();
    const hp = w - 0.9 * prev; // tilt toward high frequencies
    prev = w;
    out[start + n] = (out[start + n] as number) + 0.3 * hp * Math.sin((Math.PI * (n + 0.5)) / len);
  }
}

/** Energy ratio in dB: 10·log10(Σa² / Σb²) over [from, to). */
export function energyRatioDb(a: Float32Array, b: Float32Array, from: number, to: number): number {
  let ea = 0;
  let eb = 0;
  for (let i = from; i < to; i++) {
    ea += (a[i] as number) ** 2;
    eb += (b[i] as number) ** 2;
  }
  return 10 * Math.log10(ea / eb);
}
