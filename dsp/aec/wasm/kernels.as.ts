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

/**
 * Echo estimate spectra of two filters in one pass: A(f) = Σ_j Wa_j(f)·X_j(f), B(f) likewise.
 * `list` holds 4·P i32 element offsets, laid out as PartitionedFilter.filterPair lays them:
 * [0, nBoth) history and [P, P + nBoth) weight offsets of partitions both filters use, [2P, 2P + nA)
 * / [3P, 3P + nA) those only A uses, [3P − nB, 3P) / [4P − nB, 4P) those only B uses.
 * History planes are f32, weights and outputs f64.
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
      const w = (<usize>load<i32>(list + (<usize>(P + j) << 2)) + f) << 3;
      const xr = f32pair(hr + x);
      const xi = f32pair(hi + x);
      const wr = v128.load(awr + w);
      const wi = v128.load(awi + w);
      const vr = v128.load(bwr + w);
      const vi = v128.load(bwi + w);
      ar = f64x2.add(ar, f64x2.sub(f64x2.mul(wr, xr), f64x2.mul(wi, xi)));
      ai = f64x2.add(ai, f64x2.add(f64x2.mul(wr, xi), f64x2.mul(wi, xr)));
      br = f64x2.add(br, f64x2.sub(f64x2.mul(vr, xr), f64x2.mul(vi, xi)));
      bi = f64x2.add(bi, f64x2.add(f64x2.mul(vr, xi), f64x2.mul(vi, xr)));
    }
    for (let j = 0; j < nA; j++) {
      const x = (<usize>load<i32>(list + (<usize>(2 * P + j) << 2)) + f) << 2;
      const w = (<usize>load<i32>(list + (<usize>(3 * P + j) << 2)) + f) << 3;
      const xr = f32pair(hr + x);
      const xi = f32pair(hi + x);
      const wr = v128.load(awr + w);
      const wi = v128.load(awi + w);
      ar = f64x2.add(ar, f64x2.sub(f64x2.mul(wr, xr), f64x2.mul(wi, xi)));
      ai = f64x2.add(ai, f64x2.add(f64x2.mul(wr, xi), f64x2.mul(wi, xr)));
    }
    for (let j = 1; j <= nB; j++) {
      const x = (<usize>load<i32>(list + (<usize>(3 * P - j) << 2)) + f) << 2;
      const w = (<usize>load<i32>(list + (<usize>(4 * P - j) << 2)) + f) << 3;
      const xr = f32pair(hr + x);
      const xi = f32pair(hi + x);
      const vr = v128.load(bwr + w);
      const vi = v128.load(bwi + w);
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
    const w = (<usize>load<i32>(list + (<usize>(P + j) << 2)) + f) << 3;
    const xr = <f64>load<f32>(hr + x);
    const xi = <f64>load<f32>(hi + x);
    const wr = load<f64>(awr + w);
    const wi = load<f64>(awi + w);
    const vr = load<f64>(bwr + w);
    const vi = load<f64>(bwi + w);
    ar += wr * xr - wi * xi;
    ai += wr * xi + wi * xr;
    br += vr * xr - vi * xi;
    bi += vr * xi + vi * xr;
  }
  for (let j = 0; j < nA; j++) {
    const x = (<usize>load<i32>(list + (<usize>(2 * P + j) << 2)) + f) << 2;
    const w = (<usize>load<i32>(list + (<usize>(3 * P + j) << 2)) + f) << 3;
    const xr = <f64>load<f32>(hr + x);
    const xi = <f64>load<f32>(hi + x);
    ar += load<f64>(awr + w) * xr - load<f64>(awi + w) * xi;
    ai += load<f64>(awr + w) * xi + load<f64>(awi + w) * xr;
  }
  for (let j = 1; j <= nB; j++) {
    const x = (<usize>load<i32>(list + (<usize>(3 * P - j) << 2)) + f) << 2;
    const w = (<usize>load<i32>(list + (<usize>(4 * P - j) << 2)) + f) << 3;
    const xr = <f64>load<f32>(hr + x);
    const xi = <f64>load<f32>(hi + x);
    br += load<f64>(bwr + w) * xr - load<f64>(bwi + w) * xi;
    bi += load<f64>(bwr + w) * xi + load<f64>(bwi + w) * xr;
  }
  const o = f << 3;
  store<f64>(aRe + o, ar);
  store<f64>(aIm + o, ai);
  store<f64>(bRe + o, br);
  store<f64>(bIm + o, bi);
}

/**
 * Gradient step of one partition: W(f) += p·conj(X(f))·G(f) over K bins. `wr`/`wi` point at the
 * partition's f64 weights, `hr`/`hi` at its far-end slot (f32), `gr`/`gi` at the f64 gradient.
 */
