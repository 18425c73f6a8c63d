import { describe, expect, it } from 'vitest';
import { KernelArena, regionBytes } from './arena.ts';

describe('KernelArena', () => {
  it('loads the kernels and hands out aligned, zeroed, disjoint arrays', () => {
    const arena = KernelArena.create();
    expect(arena).not.toBeNull();
    const region = arena!.region(regionBytes(8 * 3, 4 * 5, 4 * 2));
    const a = region.f64(3);
    const b = region.f32(5);
    const c = region.i32(2);
    for (const v of [a, b, c]) expect(v.byteOffset % 16).toBe(0);
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + a.byteLength);
    expect(c.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + b.byteLength);
    expect([...a, ...b, ...c].every((x) => x === 0)).toBe(true);
    expect(() => region.f64(1)).toThrow(RangeError);
  });

  it('keeps earlier views valid while it grows, and reuses released blocks cleared', () => {
    const arena = KernelArena.create()!;
    const first = arena.region(1000);
    const view = first.f64(100);
    view.fill(7);
    // Far more than the initial page: the memory grows underneath the first view.
    const big = Array.from({ length: 20 }, () => arena.region(300_000));
    expect(view.length).toBe(100);
    expect(view[99]).toBe(7);
    expect(arena.liveRegions).toBe(21);
    first.release();
    first.release();
    expect(arena.liveRegions).toBe(20);
    const again = arena.region(1000);
    expect(again.offset).toBe(first.offset);
    expect(again.f64(100).every((x) => x === 0)).toBe(true);
    for (const r of big) r.release();
    again.release();
    expect(arena.liveRegions).toBe(0);
  });

  it('runs the adapt kernel on arena memory (W += p·conj(X)·G, single-precision weights)', () => {
    const arena = KernelArena.create()!;
    const region = arena.region(regionBytes(4 * 3, 4 * 3, 4 * 3, 4 * 3, 8 * 3, 8 * 3));
    const wr = region.f32(3);
    const wi = region.f32(3);
    const xr = region.f32(3);
    const xi = region.f32(3);
    const gr = region.f64(3);
    const gi = region.f64(3);
    xr.set([1, 2, 0.5]);
    xi.set([0, -1, 0.25]);
    gr.set([3, 1, -2]);
    gi.set([1, 1, 4]);
    arena.kernels.adapt(wr.byteOffset, wi.byteOffset, xr.byteOffset, xi.byteOffset, gr.byteOffset, gi.byteOffset, 3, 0.5);
    // conj(1)·(3+i) = 3+i; conj(2−i)·(1+i) = (2+i)(1+i) = 1+3i; conj(0.5+0.25i)·(−2+4i) = 0+2.5i
    expect([...wr]).toEqual([1.5, 0.5, 0]);
    expect([...wi]).toEqual([0.5, 1.5, 1.25]);
  });
});
