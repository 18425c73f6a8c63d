/**
 * The caller's ear and echo path: a bounded playout buffer that plays the agent's audio in real
 * time (what a handset speaker does), and a delay line that feeds it back, attenuated, into the
 * caller's microphone (acoustic echo the gateway has to cancel).
 */

/**
 * Bounded FIFO of samples. Overflow rule: drop the oldest samples and count them (a caller that
 * received far more audio than it can play is not hearing the agent in real time anyway).
 */
export class PlayoutBuffer {
  readonly #ring: Int16Array;
  #read = 0;
  #size = 0;
  /** Samples dropped because the buffer was full. */
  dropped = 0;

  constructor(capacitySamples: number) {
    this.#ring = new Int16Array(capacitySamples);
  }

  /** Samples waiting to be played. */
  get size(): number {
    return this.#size;
  }

  /** Appends samples, dropping the oldest when full. */
  write(pcm: Int16Array): void {
    const cap = this.#ring.length;
    let src = pcm;
    if (src.length > cap) {
      this.dropped += src.length - cap;
      src = src.subarray(src.length - cap);
    }
    const overflow = this.#size + src.length - cap;
    if (overflow > 0) {
      this.#read = (this.#read + overflow) % cap;
      this.#size -= overflow;
      this.dropped += overflow;
    }
    const write = (this.#read + this.#size) % cap;
    const first = Math.min(src.length, cap - write);
    this.#ring.set(src.subarray(0, first), write);
    if (first < src.length) this.#ring.set(src.subarray(first), 0);
    this.#size += src.length;
  }

  /** Plays `out.length` samples into `out` (zeros once empty); returns how many were real audio. */
  read(out: Int16Array): number {
    const cap = this.#ring.length;
    const n = Math.min(out.length, this.#size);
    const first = Math.min(n, cap - this.#read);
    out.set(this.#ring.subarray(this.#read, this.#read + first), 0);
    if (first < n) out.set(this.#ring.subarray(0, n - first), first);
    out.fill(0, n);
    this.#read = (this.#read + n) % cap;
    this.#size -= n;
    return n;
  }

  /** Drops everything queued (the carrier's reaction to `StopAudio`). */
  clear(): void {
    this.#read = 0;
    this.#size = 0;
  }
}

/** A fixed delay and attenuation from speaker to microphone, whole frames at a time. */
export class EchoPath {
  readonly #line: Int16Array;
  readonly #frame: number;
  readonly #frames: number;
  #at = 0;
  readonly gain: number;

  /**
   * @param delayMs echo delay, rounded to whole frames (200 ms: a handset plus the network back)
   * @param lossDb echo return loss (20 dB: a phone held to the ear; 0 disables attenuation)
   */
  constructor(delayMs: number, lossDb: number, frameSamples = 320, sampleRateHz = 16_000) {
    this.#frame = frameSamples;
    this.#frames = Math.max(0, Math.round((delayMs * sampleRateHz) / 1000 / frameSamples));
    this.#line = new Int16Array(Math.max(1, this.#frames) * frameSamples);
    this.gain = 10 ** (-lossDb / 20);
  }

  /**
   * Pushes what the speaker played this frame and adds the echo of what it played `delayMs` ago
   * into `mic` (in place, saturating).
   */
  process(speaker: Int16Array, mic: Int16Array): void {
    const f = this.#frame;
    if (this.#frames === 0) {
      addScaled(mic, speaker, this.gain);
      return;
    }
    const slot = this.#line.subarray(this.#at * f, this.#at * f + f);
    addScaled(mic, slot, this.gain);
    slot.set(speaker);
    this.#at = (this.#at + 1) % this.#frames;
  }
}

function addScaled(into: Int16Array, from: Int16Array, gain: number): void {
  for (let i = 0; i < into.length; i++) {
    const v = into[i]! + from[i]! * gain;
    into[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}

/** A small deterministic PRNG (mulberry32), so a bench run with the same seed makes the same choices. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
