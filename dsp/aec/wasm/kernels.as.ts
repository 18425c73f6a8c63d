// AssemblyScript source of the echo canceller's SIMD kernels (compiled by scripts/build-wasm.ts into
// kernels-wasm.ts; not TypeScript: excluded from tsc). Every pointer is a byte offset into the
// memory the JavaScript side owns (arena.ts); nothing here allocates.
//
// Each kernel does the same floating-point operations in the same order as its JavaScript twin in
// partitioned-filter.ts / complex-fft.ts / fft.ts, two bins per f64x2 lane pair instead of one, so
// the results are bit-identical (WebAssembly has no fused multiply-add to reorder rounding).

// @ts-nocheck

/** Two f32 at `p` widened to an f64x2. */
@inline function f32pair(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

/** Two f64 (a double pair) narrowed to f32 and stored at `p`. */
@inline function storeF32pair(p: usize, v: v128): void {
  v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0);
}

/**
 * Echo estimate spectra of two filters in one pass: A(f) = Σ_j Wa_j(f)·X_j(f), B(f) likewise.
 * `list` holds 4·P i32 element offsets, laid out as PartitionedFilter.filterPair lays them:
 * [0, nBoth) history and [P, P + nBoth) weight offsets of partitions both filters use, [2P, 2P + nA)
 * / [3P, 3P + nA) those only A uses, [3P − nB, 3P) / [4P − nB, 4P) those only B uses.
 * History planes and weights are f32 (widened to f64 for the arithmetic), outputs f64.
 */
export function filterPair(
  hr: usize, hi: usize, awr: usize, awi: usize, bwr: usize, bwi: usize,
  list: usize, P: i32, nBoth: i32, nA: i32, nB: i32, K: i32,
  aRe: usize, aIm: usize, bRe: usize, bIm: usize,
): void {
  const pairs = K >> 1;
  for (let q = 0; q < pairs; q++) {
    const f = <usize>(q << 1);
    let ar = f64x2.splat(0);
    let ai = f64x2.splat(0);
    let br = f64x2.splat(0);
    let bi = f64x2.splat(0);
    for (let j = 0; j < nBoth; j++) {
      const x = (<usize>load<i32>(list + (<usize>j << 2)) + f) << 2;
      const w = (<usize>load<i32>(list + (<usize>(P + j) << 2)) + f) << 2;
      const xr = f32pair(hr + x);
      const xi = f32pair(hi + x);
      const wr = f32pair(awr + w);
      const wi = f32pair(awi + w);
      const vr = f32pair(bwr + w);
      const vi = f32pair(bwi + w);
      ar = f64x2.add(ar, f64x2.sub(f64x2.mul(wr, xr), f64x2.mul(wi, xi)));
      ai = f64x2.add(ai, f64x2.add(f64x2.mul(wr, xi), f64x2.mul(wi, xr)));
      br = f64x2.add(br, f64x2.sub(f64x2.mul(vr, xr), f64x2.mul(vi, xi)));
      bi = f64x2.add(bi, f64x2.add(f64x2.mul(vr, xi), f64x2.mul(vi, xr)));
    }
    for (let j = 0; j < nA; j++) {
      const x = (<usize>load<i32>(list + (<usize>(2 * P + j) << 2)) + f) << 2;
      const w = (<usize>load<i32>(list + (<usize>(3 * P + j) << 2)) + f) << 2;
      const xr = f32pair(hr + x);
      const xi = f32pair(hi + x);
      const wr = f32pair(awr + w);
      const wi = f32pair(awi + w);
      ar = f64x2.add(ar, f64x2.sub(f64x2.mul(wr, xr), f64x2.mul(wi, xi)));
      ai = f64x2.add(ai, f64x2.add(f64x2.mul(wr, xi), f64x2.mul(wi, xr)));
    }
    for (let j = 1; j <= nB; j++) {
      const x = (<usize>load<i32>(list + (<usize>(3 * P - j) << 2)) + f) << 2;
      const w = (<usize>load<i32>(list + (<usize>(4 * P - j) << 2)) + f) << 2;
      const xr = f32pair(hr + x);
      const xi = f32pair(hi + x);
      const vr = f32pair(bwr + w);
      const vi = f32pair(bwi + w);
      br = f64x2.add(br, f64x2.sub(f64x2.mul(vr, xr), f64x2.mul(vi, xi)));
      bi = f64x2.add(bi, f64x2.add(f64x2.mul(vr, xi), f64x2.mul(vi, xr)));
    }
    const o = f << 3;
    v128.store(aRe + o, ar);
    v128.store(aIm + o, ai);
    v128.store(bRe + o, br);
    v128.store(bIm + o, bi);
  }
  if (K & 1) filterPairBin(hr, hi, awr, awi, bwr, bwi, list, P, nBoth, nA, nB, K - 1, aRe, aIm, bRe, bIm);
}

