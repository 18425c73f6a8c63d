/**
 * The memory the SIMD kernels work in: one shared WebAssembly memory per thread, carved into one
 * region per echo canceller. Shared, so that growing it for a new call never detaches the typed-array
 * views of the calls already running (a non-shared memory's buffer is replaced on growth).
 */
import { KERNELS_WASM_BASE64 } from './kernels-wasm.ts';

/** The kernels exported by kernels.as.ts; every pointer is a byte offset into the arena. */
export interface KernelExports {
  filterPair(
    hr: number, hi: number, awr: number, awi: number, bwr: number, bwi: number,
    list: number, P: number, nBoth: number, nA: number, nB: number, K: number,
    aRe: number, aIm: number, bRe: number, bIm: number,
  ): void;
  adapt(wr: number, wi: number, hr: number, hi: number, gr: number, gi: number, K: number, p: number): void;
  radix2(xr: number, xi: number, yr: number, yi: number, m: number, s: number, tr: number, ti: number): void;
  radix4(xr: number, xi: number, yr: number, yi: number, m: number, s: number, tr: number, ti: number): void;
  radix3(xr: number, xi: number, yr: number, yi: number, m: number, s: number, tr: number, ti: number, sin60: number): void;
  radix5(xr: number, xi: number, yr: number, yi: number, m: number, s: number, tr: number, ti: number, constants: number): void;
  realForwardIn(a: number, b: number, zr: number, zi: number, M: number): void;
  realForwardOut(Zr: number, Zi: number, aRe: number, aIm: number, bRe: number, bIm: number, wr: number, wi: number, M: number): void;
  realInverseIn(aRe: number, aIm: number, bRe: number, bIm: number, zr: number, zi: number, wr: number, wi: number, M: number): void;
  realInverseOut(Zr: number, Zi: number, a: number, b: number, M: number, scale: number): void;
}

/** The part of the WebAssembly API used here (the project's `lib` settings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

const PAGE = 65536;
/** Address space reserved for a thread's regions: 1 GiB, ~5,000 cancellers at 16 kHz (~200 KB each; reserved, not resident). */
const MAX_PAGES = 16384;
/** Bytes below this offset are left to the module (it declares no data today). */
const BASE = 1024;
const ALIGN = 16;

const align = (n: number): number => (n + ALIGN - 1) & ~(ALIGN - 1);

/**
 * Typed arrays handed out in order from one block of memory: a region of the arena, or plain
 * JavaScript heap memory when the kernels are not used.
 */
export interface Region {
  f64(length: number): Float64Array;
  f32(length: number): Float32Array;
  i32(length: number): Int32Array;
}

/** A region on the JavaScript heap (the scalar kernels' path, and tests). */
export const heapRegion: Region = {
  f64: (n) => new Float64Array(n),
  f32: (n) => new Float32Array(n),
  i32: (n) => new Int32Array(n),
};

/** Bytes a region needs for arrays of these byte lengths (each aligned as {@link ArenaRegion} aligns it). */
export function regionBytes(...byteLengths: number[]): number {
  let total = 0;
  for (const n of byteLengths) total += align(n);
  return total;
}

/**
 * One canceller's block of the arena. Arrays are zeroed (freed blocks are cleared before reuse).
 */
export class ArenaRegion implements Region {
  readonly arena: KernelArena;
  readonly offset: number;
  readonly bytes: number;
  #used = 0;
  #released = false;

  constructor(arena: KernelArena, offset: number, bytes: number) {
    this.arena = arena;
    this.offset = offset;
    this.bytes = bytes;
  }

  #take(byteLength: number): number {
    const at = this.offset + this.#used;
    const next = this.#used + align(byteLength);
    if (next > this.bytes) throw new RangeError(`arena region of ${this.bytes} bytes exhausted (needs ${next})`);
    this.#used = next;
    return at;
  }

  f64(n: number): Float64Array {
    return new Float64Array(this.arena.buffer, this.#take(8 * n), n);
  }

  f32(n: number): Float32Array {
    return new Float32Array(this.arena.buffer, this.#take(4 * n), n);
  }

  i32(n: number): Int32Array {
    return new Int32Array(this.arena.buffer, this.#take(4 * n), n);
  }

  /** Gives the block back to the arena. Idempotent; the views must not be used after. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.arena.free(this.offset, this.bytes);
  }
}

let threadArena: KernelArena | null | undefined;

/**
 * The thread's arena and compiled kernels, or null where WebAssembly SIMD or shared memory is
 * unavailable (the canceller then runs its scalar JavaScript kernels).
 *
 * @example
 * const arena = KernelArena.forThisThread();
 * const region = arena?.region(bytes);
 */
export class KernelArena {
  readonly memory: WasmMemory;
  readonly kernels: KernelExports;
  #buffer: ArrayBufferLike;
  #top = BASE;
  /** Freed blocks by size: cancellers of one configuration all take the same size. */
  readonly #free = new Map<number, number[]>();
  #live = 0;

  private constructor(memory: WasmMemory, kernels: KernelExports) {
    this.memory = memory;
    this.kernels = kernels;
    this.#buffer = memory.buffer;
  }

  static forThisThread(): KernelArena | null {
    if (threadArena === undefined) threadArena = KernelArena.create();
    return threadArena;
  }

  /** A new arena (tests); null where the kernels cannot run. */
  static create(): KernelArena | null {
    try {
      if (wasm === undefined) return null;
      const memory = new wasm.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
      const module = new wasm.Module(decodeBase64(KERNELS_WASM_BASE64));
      const instance = new wasm.Instance(module, { env: { memory } });
      return new KernelArena(memory, instance.exports as unknown as KernelExports);
    } catch {
      return null;
    }
  }

  /** The memory's current buffer (it grows; views made earlier stay valid). */
  get buffer(): ArrayBufferLike {
    return this.#buffer;
  }

  /** Regions handed out and not released. */
  get liveRegions(): number {
    return this.#live;
  }

  /** A zeroed block of `bytes` (a multiple of 16 is used). */
  region(bytes: number): ArenaRegion {
    const size = align(bytes);
    const reused = this.#free.get(size)?.pop();
    let offset: number;
    if (reused !== undefined) {
      offset = reused;
      new Uint8Array(this.#buffer, offset, size).fill(0);
    } else {
      offset = this.#top;
      const end = offset + size;
      const have = this.memory.buffer.byteLength;
      if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE));
      this.#buffer = this.memory.buffer;
      this.#top = end;
    }
    this.#live++;
    return new ArenaRegion(this, offset, size);
  }

  /** Takes a block back (called by {@link ArenaRegion.release}). */
  free(offset: number, bytes: number): void {
    let list = this.#free.get(bytes);
    if (list === undefined) {
      list = [];
      this.#free.set(bytes, list);
    }
    list.push(offset);
    this.#live--;
  }
}

function decodeBase64(b64: string): Uint8Array {
  const text = atob(b64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