export function adapt(wr: usize, wi: usize, hr: usize, hi: usize, gr: usize, gi: usize, K: i32, p: f64): void {
  const pv = f64x2.splat(p);
  const pairs = K >> 1;
  for (let q = 0; q < pairs; q++) {
    const f = <usize>(q << 1);
    const xr = f32pair(hr + (f << 2));
    const xi = f32pair(hi + (f << 2));
    const o = f << 3;
    const g_r = v128.load(gr + o);
    const g_i = v128.load(gi + o);
    // conj(X)·G = (xr·gr + xi·gi) + i(xr·gi − xi·gr)
    v128.store(wr + o, f64x2.add(v128.load(wr + o), f64x2.mul(pv, f64x2.add(f64x2.mul(xr, g_r), f64x2.mul(xi, g_i)))));
    v128.store(wi + o, f64x2.add(v128.load(wi + o), f64x2.mul(pv, f64x2.sub(f64x2.mul(xr, g_i), f64x2.mul(xi, g_r)))));
  }
  if (K & 1) {
    const f = <usize>(K - 1);
    const xr = <f64>load<f32>(hr + (f << 2));
    const xi = <f64>load<f32>(hi + (f << 2));
    const o = f << 3;
    const g_r = load<f64>(gr + o);
    const g_i = load<f64>(gi + o);
    store<f64>(wr + o, load<f64>(wr + o) + p * (xr * g_r + xi * g_i));
    store<f64>(wi + o, load<f64>(wi + o) + p * (xr * g_i - xi * g_r));
  }
}

// ---- FFT (ComplexFft / RealFft of complex-fft.ts and fft.ts, operation for operation) ----
// Arrays are f64 planes; `tr`/`ti` the stage's twiddles as ComplexFft lays them out; constants
// computed by JavaScript (Math.cos/sin) are passed in, so that no transcendental is evaluated here.

@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** One radix-2 Stockham stage (length 2m at stride s). */
export function radix2(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize): void {
  const sm = s * m;
  for (let q = 0; q < s; q++) {
    const ar = ld(xr, q);
    const ai = ld(xi, q);
    const br = ld(xr, q + sm);
    const bi = ld(xi, q + sm);
    st(yr, q, ar + br);
    st(yi, q, ai + bi);
    st(yr, q + s, ar - br);
    st(yi, q + s, ai - bi);
  }
  for (let p = 1; p < m; p++) {
    const wr = ld(tr, p);
    const wi = ld(ti, p);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const i1 = i0 + s * m;
      const ar = ld(xr, i0);
      const ai = ld(xi, i0);
      const br = ld(xr, i1);
      const bi = ld(xi, i1);
      const o = q + s * 2 * p;
      st(yr, o, ar + br);
      st(yi, o, ai + bi);
      const dr = ar - br;
      const di = ai - bi;
      st(yr, o + s, dr * wr - di * wi);
      st(yi, o + s, dr * wi + di * wr);
    }
  }
}

/** One radix-4 Stockham stage (length 4m at stride s). */
export function radix4(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize): void {
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = p * 3;
    const w1r = ld(tr, t);
    const w1i = ld(ti, t);
    const w2r = ld(tr, t + 1);
    const w2i = ld(ti, t + 1);
    const w3r = ld(tr, t + 2);
    const w3i = ld(ti, t + 2);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const a0r = ld(xr, i0);
      const a0i = ld(xi, i0);
      const a1r = ld(xr, i0 + sm);
      const a1i = ld(xi, i0 + sm);
      const a2r = ld(xr, i0 + 2 * sm);
      const a2i = ld(xi, i0 + 2 * sm);
      const a3r = ld(xr, i0 + 3 * sm);
      const a3i = ld(xi, i0 + 3 * sm);
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      const o = q + s * 4 * p;
      st(yr, o, t0r + t2r);
      st(yi, o, t0i + t2i);
      const b1r = t1r + t3i;
      const b1i = t1i - t3r;
      const b2r = t0r - t2r;
      const b2i = t0i - t2i;
      const b3r = t1r - t3i;
      const b3i = t1i + t3r;
      if (p == 0) {
        // Twiddles are 1.
        st(yr, o + s, b1r);
        st(yi, o + s, b1i);
        st(yr, o + 2 * s, b2r);
        st(yi, o + 2 * s, b2i);
        st(yr, o + 3 * s, b3r);
        st(yi, o + 3 * s, b3i);
      } else {
        st(yr, o + s, b1r * w1r - b1i * w1i);
        st(yi, o + s, b1r * w1i + b1i * w1r);
        st(yr, o + 2 * s, b2r * w2r - b2i * w2i);
        st(yi, o + 2 * s, b2r * w2i + b2i * w2r);
        st(yr, o + 3 * s, b3r * w3r - b3i * w3i);
        st(yi, o + 3 * s, b3r * w3i + b3i * w3r);
      }
    }
  }
}

