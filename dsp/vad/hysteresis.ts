/**
 * Speech start/stop decisions from per-window speech probabilities, with hysteresis: a run of
 * windows at or above `threshold` lasting `minSpeechMs` starts speech (its onset includes the window
 * before the run if that one was already above `threshold − 0.15`); speech continues while the
 * probability stays at or above `threshold − 0.15`; `minSilenceMs` below that ends it. Times are
 * whatever clock the caller feeds (the gateway uses the stream's media time in ms).
 */

/** Tuning of the decisions. */
export interface HysteresisOptions {
  /** Probability at or above which a window is speech (features.vad_threshold). */
  readonly threshold: number;
  /** Gap between the start and continue thresholds (0.15, as Silero's reference iterator uses). */
  readonly hysteresis?: number;
  /** Speech must last this long before it counts (64 ms: two windows, rejects clicks). */
  readonly minSpeechMs?: number;
  /** Silence must last this long before speech ends (96 ms: rides over stop consonants). */
  readonly minSilenceMs?: number;
}

/**
 * What a window changed: `None`; `Start` (speech started, `onsetMs` is the start of its first
 * window); `End` (speech ended, `lastVoicedMs` is the end of its last voiced window).
 */
export const VadChange = { None: 0, Start: 1, End: 2 } as const;
export type VadChange = (typeof VadChange)[keyof typeof VadChange];

/**
 * The decision state of one stream.
 * @example
 * const h = new VadHysteresis({ threshold: 0.5 });
 * if (h.update(p, startMs, endMs) === VadChange.Start) emit(h.onsetMs);
 */
export class VadHysteresis {
  readonly threshold: number;
  readonly negThreshold: number;
  readonly minSpeechMs: number;
  readonly minSilenceMs: number;
  /** True while speech is on. */
  speaking = false;
  /** Start of the current (or candidate) speech run. */
  onsetMs = 0;
  /** End of the last window at or above `threshold` while speaking. */
  lastVoicedMs = 0;
  #runStartMs = -1;
  /** The previous window, for starting a run one window early when it was already in the hysteresis band. */
  #prevProbability = 0;
  #prevStartMs = 0;

  constructor(options: HysteresisOptions) {
    if (!(options.threshold >= 0 && options.threshold <= 1)) throw new RangeError(`threshold must be in [0, 1], got ${options.threshold}`);
    this.threshold = options.threshold;
    this.negThreshold = Math.max(0, options.threshold - (options.hysteresis ?? 0.15));
    this.minSpeechMs = options.minSpeechMs ?? 64;
    this.minSilenceMs = options.minSilenceMs ?? 96;
  }

  /** Feeds one window's probability; returns what changed. */
  update(probability: number, startMs: number, endMs: number): VadChange {
    const prevProbability = this.#prevProbability;
    const prevStartMs = this.#prevStartMs;
    this.#prevProbability = probability;
    this.#prevStartMs = startMs;
    if (!this.speaking) {
      if (probability >= this.threshold) {
        // A rising edge through the band: the window before already held the onset.
        if (this.#runStartMs < 0) this.#runStartMs = prevProbability >= this.negThreshold && prevStartMs < startMs ? prevStartMs : startMs;
        this.lastVoicedMs = endMs;
        if (endMs - this.#runStartMs >= this.minSpeechMs) {
          this.speaking = true;
          this.onsetMs = this.#runStartMs;
          this.#runStartMs = -1;
          return VadChange.Start;
        }
      } else if (probability < this.negThreshold || this.#runStartMs < 0) {
        this.#runStartMs = -1;
      }
      return VadChange.None;
    }
    if (probability >= this.threshold) this.lastVoicedMs = endMs;
    if (probability >= this.negThreshold) {
      if (probability < this.threshold && endMs - this.lastVoicedMs >= this.minSilenceMs * 4) {
        // A long tail of doubtful windows (breath, noise) is not speech either.
        this.speaking = false;
        return VadChange.End;
      }
      return VadChange.None;
    }
    if (endMs - this.lastVoicedMs >= this.minSilenceMs) {
      this.speaking = false;
      return VadChange.End;
    }
    return VadChange.None;
  }

  /** Forgets the stream's state. */
  reset(): void {
    this.speaking = false;
    this.onsetMs = 0;
    this.lastVoicedMs = 0;
    this.#runStartMs = -1;
    this.#prevProbability = 0;
    this.#prevStartMs = 0;
  }
}