/** The last bin of an odd bin count, scalar. */
function filterPairBin(
  hr: usize, hi: usize, awr: usize, awi: usize, bwr: usize, bwi: usize,
  list: usize, P: i32, nBoth: i32, nA: i32, nB: i32, bin: i32,
  aRe: usize, aIm: usize, bRe: usize, bIm: usize,
): void {
  const f = <usize>bin;
  let ar: f64 = 0;
  let ai: f64 = 0;
  let br: f64 = 0;
  let bi: f64 = 0;
  for (let j = 0; j < nBoth; j++) {
    const x = (<usize>load<i32>(list + (<usize>j << 2)) + f) << 2;
    const w = (<usize>load<i32>(list + (<usize>(P + j) << 2)) + f) << 2;
    const xr = <f64>load<f32>(hr + x);
    const xi = <f64>load<f32>(hi + x);
    const wr = <f64>load<f32>(awr + w);
    const wi = <f64>load<f32>(awi + w);
    const vr = <f64>load<f32>(bwr + w);
    const vi = <f64>load<f32>(bwi + w);
    ar += wr * xr - wi * xi;
    ai += wr * xi + wi * xr;
    br += vr * xr - vi * xi;
    bi += vr * xi + vi * xr;
  }
  for (let j = 0; j < nA; j++) {
    const x = (<usize>load<i32>(list + (<usize>(2 * P + j) << 2)) + f) << 2;
    const w = (<usize>load<i32>(list + (<usize>(3 * P + j) << 2)) + f) << 2;
    const xr = <f64>load<f32>(hr + x);
    const xi = <f64>load<f32>(hi + x);
    const wr = <f64>load<f32>(awr + w);
    const wi = <f64>load<f32>(awi + w);
    ar += wr * xr - wi * xi;
    ai += wr * xi + wi * xr;
  }
  for (let j = 1; j <= nB; j++) {
    const x = (<usize>load<i32>(list + (<usize>(3 * P - j) << 2)) + f) << 2;
    const w = (<usize>load<i32>(list + (<usize>(4 * P - j) << 2)) + f) << 2;
    const xr = <f64>load<f32>(hr + x);
    const xi = <f64>load<f32>(hi + x);
    const vr = <f64>load<f32>(bwr + w);
    const vi = <f64>load<f32>(bwi + w);
    br += vr * xr - vi * xi;
    bi += vr * xi + vi * xr;
  }
  const o = f << 3;
  store<f64>(aRe + o, ar);
  store<f64>(aIm + o, ai);
  store<f64>(bRe + o, br);
  store<f64>(bIm + o, bi);
}

/**
 * Gradient step of one partition: W(f) += p·conj(X(f))·G(f) over K bins, in double, the result
 * rounded to the f32 weights. `wr`/`wi` point at the partition's weights, `hr`/`hi` at its far-end
 * slot (both f32), `gr`/`gi` at the f64 gradient.
 */
