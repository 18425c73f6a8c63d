import { describe, expect, it } from 'vitest';
import { RealFft } from '../fft.ts';
import { Rng } from '../test-signals.ts';
import { KernelArena } from './arena.ts';
import { SimdRealFft, simdRealFft } from './simd-fft.ts';

describe('SimdRealFft', () => {
  it.each([160, 320, 480, 20, 6])('matches the JavaScript transform bit for bit at %i points, both ways', (n) => {
    const arena = KernelArena.create()!;
    const simd = simdRealFft(arena, n);
    expect(simd).toBeInstanceOf(SimdRealFft);
    const plain = new RealFft(n);
    const rng = new Rng(n);
    const x = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
    const bins = n / 2 + 1;
    const [r1, i1, r2, i2] = [0, 1, 2, 3].map(() => new Float64Array(bins)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    simd.forward(x, r1, i1);
    plain.forward(x, r2, i2);
    expect([...r1]).toEqual([...r2]);
    expect([...i1]).toEqual([...i2]);
    const y1 = new Float64Array(n);
    const y2 = new Float64Array(n);
    simd.inverse(r1, i1, y1);
    plain.inverse(r2, i2, y2);
    expect([...y1]).toEqual([...y2]);
    for (let k = 0; k < n; k++) expect(y1[k]).toBeCloseTo(x[k]!, 12);
  });

  it('keeps the JavaScript transform for sizes with a prime factor above 5, and one instance per size', () => {
    const arena = KernelArena.create()!;
    expect(simdRealFft(arena, 882)).not.toBeInstanceOf(SimdRealFft); // 44.1 kHz blocks: 441 = 3²·7²
    expect(simdRealFft(arena, 320)).toBe(simdRealFft(arena, 320));
  });
});

describe('SimdRealFft pairs', () => {
  it.each([160, 320, 480])('forward2 and inverse2 give each lane exactly the single JavaScript transform (%i points)', (n) => {
    const arena = KernelArena.create()!;
    const simd = simdRealFft(arena, n);
    const plain = new RealFft(n);
    const rng = new Rng(7 * n);
    const a = Float64Array.from({ length: n }, () => rng.uniform() - 0.5);
    const b = Float64Array.from({ length: n }, () => 1e-3 * (rng.uniform() - 0.5));
    const bins = n / 2 + 1;
    const spec = () => new Float64Array(bins);
    const [aRe, aIm, bRe, bIm, pa, qa, pb, qb] = [spec(), spec(), spec(), spec(), spec(), spec(), spec(), spec()];
    simd.forward2(a, aRe, aIm, b, bRe, bIm);
    plain.forward(a, pa, qa);
    plain.forward(b, pb, qb);
    expect([...aRe, ...aIm]).toEqual([...pa, ...qa]);
    expect([...bRe, ...bIm]).toEqual([...pb, ...qb]);
    const [x, y, u, v] = [0, 1, 2, 3].map(() => new Float64Array(n)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    simd.inverse2(aRe, aIm, x, bRe, bIm, y);
    plain.inverse(pa, qa, u);
    plain.inverse(pb, qb, v);
    expect([...x]).toEqual([...u]);
    expect([...y]).toEqual([...v]);
  });
});
