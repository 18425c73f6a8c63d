import { describe, expect, it } from 'vitest';
import { EchoCanceller } from './echo-canceller.ts';
import { convolve, echoOf, hybridResponse, mix, roomResponse, speechLike, whiteNoise } from './test-signals.ts';

interface Run {
  readonly out: Float32Array;
  readonly linear: Float32Array;
  readonly probeOut: Float32Array;
  readonly aec: EchoCanceller;
}

/** Runs whole signals through a canceller in 20 ms frames, with the linear and probe taps. */
function run(fs: number, near: Float32Array, far: Float32Array, probe?: Float32Array, options: { tailMs?: number; kernels?: 'simd' | 'scalar' } = {}): Run {
  const F = fs / 50;
  const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F, ...options });
  const n = near.length - (near.length % F);
  const out = new Float32Array(n);
  const linear = new Float32Array(n);
  const probeOut = new Float32Array(n);
  const p = probe ?? new Float32Array(n);
  for (let s = 0; s < n; s += F) {
    aec.process(near.subarray(s, s + F), far.subarray(s, s + F), out.subarray(s, s + F), {
      linear: linear.subarray(s, s + F),
      probe: p.subarray(s, s + F),
      probeOut: probeOut.subarray(s, s + F),
    });
  }
  return { out, linear, probeOut, aec };
}

/** 10·log10(Σ ref² / Σ x²) over [fromS, toS), x read `lag` samples later. */
function ratioDb(ref: Float32Array, x: Float32Array, fs: number, fromS: number, toS: number, lag = 0): number {
  let a = 0;
  let b = 0;
  for (let i = Math.round(fromS * fs); i < Math.round(toS * fs); i++) {
    a += ref[i]! ** 2;
    b += (x[i + lag] ?? 0) ** 2;
  }
  return 10 * Math.log10(a / b);
}

describe('EchoCanceller on known signals', () => {
  it.each([8000, 16000])('cancels white noise through a known FIR (room, 200 ms) at %i Hz: linear ERLE > 30 dB within 4 s', (fs) => {
    const far = whiteNoise(fs * 8, 0.1, 1);
    const echo = echoOf(far, roomResponse(fs, 60, 3), Math.round(0.2 * fs), 0.3);
    const r = run(fs, mix(echo, whiteNoise(far.length, 1e-4, 2)), far);
    expect(ratioDb(echo, r.linear, fs, 4, 8)).toBeGreaterThan(30);
    expect(ratioDb(echo, r.out, fs, 4, 8, r.aec.latencySamples)).toBeGreaterThan(45);
    expect(r.aec.converged).toBe(true);
    expect(r.aec.linearErleDb).toBeGreaterThan(30);
  });

  it.each([
    [8000, 50],
    [16000, 200],
    [8000, 500],
    [16000, 800],
  ])('cancels a pure delay with gain (%i Hz, %i ms): linear ERLE > 30 dB within 4 s', (fs, delayMs) => {
    const far = whiteNoise(fs * 8, 0.1, 4);
    const echo = echoOf(far, new Float32Array([1]), Math.round((delayMs / 1000) * fs), 0.5);
    const r = run(fs, mix(echo, whiteNoise(far.length, 1e-4, 5)), far);
    expect(ratioDb(echo, r.linear, fs, 4, 8)).toBeGreaterThan(30);
    expect(Math.abs(r.aec.delayMs - delayMs)).toBeLessThanOrEqual(5);
  });

  it('works at 24 kHz (ACS wideband) too', () => {
    const fs = 24000;
    const far = whiteNoise(fs * 6, 0.1, 62);
    const echo = echoOf(far, roomResponse(fs, 40, 63), Math.round(0.3 * fs), 0.3);
    const r = run(fs, mix(echo, whiteNoise(far.length, 1e-4, 64)), far);
    expect(ratioDb(echo, r.linear, fs, 4, 6)).toBeGreaterThan(30);
    expect(Math.abs(r.aec.delayMs - 300)).toBeLessThanOrEqual(5);
  });

  it('cancels a pure gain (no delay, no filtering) at 16 kHz', () => {
    const fs = 16000;
    const far = whiteNoise(fs * 6, 0.1, 6);
    const echo = echoOf(far, new Float32Array([1]), 0, 0.7);
    const r = run(fs, mix(echo, whiteNoise(far.length, 1e-4, 7)), far);
    expect(ratioDb(echo, r.linear, fs, 3, 6)).toBeGreaterThan(30);
  });

  it.each([
    [8000, 50],
    [16000, 200],
    [16000, 500],
    [8000, 800],
  ])('finds the echo delay of speech through a line hybrid within ±5 ms (%i Hz, %i ms)', (fs, delayMs) => {
    const far = speechLike(fs * 12, fs, 0.1, 8);
    const echo = echoOf(far, hybridResponse(fs, 9), Math.round((delayMs / 1000) * fs), 0.3);
    const r = run(fs, mix(echo, whiteNoise(far.length, 3e-4, 10)), far);
    // The hybrid's strongest tap sits a fraction of a millisecond after its onset.
    expect(Math.abs(r.aec.delayMs - delayMs)).toBeLessThanOrEqual(5);
    expect(r.aec.converged).toBe(true);
  });

  it('cancels speech through a room 800 ms away at 16 kHz: output ERLE > 35 dB after 8 s', () => {
    const fs = 16000;
    const far = speechLike(fs * 16, fs, 0.1, 11);
    const echo = echoOf(far, roomResponse(fs, 100, 12), Math.round(0.8 * fs), 0.25);
    const r = run(fs, mix(echo, whiteNoise(far.length, 3e-4, 13)), far);
    expect(ratioDb(echo, r.linear, fs, 8, 16)).toBeGreaterThan(20);
    expect(ratioDb(echo, r.out, fs, 8, 16, r.aec.latencySamples)).toBeGreaterThan(35);
    expect(r.aec.erleDb).toBeGreaterThan(30);
  });
});