export function adapt(wr: usize, wi: usize, hr: usize, hi: usize, gr: usize, gi: usize, K: i32, p: f64): void {
  const pv = f64x2.splat(p);
  const pairs = K >> 1;
  for (let q = 0; q < pairs; q++) {
    const f = <usize>(q << 1);
    const o4 = f << 2;
    const xr = f32pair(hr + o4);
    const xi = f32pair(hi + o4);
    const o = f << 3;
    const g_r = v128.load(gr + o);
    const g_i = v128.load(gi + o);
    // conj(X)·G = (xr·gr + xi·gi) + i(xr·gi − xi·gr)
    storeF32pair(wr + o4, f64x2.add(f32pair(wr + o4), f64x2.mul(pv, f64x2.add(f64x2.mul(xr, g_r), f64x2.mul(xi, g_i)))));
    storeF32pair(wi + o4, f64x2.add(f32pair(wi + o4), f64x2.mul(pv, f64x2.sub(f64x2.mul(xr, g_i), f64x2.mul(xi, g_r)))));
  }
  if (K & 1) {
    const f = <usize>(K - 1);
    const o4 = f << 2;
    const xr = <f64>load<f32>(hr + o4);
    const xi = <f64>load<f32>(hi + o4);
    const o = f << 3;
    const g_r = load<f64>(gr + o);
    const g_i = load<f64>(gi + o);
    store<f32>(wr + o4, <f32>(<f64>load<f32>(wr + o4) + p * (xr * g_r + xi * g_i)));
    store<f32>(wi + o4, <f32>(<f64>load<f32>(wi + o4) + p * (xr * g_i - xi * g_r)));
  }
}

// ---- FFT (ComplexFft / RealFft of complex-fft.ts and fft.ts, operation for operation) ----
// Two transforms at once, one per f64x2 lane: complex planes are interleaved [a0, b0, a1, b1, …]
// (16 bytes per element). Each lane does exactly the scalar transform's operations, so both
// results are bit-identical to it; a single transform runs with its input in both lanes.
// `tr`/`ti` are the stage's twiddles as ComplexFft lays them out (f64, splatted here); constants
// computed by JavaScript (Math.cos/sin) are passed in: nothing transcendental is evaluated here.

@inline function lv(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 4));
}
@inline function sv(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 4), v);
}
@inline function tw(p: usize, i: i32): v128 {
  return v128.load64_splat(p + (<usize>i << 3));
}
@inline function add(a: v128, b: v128): v128 {
  return f64x2.add(a, b);
}
@inline function sub(a: v128, b: v128): v128 {
  return f64x2.sub(a, b);
}
@inline function mul(a: v128, b: v128): v128 {
  return f64x2.mul(a, b);
}
/** Real part of (br + i·bi)(wr + i·wi): br·wr − bi·wi. */
@inline function cre(br: v128, bi: v128, wr: v128, wi: v128): v128 {
  return sub(mul(br, wr), mul(bi, wi));
}
/** Imaginary part: br·wi + bi·wr. */
@inline function cim(br: v128, bi: v128, wr: v128, wi: v128): v128 {
  return add(mul(br, wi), mul(bi, wr));
}

/** One radix-2 Stockham stage (length 2m at stride s), two lanes. */
export function radix2(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize): void {
  const sm = s * m;
  for (let q = 0; q < s; q++) {
    const ar = lv(xr, q);
    const ai = lv(xi, q);
    const br = lv(xr, q + sm);
    const bi = lv(xi, q + sm);
    sv(yr, q, add(ar, br));
    sv(yi, q, add(ai, bi));
    sv(yr, q + s, sub(ar, br));
    sv(yi, q + s, sub(ai, bi));
  }
  for (let p = 1; p < m; p++) {
    const wr = tw(tr, p);
    const wi = tw(ti, p);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const i1 = i0 + s * m;
      const ar = lv(xr, i0);
      const ai = lv(xi, i0);
      const br = lv(xr, i1);
      const bi = lv(xi, i1);
      const o = q + s * 2 * p;
      sv(yr, o, add(ar, br));
      sv(yi, o, add(ai, bi));
      const dr = sub(ar, br);
      const di = sub(ai, bi);
      sv(yr, o + s, cre(dr, di, wr, wi));
      sv(yi, o + s, cim(dr, di, wr, wi));
    }
  }
}