/** One radix-3 Stockham stage; `sin60` = √3/2. */
export function radix3(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize, sin60: f64): void {
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const w1r = ld(tr, p * 2);
    const w1i = ld(ti, p * 2);
    const w2r = ld(tr, p * 2 + 1);
    const w2i = ld(ti, p * 2 + 1);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const a0r = ld(xr, i0);
      const a0i = ld(xi, i0);
      const a1r = ld(xr, i0 + sm);
      const a1i = ld(xi, i0 + sm);
      const a2r = ld(xr, i0 + 2 * sm);
      const a2i = ld(xi, i0 + 2 * sm);
      const t_r = a1r + a2r;
      const t_i = a1i + a2i;
      const ur = (a1r - a2r) * sin60;
      const ui = (a1i - a2i) * sin60;
      const mr = a0r - 0.5 * t_r;
      const mi = a0i - 0.5 * t_i;
      const o = q + s * 3 * p;
      st(yr, o, a0r + t_r);
      st(yi, o, a0i + t_i);
      const b1r = mr + ui;
      const b1i = mi - ur;
      const b2r = mr - ui;
      const b2i = mi + ur;
      st(yr, o + s, b1r * w1r - b1i * w1i);
      st(yi, o + s, b1r * w1i + b1i * w1r);
      st(yr, o + 2 * s, b2r * w2r - b2i * w2i);
      st(yi, o + 2 * s, b2r * w2i + b2i * w2r);
    }
  }
}

/** One radix-5 Stockham stage; `c` points at [cos 2π/5, cos 4π/5, sin 2π/5, sin 4π/5]. */
export function radix5(xr: usize, xi: usize, yr: usize, yi: usize, m: i32, s: i32, tr: usize, ti: usize, c: usize): void {
  const sm = s * m;
  const C1 = ld(c, 0);
  const C2 = ld(c, 1);
  const S1 = ld(c, 2);
  const S2 = ld(c, 3);
  for (let p = 0; p < m; p++) {
    const t = p * 4;
    const w1r = ld(tr, t);
    const w1i = ld(ti, t);
    const w2r = ld(tr, t + 1);
    const w2i = ld(ti, t + 1);
    const w3r = ld(tr, t + 2);
    const w3i = ld(ti, t + 2);
    const w4r = ld(tr, t + 3);
    const w4i = ld(ti, t + 3);
    for (let q = 0; q < s; q++) {
      const i0 = q + s * p;
      const a0r = ld(xr, i0);
      const a0i = ld(xi, i0);
      const a1r = ld(xr, i0 + sm);
      const a1i = ld(xi, i0 + sm);
      const a2r = ld(xr, i0 + 2 * sm);
      const a2i = ld(xi, i0 + 2 * sm);
      const a3r = ld(xr, i0 + 3 * sm);
      const a3i = ld(xi, i0 + 3 * sm);
      const a4r = ld(xr, i0 + 4 * sm);
      const a4i = ld(xi, i0 + 4 * sm);
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const u1r = a1r - a4r;
      const u1i = a1i - a4i;
      const u2r = a2r - a3r;
      const u2i = a2i - a3i;
      const Ar = a0r + C1 * t1r + C2 * t2r;
      const Ai = a0i + C1 * t1i + C2 * t2i;
      const Br = a0r + C2 * t1r + C1 * t2r;
      const Bi = a0i + C2 * t1i + C1 * t2i;
      const vr = S1 * u1r + S2 * u2r;
      const vi = S1 * u1i + S2 * u2i;
      const wr = S2 * u1r - S1 * u2r;
      const wi = S2 * u1i - S1 * u2i;
      const o = q + s * 5 * p;
      st(yr, o, a0r + t1r + t2r);
      st(yi, o, a0i + t1i + t2i);
      if (p == 0) {
        st(yr, o + s, Ar + vi);
        st(yi, o + s, Ai - vr);
        st(yr, o + 2 * s, Br + wi);
        st(yi, o + 2 * s, Bi - wr);
        st(yr, o + 3 * s, Br - wi);
        st(yi, o + 3 * s, Bi + wr);
        st(yr, o + 4 * s, Ar - vi);
        st(yi, o + 4 * s, Ai + vr);
      } else {
        twiddle(yr, yi, o + s, Ar + vi, Ai - vr, w1r, w1i);
        twiddle(yr, yi, o + 2 * s, Br + wi, Bi - wr, w2r, w2i);
        twiddle(yr, yi, o + 3 * s, Br - wi, Bi + wr, w3r, w3i);
        twiddle(yr, yi, o + 4 * s, Ar - vi, Ai + vr, w4r, w4i);
      }
    }
  }
}

