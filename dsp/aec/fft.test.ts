import { describe, expect, it } from 'vitest';
import { ComplexFft, RealFft } from './fft.ts';

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function naiveDft(re: Float64Array, im: Float64Array): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

function maxAbsDiff(a: Float64Array, b: Float64Array, n = a.length): number {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('ComplexFft', () => {
  it.each([1, 2, 3, 4, 5, 8, 12, 15, 16, 40, 49, 80, 120, 160, 240, 7 * 16])('matches a naive DFT at size %i', (n) => {
    const rnd = lcg(n);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      re[i] = rnd();
      im[i] = rnd();
    }
    const [refRe, refIm] = naiveDft(re, im);
    const outRe = new Float64Array(n);
    const outIm = new Float64Array(n);
    new ComplexFft(n).forward(re, im, outRe, outIm);
    expect(maxAbsDiff(outRe, refRe)).toBeLessThan(1e-9 * n);
    expect(maxAbsDiff(outIm, refIm)).toBeLessThan(1e-9 * n);
  });

  it('refuses sizes with two distinct primes above 5', () => {
    expect(() => new ComplexFft(77)).toThrow(RangeError);
  });
});

describe('RealFft', () => {
  it.each([2, 16, 160, 320, 480, 640])('matches a naive DFT and inverts exactly at size %i', (n) => {
    const rnd = lcg(n + 7);
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = rnd();
    const [refRe, refIm] = naiveDft(x, new Float64Array(n));
    const fft = new RealFft(n);
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    expect(maxAbsDiff(re, refRe, fft.bins)).toBeLessThan(1e-9 * n);
    expect(maxAbsDiff(im, refIm, fft.bins)).toBeLessThan(1e-9 * n);
    const back = new Float64Array(n);
    fft.inverse(re, im, back);
    expect(maxAbsDiff(back, x)).toBeLessThan(1e-12 * n);
  });
});
