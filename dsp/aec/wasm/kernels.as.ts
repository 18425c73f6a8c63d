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