describe('EchoCanceller in double talk', () => {
  it.each([8000, 16000])('keeps its filter and passes the caller within 3 dB (%i Hz)', (fs) => {
    const far = speechLike(fs * 20, fs, 0.1, 14);
    const echo = echoOf(far, roomResponse(fs, 80, 15), Math.round(0.3 * fs), 0.3);
    const caller = speechLike(fs * 20, fs, 0.06, 16);
    // The caller talks over the agent from 12 s to 16 s only (louder than the echo by 6 dB).
    for (let i = 0; i < caller.length; i++) if (i < 12 * fs || i >= 16 * fs) caller[i] = 0;
    const r = run(fs, mix(echo, caller, whiteNoise(far.length, 3e-4, 17)), far, caller);
    const before = ratioDb(echo, r.linear, fs, 9, 12);
    const after = ratioDb(echo, r.linear, fs, 16.5, 19.5);
    expect(before).toBeGreaterThan(20);
    // Not diverged: the far-end-only ERLE right after the double talk is as good as before it.
    expect(after).toBeGreaterThan(before - 3);
    const attenuation = ratioDb(caller, r.probeOut, fs, 12, 16, r.aec.latencySamples);
    expect(attenuation).toBeLessThanOrEqual(3);
    expect(attenuation).toBeGreaterThan(-0.5);
  });

  it('flags double talk while the caller talks over the echo, not before', () => {
    const fs = 16000;
    const F = fs / 50;
    const far = speechLike(fs * 14, fs, 0.1, 18);
    const echo = echoOf(far, hybridResponse(fs, 19), Math.round(0.2 * fs), 0.3);
    const caller = speechLike(fs * 14, fs, 0.08, 20);
    for (let i = 0; i < caller.length; i++) if (i < 9 * fs || i >= 12 * fs) caller[i] = 0;
    const near = mix(echo, caller, whiteNoise(far.length, 3e-4, 21));
    const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F });
    const out = new Float32Array(F);
    let dtBefore = 0;
    let dtDuring = 0;
    let framesDuring = 0;
    for (let s = 0; s + F <= near.length; s += F) {
      aec.process(near.subarray(s, s + F), far.subarray(s, s + F), out);
      const voiced = caller.subarray(s, s + F).some((v) => v !== 0);
      if (s >= 5 * fs && s < 9 * fs && aec.doubleTalk) dtBefore++;
      if (s >= 9 * fs && s < 12 * fs && voiced && aec.farActive) {
        framesDuring++;
        if (aec.doubleTalk) dtDuring++;
      }
    }
    expect(dtBefore).toBeLessThan(10); // < 5 % of 200 far-end-only frames
    expect(dtDuring / framesDuring).toBeGreaterThan(0.5);
  });
});

