/**
 * Signal level over 16-bit PCM, in dBFS where 0 dBFS is a full-scale square wave (RMS 32768).
 * Pure functions over caller-owned views; nothing allocates.
 */

/** Level reported for digital silence (log of zero), and the floor of every measurement. */
export const DBFS_FLOOR = -120;

const FULL_SCALE = 32768;

/** Mean of the squared samples, normalised so a full-scale square wave is 1. */
export function meanSquare(pcm: Int16Array): number {
  const n = pcm.length;
  if (n === 0) return 0;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const s = pcm[i] as number;
    acc += s * s;
  }
  return acc / n / (FULL_SCALE * FULL_SCALE);
}

/** Converts a normalised mean square to dBFS, floored at {@link DBFS_FLOOR}. */
export function powerToDbfs(power: number): number {
  if (power <= 0) return DBFS_FLOOR;
  const db = 10 * Math.log10(power);
  return db < DBFS_FLOOR ? DBFS_FLOOR : db;
}

/**
 * RMS level in dBFS.
 * @example rmsDbfs(frame) < -55 // below the line-noise floor
 */
export function rmsDbfs(pcm: Int16Array): number {
  return powerToDbfs(meanSquare(pcm));
}

/** Peak level in dBFS. */
export function peakDbfs(pcm: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) {
    const s = pcm[i] as number;
    const a = s < 0 ? -s : s;
    if (a > peak) peak = a;
  }
  return peak === 0 ? DBFS_FLOOR : Math.max(DBFS_FLOOR, 20 * Math.log10(peak / FULL_SCALE));
}

/**
 * A smoothed level meter: fast attack, slow release, the way a VU display or a noise-floor
 * tracker wants it. Times are per update (one update per frame).
 */
export class LevelMeter {
  readonly #attack: number;
  readonly #release: number;
  #power = 0;

  /**
   * @param frameMs duration of one update.
   * @param attackMs time constant when the level rises (10 ms follows syllable onsets).
   * @param releaseMs time constant when it falls (300 ms rides over the gaps between words).
   */
  constructor(frameMs: number, attackMs = 10, releaseMs = 300) {
    this.#attack = 1 - Math.exp(-frameMs / attackMs);
    this.#release = 1 - Math.exp(-frameMs / releaseMs);
  }

  /** Feeds one frame; returns the smoothed level in dBFS. */
  update(pcm: Int16Array): number {
    const p = meanSquare(pcm);
    const k = p > this.#power ? this.#attack : this.#release;
    this.#power += k * (p - this.#power);
    return powerToDbfs(this.#power);
  }

  /** Current smoothed level in dBFS. */
  get dbfs(): number {
    return powerToDbfs(this.#power);
  }

  reset(): void {
    this.#power = 0;
  }
}