/** One radix-4 Stockham stage (length 4m at stride s), two lanes. */
export function radix4(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize): void {
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = p * 3;
    const w1r = tw(tr, t);
    const w1i = tw(ti, t);
    const w2r = tw(tr, t + 1);
    const w2i = tw(ti, t + 1);
    const w3r = tw(tr, t + 2);
    const w3i = tw(ti, t + 2);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const a0r = lv(xr, i0);
      const a0i = lv(xi, i0);
      const a1r = lv(xr, i0 + sm);
      const a1i = lv(xi, i0 + sm);
      const a2r = lv(xr, i0 + 2 * sm);
      const a2i = lv(xi, i0 + 2 * sm);
      const a3r = lv(xr, i0 + 3 * sm);
      const a3i = lv(xi, i0 + 3 * sm);
      const t0r = add(a0r, a2r);
      const t0i = add(a0i, a2i);
      const t1r = sub(a0r, a2r);
      const t1i = sub(a0i, a2i);
      const t2r = add(a1r, a3r);
      const t2i = add(a1i, a3i);
      const t3r = sub(a1r, a3r);
      const t3i = sub(a1i, a3i);
      const o = q + s * 4 * p;
      sv(yr, o, add(t0r, t2r));
      sv(yi, o, add(t0i, t2i));
      const b1r = add(t1r, t3i);
      const b1i = sub(t1i, t3r);
      const b2r = sub(t0r, t2r);
      const b2i = sub(t0i, t2i);
      const b3r = sub(t1r, t3i);
      const b3i = add(t1i, t3r);
      if (p == 0) {
        // Twiddles are 1.
        sv(yr, o + s, b1r);
        sv(yi, o + s, b1i);
        sv(yr, o + 2 * s, b2r);
        sv(yi, o + 2 * s, b2i);
        sv(yr, o + 3 * s, b3r);
        sv(yi, o + 3 * s, b3i);
      } else {
        sv(yr, o + s, cre(b1r, b1i, w1r, w1i));
        sv(yi, o + s, cim(b1r, b1i, w1r, w1i));
        sv(yr, o + 2 * s, cre(b2r, b2i, w2r, w2i));
        sv(yi, o + 2 * s, cim(b2r, b2i, w2r, w2i));
        sv(yr, o + 3 * s, cre(b3r, b3i, w3r, w3i));
        sv(yi, o + 3 * s, cim(b3r, b3i, w3r, w3i));
      }
    }
  }
}

/** One radix-3 Stockham stage, two lanes; `sin60` = √3/2. */
export function radix3(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize, sin60: f64): void {
  const sm = s * m;
  const s60 = f64x2.splat(sin60);
  const half = f64x2.splat(0.5);
  for (let p = 0; p < m; p++) {
    const w1r = tw(tr, p * 2);
    const w1i = tw(ti, p * 2);
    const w2r = tw(tr, p * 2 + 1);
    const w2i = tw(ti, p * 2 + 1);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const a0r = lv(xr, i0);
      const a0i = lv(xi, i0);
      const a1r = lv(xr, i0 + sm);
      const a1i = lv(xi, i0 + sm);
      const a2r = lv(xr, i0 + 2 * sm);
      const a2i = lv(xi, i0 + 2 * sm);
      const t_r = add(a1r, a2r);
      const t_i = add(a1i, a2i);
      const ur = mul(sub(a1r, a2r), s60);
      const ui = mul(sub(a1i, a2i), s60);
      const mr = sub(a0r, mul(half, t_r));
      const mi = sub(a0i, mul(half, t_i));
      const o = q + s * 3 * p;
      sv(yr, o, add(a0r, t_r));
      sv(yi, o, add(a0i, t_i));
      const b1r = add(mr, ui);
      const b1i = sub(mi, ur);
      const b2r = sub(mr, ui);
      const b2i = add(mi, ur);
      sv(yr, o + s, cre(b1r, b1i, w1r, w1i));
      sv(yi, o + s, cim(b1r, b1i, w1r, w1i));
      sv(yr, o + 2 * s, cre(b2r, b2i, w2r, w2i));
      sv(yi, o + 2 * s, cim(b2r, b2i, w2r, w2i));
    }
  }
}