@inline function twiddle(yr: usize, yi: usize, at: i32, br: f64, bi: f64, wr: f64, wi: f64): void {
  st(yr, at, br * wr - bi * wi);
  st(yi, at, br * wi + bi * wr);
}

/** Real FFT, before the complex one: even samples to zRe, odd to zIm (M = N/2). */
export function realForwardIn(input: usize, zr: usize, zi: usize, M: i32): void {
  for (let n = 0; n < M; n++) {
    st(zr, n, ld(input, 2 * n));
    st(zi, n, ld(input, 2 * n + 1));
  }
}

/** Real FFT, after the complex one: the N/2 + 1 bins from Z (wr/wi: e^(−2πik/N)). */
export function realForwardOut(Zr: usize, Zi: usize, outRe: usize, outIm: usize, wr: usize, wi: usize, M: i32): void {
  const z0r = ld(Zr, 0);
  const z0i = ld(Zi, 0);
  st(outRe, 0, z0r + z0i);
  st(outIm, 0, 0);
  st(outRe, M, z0r - z0i);
  st(outIm, M, 0);
  for (let k = 1, j = M - 1; k <= j; k++, j--) {
    const ar = ld(Zr, k);
    const ai = ld(Zi, k);
    const br = ld(Zr, j);
    const bi = -ld(Zi, j);
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    const or = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    const w_r = ld(wr, k);
    const w_i = ld(wi, k);
    const pr = or * w_r - oi * w_i;
    const pi = or * w_i + oi * w_r;
    st(outRe, k, er + pr);
    st(outIm, k, ei + pi);
    st(outRe, j, er - pr);
    st(outIm, j, pi - ei);
  }
}

/** Inverse real FFT, before the complex one. */
export function realInverseIn(inRe: usize, inIm: usize, zr: usize, zi: usize, wr: usize, wi: usize, M: i32): void {
  const d0 = ld(inRe, 0);
  const dM = ld(inRe, M);
  st(zr, 0, 0.5 * (d0 + dM));
  st(zi, 0, -0.5 * (d0 - dM));
  for (let k = 1, j = M - 1; k <= j; k++, j--) {
    const ar = ld(inRe, k);
    const ai = ld(inIm, k);
    const br = ld(inRe, j);
    const bi = -ld(inIm, j);
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    const dr = 0.5 * (ar - br);
    const di = 0.5 * (ai - bi);
    const w_r = ld(wr, k);
    const w_i = -ld(wi, k);
    const or = dr * w_r - di * w_i;
    const oi = dr * w_i + di * w_r;
    st(zr, k, er - oi);
    st(zi, k, -(ei + or));
    st(zr, j, er + oi);
    st(zi, j, ei - or);
  }
}

/** Inverse real FFT, after the complex one: interleave and scale (1/M). */
export function realInverseOut(Zr: usize, Zi: usize, output: usize, M: i32, scale: f64): void {
  for (let n = 0; n < M; n++) {
    st(output, 2 * n, ld(Zr, n) * scale);
    st(output, 2 * n + 1, -ld(Zi, n) * scale);
  }
}
