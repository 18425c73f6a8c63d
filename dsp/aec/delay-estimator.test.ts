import { describe, expect, it } from 'vitest';
import { DelayEstimator } from './delay-estimator.ts';
import { RealFft } from './fft.ts';
import { echoOf, hybridResponse, mix, speechLike, whiteNoise } from './test-signals.ts';

/**
 * Feeds the estimator as the canceller does: far spectrum of the last 2B samples, near spectrum of
 * the last B samples (zero-padded), one update per 10 ms block.
 */
function estimate(fs: number, far: Float32Array, near: Float32Array, maxDelayMs = 1000): DelayEstimator {
  const B = fs / 100;
  const fft = new RealFft(2 * B);
  const est = new DelayEstimator({ sampleRateHz: fs, blockSamples: B, bins: B + 1, maxLagBlocks: Math.ceil(maxDelayMs / 10) + 1, centreOffsetSamples: B / 2 });
  const frame = new Float64Array(2 * B);
  const re = new Float64Array(B + 1);
  const im = new Float64Array(B + 1);
  const farPow = new Float64Array(B + 1);
  const nearPow = new Float64Array(B + 1);
  for (let s = B; s + B <= far.length; s += B) {
    let energy = 0;
    for (let i = 0; i < 2 * B; i++) frame[i] = far[s - B + i]!;
    for (let i = B; i < 2 * B; i++) energy += frame[i]! ** 2;
    fft.forward(frame, re, im);
    for (let f = 0; f <= B; f++) farPow[f] = re[f]! ** 2 + im[f]! ** 2;
    frame.fill(0, 0, B);
    for (let i = 0; i < B; i++) frame[B + i] = near[s + i]!;
    fft.forward(frame, re, im);
    for (let f = 0; f <= B; f++) nearPow[f] = re[f]! ** 2 + im[f]! ** 2;
    est.update(farPow, nearPow, energy / B > 1e-6);
  }
  return est;
}

describe('DelayEstimator', () => {
  it.each([
    [16000, 50],
    [16000, 200],
    [8000, 500],
    [8000, 800],
    [16000, 990],
  ])('locks on the echo delay of speech through a hybrid (%i Hz, %i ms) within one block', (fs, delayMs) => {
    const far = speechLike(fs * 8, fs, 0.1, delayMs);
    const echo = echoOf(far, hybridResponse(fs, 3), Math.round((delayMs / 1000) * fs), 0.2);
    const est = estimate(fs, far, mix(echo, whiteNoise(far.length, 3e-4, 4)));
    expect(est.locked).toBe(true);
    expect(Math.abs((est.delaySamples / fs) * 1000 - delayMs)).toBeLessThanOrEqual(10);
    expect(est.confidence).toBeGreaterThan(0.3);
  });

  it('correlates best at the echo lag, not elsewhere', () => {
    const fs = 16000;
    const far = speechLike(fs * 8, fs, 0.1, 5);
    const echo = echoOf(far, hybridResponse(fs, 6), Math.round(0.3 * fs), 0.2);
    const est = estimate(fs, far, mix(echo, whiteNoise(far.length, 3e-4, 7)));
    expect(est.correlationAt(0.3 * fs)).toBeGreaterThan(0.5);
    expect(est.correlationAt(0.6 * fs)).toBeLessThan(0.3);
    expect(est.correlationAt(-1)).toBe(0);
  });

  it('moves to a new delay when the echo path changes, and forgets on reset', () => {
    const fs = 8000;
    const far = speechLike(fs * 16, fs, 0.1, 8);
    const a = echoOf(far, hybridResponse(fs, 9), Math.round(0.15 * fs), 0.3);
    const b = echoOf(far, hybridResponse(fs, 10), Math.round(0.6 * fs), 0.3);
    const echo = new Float32Array(far.length);
    for (let i = 0; i < far.length; i++) echo[i] = i < 6 * fs ? a[i]! : b[i]!;
    const est = estimate(fs, far, mix(echo, whiteNoise(far.length, 3e-4, 11)));
    expect(Math.abs((est.delaySamples / fs) * 1000 - 600)).toBeLessThanOrEqual(10);
    expect(est.confirmations).toBeGreaterThanOrEqual(2);
    est.reset();
    expect(est.locked).toBe(false);
    expect(est.confirmations).toBe(0);
  });
});