/** One radix-5 Stockham stage, two lanes; `c` points at [cos 2π/5, cos 4π/5, sin 2π/5, sin 4π/5]. */
export function radix5(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize, c: usize): void {
  const sm = s * m;
  const C1 = tw(c, 0);
  const C2 = tw(c, 1);
  const S1 = tw(c, 2);
  const S2 = tw(c, 3);
  for (let p = 0; p < m; p++) {
    const t = p * 4;
    const w1r = tw(tr, t);
    const w1i = tw(ti, t);
    const w2r = tw(tr, t + 1);
    const w2i = tw(ti, t + 1);
    const w3r = tw(tr, t + 2);
    const w3i = tw(ti, t + 2);
    const w4r = tw(tr, t + 3);
    const w4i = tw(ti, t + 3);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const a0r = lv(xr, i0);
      const a0i = lv(xi, i0);
      const a1r = lv(xr, i0 + sm);
      const a1i = lv(xi, i0 + sm);
      const a2r = lv(xr, i0 + 2 * sm);
      const a2i = lv(xi, i0 + 2 * sm);
      const a3r = lv(xr, i0 + 3 * sm);
      const a3i = lv(xi, i0 + 3 * sm);
      const a4r = lv(xr, i0 + 4 * sm);
      const a4i = lv(xi, i0 + 4 * sm);
      const t1r = add(a1r, a4r);
      const t1i = add(a1i, a4i);
      const t2r = add(a2r, a3r);
      const t2i = add(a2i, a3i);
      const u1r = sub(a1r, a4r);
      const u1i = sub(a1i, a4i);
      const u2r = sub(a2r, a3r);
      const u2i = sub(a2i, a3i);
      // Left to right as in JavaScript: (a0 + C1·t1) + C2·t2.
      const Ar = add(add(a0r, mul(C1, t1r)), mul(C2, t2r));
      const Ai = add(add(a0i, mul(C1, t1i)), mul(C2, t2i));
      const Br = add(add(a0r, mul(C2, t1r)), mul(C1, t2r));
      const Bi = add(add(a0i, mul(C2, t1i)), mul(C1, t2i));
      const vr = add(mul(S1, u1r), mul(S2, u2r));
      const vi = add(mul(S1, u1i), mul(S2, u2i));
      const wr = sub(mul(S2, u1r), mul(S1, u2r));
      const wi = sub(mul(S2, u1i), mul(S1, u2i));
      const o = q + s * 5 * p;
      sv(yr, o, add(add(a0r, t1r), t2r));
      sv(yi, o, add(add(a0i, t1i), t2i));
      const b1r = add(Ar, vi);
      const b1i = sub(Ai, vr);
      const b2r = add(Br, wi);
      const b2i = sub(Bi, wr);
      const b3r = sub(Br, wi);
      const b3i = add(Bi, wr);
      const b4r = sub(Ar, vi);
      const b4i = add(Ai, vr);
      if (p == 0) {
        sv(yr, o + s, b1r);
        sv(yi, o + s, b1i);
        sv(yr, o + 2 * s, b2r);
        sv(yi, o + 2 * s, b2i);
        sv(yr, o + 3 * s, b3r);
        sv(yi, o + 3 * s, b3i);
        sv(yr, o + 4 * s, b4r);
        sv(yi, o + 4 * s, b4i);
      } else {
        sv(yr, o + s, cre(b1r, b1i, w1r, w1i));
        sv(yi, o + s, cim(b1r, b1i, w1r, w1i));
        sv(yr, o + 2 * s, cre(b2r, b2i, w2r, w2i));
        sv(yi, o + 2 * s, cim(b2r, b2i, w2r, w2i));
        sv(yr, o + 3 * s, cre(b3r, b3i, w3r, w3i));
        sv(yi, o + 3 * s, cim(b3r, b3i, w3r, w3i));
        sv(yr, o + 4 * s, cre(b4r, b4i, w4r, w4i));
        sv(yi, o + 4 * s, cim(b4r, b4i, w4r, w4i));
      }
    }
  }
}

@inline function pair(a: usize, b: usize, i: i32): v128 {
  return f64x2.replace_lane(v128.load64_splat(a + (<usize>i << 3)), 1, load<f64>(b + (<usize>i << 3)));
}
@inline function split(a: usize, b: usize, i: i32, v: v128): void {
  // Lane 1 first: when a = b (one transform in both lanes) lane 0 is what stays, and it is equal.
  store<f64>(b + (<usize>i << 3), f64x2.extract_lane(v, 1));
  store<f64>(a + (<usize>i << 3), f64x2.extract_lane(v, 0));
}