describe('EchoCanceller adaptation control', () => {
  it('freezes adaptation while the far end is silent', () => {
    const fs = 16000;
    const far = whiteNoise(fs * 12, 0.1, 22);
    // Far end silent from 5 s to 9 s while the caller (loud noise-like speech) talks alone.
    for (let i = 5 * fs; i < 9 * fs; i++) far[i] = 0;
    const echo = echoOf(far, roomResponse(fs, 50, 23), Math.round(0.15 * fs), 0.3);
    const caller = whiteNoise(far.length, 0.05, 24);
    for (let i = 0; i < caller.length; i++) if (i < 5 * fs || i >= 9 * fs) caller[i] = 0;
    const r = run(fs, mix(echo, caller, whiteNoise(far.length, 1e-4, 25)), far, caller);
    const before = ratioDb(echo, r.linear, fs, 4, 5);
    // The first 300 ms after the far end resumes: as cancelled as before the silence.
    const after = ratioDb(echo, r.linear, fs, 9.2, 9.5);
    expect(before).toBeGreaterThan(30);
    expect(after).toBeGreaterThan(before - 3);
    // The caller alone goes through untouched.
    expect(Math.abs(ratioDb(caller, r.probeOut, fs, 6.5, 8.5, r.aec.latencySamples))).toBeLessThan(0.1);
  });

  it('passes the near end unchanged when there is no far end at all', () => {
    const fs = 8000;
    const near = speechLike(fs * 3, fs, 0.1, 26);
    const r = run(fs, near, new Float32Array(near.length));
    const lag = r.aec.latencySamples;
    let maxErr = 0;
    for (let i = 0; i + lag < r.out.length; i++) maxErr = Math.max(maxErr, Math.abs(r.out[i + lag]! - near[i]!));
    expect(maxErr).toBeLessThan(1e-6);
    expect(r.aec.delayMs).toBe(-1);
    expect(Number.isNaN(r.aec.erleDb)).toBe(true);
  });

  it('re-finds the echo after an echo-path change (200 ms hybrid → 500 ms room)', () => {
    const fs = 16000;
    const far = speechLike(fs * 30, fs, 0.1, 27);
    const first = echoOf(far, hybridResponse(fs, 28), Math.round(0.2 * fs), 0.3);
    const second = echoOf(far, roomResponse(fs, 60, 29), Math.round(0.5 * fs), 0.3);
    const echo = new Float32Array(far.length);
    for (let i = 0; i < far.length; i++) echo[i] = i < 12 * fs ? first[i]! : second[i]!;
    const r = run(fs, mix(echo, whiteNoise(far.length, 3e-4, 30)), far);
    expect(ratioDb(echo, r.linear, fs, 8, 12)).toBeGreaterThan(20);
    expect(ratioDb(echo, r.linear, fs, 24, 30)).toBeGreaterThan(20);
    expect(Math.abs(r.aec.delayMs - 500)).toBeLessThanOrEqual(5);
    expect(r.aec.realignments).toBeGreaterThanOrEqual(2);
  });
});

describe('EchoCanceller interface', () => {
  it('accepts Int16 frames, writes Int16 output, and resets to a new call', () => {
    const fs = 16000;
    const F = 320;
    const farF = whiteNoise(fs * 4, 0.1, 31);
    const nearF = convolve(farF, [0, 0, 0.5]);
    const toInt = (x: Float32Array) => Int16Array.from(x, (v) => Math.round(v * 32767));
    const far = toInt(farF);
    const near = toInt(nearF);
    const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F });
    const out = new Int16Array(F);
    let inE = 0;
    let outE = 0;
    for (let s = 0; s + F <= far.length; s += F) {
      aec.process(near.subarray(s, s + F), far.subarray(s, s + F), out);
      if (s >= 3 * fs) {
        for (let i = 0; i < F; i++) {
          inE += near[s + i]! ** 2;
          outE += out[i]! ** 2;
        }
      }
    }
    expect(10 * Math.log10(inE / (outE + 1))).toBeGreaterThan(40);
    expect(aec.outputEnergy).toBeGreaterThanOrEqual(0);
    aec.reset();
    expect(aec.converged).toBe(false);
    expect(aec.delayMs).toBe(-1);
    expect(aec.realignments).toBe(0);
  });

  it('refuses rates and frames that are not whole 10 ms blocks', () => {
    expect(() => new EchoCanceller({ sampleRateHz: 11025, frameSamples: 441 })).toThrow(RangeError);
    expect(() => new EchoCanceller({ sampleRateHz: 16000, frameSamples: 100 })).toThrow(RangeError);
    const aec = new EchoCanceller({ sampleRateHz: 8000, frameSamples: 160 });
    expect(() => aec.process(new Int16Array(80), new Int16Array(160), new Int16Array(160))).toThrow(RangeError);
  });
});

