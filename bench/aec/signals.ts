/**
 * Signal building blocks of the AEC bench: seeded noise, echo paths (line hybrid, room), FFT
 * convolution, and the echo-return-loss scaling.
 */
import { RealFft } from '../../dsp/aec/index.ts';

/** Seeded PRNG (mulberry32) with uniform and Gaussian draws. */
export class Rng {
  private state: number;

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

  /** Standard normal (Box–Muller). */
  gauss(): number {
    const u = Math.max(1e-12, this.uniform());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}

/** An echo path: impulse response shape, bulk delay and echo return loss. */
export interface EchoPath {
  /** Line hybrid (short, dispersive) or room (exponentially decaying reverberation). */
  readonly kind: 'hybrid' | 'room';
  /** Length of the response: hybrid 4–8 ms, room 50–150 ms (−60 dB at the end). */
  readonly lengthMs: number;
  /** Bulk delay before the response, ms (the round trip). */
  readonly delayMs: number;
  /** Echo return loss: far-end level over echo level, dB. */
  readonly erlDb: number;
  readonly seed: number;
}

/** Unit-energy impulse response of `path` (without the bulk delay). */
export function impulseResponse(path: EchoPath, sampleRateHz: number): Float32Array {
  const rng = new Rng(path.seed);
  const n = Math.max(1, Math.round((path.lengthMs / 1000) * sampleRateHz));
  const h = new Float32Array(n);
  if (path.kind === 'hybrid') {
    // Damped resonance of the hybrid/line mismatch plus a little dispersion noise.
    const f0 = 500 + rng.uniform() * 800;
    const tau = path.lengthMs / 1000 / 5;
    const phase = rng.uniform() * Math.PI;
    for (let i = 0; i < n; i++) {
      const t = i / sampleRateHz;
      h[i] = Math.exp(-t / tau) * (Math.cos(2 * Math.PI * f0 * t + phase) + 0.2 * rng.gauss());
    }
  } else {
    const tau = path.lengthMs / 1000 / Math.log(1000); // amplitude −60 dB at the end
    for (let i = 0; i < n; i++) h[i] = rng.gauss() * Math.exp(-i / sampleRateHz / tau);
    h[0] = 2 + Math.abs(h[0] as number) * 2; // the direct path
  }
  let e = 0;
  for (let i = 0; i < n; i++) e += (h[i] as number) ** 2;
  const g = 1 / Math.sqrt(e);
  for (let i = 0; i < n; i++) h[i] = (h[i] as number) * g;
  return h;
}

/** Linear convolution y = h * x, truncated to x's length (FFT overlap-add). */
export function convolve(x: Float32Array, h: Float32Array): Float32Array {
  let size = 2;
  while (size < 4 * h.length) size *= 2;
  size = Math.max(size, 4096);
  const fft = new RealFft(size);
  const hop = size - h.length + 1;
  const buf = new Float64Array(size);
  const hr = new Float64Array(fft.bins);
  const hi = new Float64Array(fft.bins);
  buf.set(h);
  fft.forward(buf, hr, hi);
  const xr = new Float64Array(fft.bins);
  const xi = new Float64Array(fft.bins);
  const y = new Float32Array(x.length);
  for (let start = 0; start < x.length; start += hop) {
    buf.fill(0);
    const end = Math.min(x.length, start + hop);
    for (let i = start; i < end; i++) buf[i - start] = x[i] as number;
    fft.forward(buf, xr, xi);
    for (let f = 0; f < fft.bins; f++) {
      const a = xr[f] as number;
      const b = xi[f] as number;
      xr[f] = a * (hr[f] as number) - b * (hi[f] as number);
      xi[f] = a * (hi[f] as number) + b * (hr[f] as number);
    }
    fft.inverse(xr, xi, buf);
    for (let i = 0; i < size && start + i < x.length; i++) y[start + i] = (y[start + i] as number) + (buf[i] as number);
  }
  return y;
}

/** Echo of `far` through `path`, scaled so that 10·log10(Σfar²/Σecho²) = path.erlDb. */
export function echoThrough(far: Float32Array, path: EchoPath, sampleRateHz: number): Float32Array {
  const wet = convolve(far, impulseResponse(path, sampleRateHz));
  const delay = Math.round((path.delayMs / 1000) * sampleRateHz);
  const echo = new Float32Array(far.length);
  for (let i = delay; i < far.length; i++) echo[i] = wet[i - delay] as number;
  const g = Math.sqrt(energy(far) / (energy(echo) + 1e-30)) * Math.pow(10, -path.erlDb / 20);
  for (let i = 0; i < echo.length; i++) echo[i] = (echo[i] as number) * g;
  return echo;
}

/** Background noise: mostly low-frequency (one-pole low-pass) plus a white part, at `dbfs` RMS. */
export function backgroundNoise(samples: number, dbfs: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(samples);
  let lp = 0;
  for (let i = 0; i < samples; i++) {
    const w = rng.gauss();
    lp = 0.95 * lp + 0.3 * w;
    out[i] = lp + 0.5 * w;
  }
  const g = Math.pow(10, dbfs / 20) / Math.sqrt(energy(out) / samples);
  for (let i = 0; i < samples; i++) out[i] = (out[i] as number) * g;
  return out;
}

/** Σx² over [from, to). */
export function energy(x: Float32Array, from = 0, to = x.length): number {
  let e = 0;
  for (let i = from; i < to; i++) e += (x[i] as number) ** 2;
  return e;
}