/** Real FFT, before the complex one: even samples of `a` and `b` to zRe, odd to zIm (M = N/2). */
export function realForwardIn(a: usize, b: usize, zr: usize, zi: usize, M: i32): void {
  for (let n = 0; n < M; n++) {
    sv(zr, n, pair(a, b, 2 * n));
    sv(zi, n, pair(a, b, 2 * n + 1));
  }
}

/** Real FFT, after the complex one: the N/2 + 1 bins of each lane (wr/wi: e^(−2πik/N)). */
export function realForwardOut(Zr: usize, Zi: usize, aRe: usize, aIm: usize, bRe: usize, bIm: usize, wr: usize, wi: usize, M: i32): void {
  const half = f64x2.splat(0.5);
  const nhalf = f64x2.splat(-0.5);
  const z0r = lv(Zr, 0);
  const z0i = lv(Zi, 0);
  const zero = f64x2.splat(0);
  split(aRe, bRe, 0, add(z0r, z0i));
  split(aIm, bIm, 0, zero);
  split(aRe, bRe, M, sub(z0r, z0i));
  split(aIm, bIm, M, zero);
  for (let k = 1, j = M - 1; k <= j; k++, j--) {
    const ar = lv(Zr, k);
    const ai = lv(Zi, k);
    const br = lv(Zr, j);
    const bi = f64x2.neg(lv(Zi, j));
    const er = mul(half, add(ar, br));
    const ei = mul(half, add(ai, bi));
    const or = mul(half, sub(ai, bi));
    const oi = mul(nhalf, sub(ar, br));
    const w_r = tw(wr, k);
    const w_i = tw(wi, k);
    const pr = cre(or, oi, w_r, w_i);
    const pi = cim(or, oi, w_r, w_i);
    split(aRe, bRe, k, add(er, pr));
    split(aIm, bIm, k, add(ei, pi));
    split(aRe, bRe, j, sub(er, pr));
    split(aIm, bIm, j, sub(pi, ei));
  }
}

/** Inverse real FFT, before the complex one: spectra a and b into the lanes of z. */
export function realInverseIn(aRe: usize, aIm: usize, bRe: usize, bIm: usize, zr: usize, zi: usize, wr: usize, wi: usize, M: i32): void {
  const half = f64x2.splat(0.5);
  const nhalf = f64x2.splat(-0.5);
  const d0 = pair(aRe, bRe, 0);
  const dM = pair(aRe, bRe, M);
  sv(zr, 0, mul(half, add(d0, dM)));
  sv(zi, 0, mul(nhalf, sub(d0, dM)));
  for (let k = 1, j = M - 1; k <= j; k++, j--) {
    const ar = pair(aRe, bRe, k);
    const ai = pair(aIm, bIm, k);
    const br = pair(aRe, bRe, j);
    const bi = f64x2.neg(pair(aIm, bIm, j));
    const er = mul(half, add(ar, br));
    const ei = mul(half, add(ai, bi));
    const dr = mul(half, sub(ar, br));
    const di = mul(half, sub(ai, bi));
    const w_r = tw(wr, k);
    const w_i = f64x2.neg(tw(wi, k));
    const or = cre(dr, di, w_r, w_i);
    const oi = cim(dr, di, w_r, w_i);
    sv(zr, k, sub(er, oi));
    sv(zi, k, f64x2.neg(add(ei, or)));
    sv(zr, j, add(er, oi));
    sv(zi, j, sub(ei, or));
  }
}

/** Inverse real FFT, after the complex one: interleave and scale (1/M) each lane into `a` / `b`. */
export function realInverseOut(Zr: usize, Zi: usize, a: usize, b: usize, M: i32, scale: f64): void {
  const sc = f64x2.splat(scale);
  for (let n = 0; n < M; n++) {
    split(a, b, 2 * n, mul(lv(Zr, n), sc));
    split(a, b, 2 * n + 1, mul(f64x2.neg(lv(Zi, n)), sc));
  }
}
