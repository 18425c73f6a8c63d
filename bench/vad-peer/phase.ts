/** What each VAD's phase of the comparison returns. */
export interface PhaseResult {
  /** Windows (32 ms) processed in the measured part of the phase, all streams together. */
  readonly windows: number;
  /** Process CPU time (user + system, all threads) over the measured part (µs). */
  readonly cpuUs: number;
  /** Per stream, the speech probability of each window, from the stream's start. */
  readonly probs: number[][];
  /** 20 ms steps the pacer ran late for (the process could not keep real time). */
  readonly lateSteps: number;
  readonly extra?: Record<string, number>;
}