describe('EchoCanceller without echo', () => {
  it('reports no delay and lets a barge-in through when the far end has no echo', () => {
    const fs = 16000;
    const F = 320;
    const n = fs * 12;
    const far = speechLike(n, fs, 0.1, 50);
    // No echo at all; after 5 s of the agent alone the caller talks over it (a barge-in).
    const caller = speechLike(n, fs, 0.05, 51);
    for (let i = 0; i < 5 * fs; i++) caller[i] = 0;
    const near = mix(caller, whiteNoise(n, 3e-4, 52));
    const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F });
    const out = new Float32Array(F);
    let predictionClose = 0;
    let frames = 0;
    for (let s = 0; s + F <= n; s += F) {
      aec.process(near.subarray(s, s + F), far.subarray(s, s + F), out);
      // The first 500 ms of the caller's speech: what the barge-in decision (250 ms) looks at.
      if (s >= 5 * fs && s < 5.5 * fs && aec.outputEnergy > 1e-4) {
        frames++;
        if (aec.echoPredictionEnergy * 4 > aec.outputEnergy) predictionClose++;
      }
    }
    expect(aec.converged).toBe(false);
    expect(aec.delayMs).toBe(-1);
    // The caller's louder frames stand 6 dB above the echo prediction almost always.
    expect(predictionClose / frames).toBeLessThan(0.1);
  });
});

describe('EchoCanceller input hygiene', () => {
  it('takes non-finite float samples as silence instead of poisoning the filters', () => {
    const fs = 8000;
    const F = 160;
    const far = whiteNoise(fs * 6, 0.1, 60);
    const echo = echoOf(far, new Float32Array([0, 0.5]), 400, 1);
    const near = mix(echo, whiteNoise(far.length, 1e-4, 61));
    near[fs] = Number.NaN;
    far[fs + 5] = Number.POSITIVE_INFINITY;
    const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F });
    const out = new Float32Array(near.length);
    for (let s = 0; s + F <= near.length; s += F) aec.process(near.subarray(s, s + F), far.subarray(s, s + F), out.subarray(s, s + F));
    expect(out.every((v) => Number.isFinite(v))).toBe(true);
    expect(aec.converged).toBe(true);
  });
});

describe('EchoCanceller kernels', () => {
  it.each([8000, 16000, 24000])('SIMD and scalar kernels give bit-identical output at %i Hz (speech, room echo, double talk)', (fs) => {
    const far = speechLike(fs * 6, fs, 0.1, 11);
    const caller = speechLike(fs * 6, fs, 0.05, 12);
    for (let i = 0; i < 3 * fs; i++) caller[i] = 0; // the caller joins half-way: far-only, then double talk
    const near = mix(echoOf(far, roomResponse(fs, 60, 5), Math.round(0.12 * fs), 0.3), caller, whiteNoise(far.length, 1e-4, 13));
    const simd = run(fs, near, far, undefined, { kernels: 'simd' });
    const scalar = run(fs, near, far, undefined, { kernels: 'scalar' });
    expect(simd.aec.simd).toBe(true);
    expect(scalar.aec.simd).toBe(false);
    expect(scalar.aec.converged).toBe(true);
    let differing = 0;
    for (let i = 0; i < simd.out.length; i++) if (simd.out[i] !== scalar.out[i] || simd.linear[i] !== scalar.linear[i]) differing++;
    expect(differing).toBe(0);
    expect(simd.aec.erleDb).toBe(scalar.aec.erleDb);
    simd.aec.dispose();
  });

  it('gives its kernel memory back on dispose (idempotent), and a new canceller reuses it zeroed', () => {
    const fs = 16000;
    const far = whiteNoise(fs * 2, 0.1, 21);
    const near = echoOf(far, new Float32Array([1]), 800, 0.5);
    const first = run(fs, near, far, undefined, { kernels: 'simd' });
    first.aec.dispose();
    first.aec.dispose();
    // A fresh canceller on a reused block must behave exactly like one on never-used memory.
    const reused = run(fs, near, far, undefined, { kernels: 'simd' });
    const scalar = run(fs, near, far, undefined, { kernels: 'scalar' });
    let differing = 0;
    for (let i = 0; i < reused.out.length; i++) if (reused.out[i] !== scalar.out[i]) differing++;
    expect(differing).toBe(0);
    reused.aec.dispose();
  });
});
