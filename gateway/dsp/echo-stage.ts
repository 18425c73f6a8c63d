/**
 * The echo-cancellation hook of the per-call DSP pipeline: it runs before the VAD, on 16 kHz
 * 20 ms frames, with the far end taken from the playout-aligned reference (exactly the PCM sent
 * to the carrier). Until an echo canceller is plugged in the stage passes audio through and the
 * barge-in gate stays open.
 */

/** One call's echo canceller, as the pipeline drives it. */
export interface EchoStage {
  /** Cleans one frame: `near` (caller), `far` (agent audio playing then) → `out`. */
  process(near: Int16Array, far: Int16Array, out: Int16Array): void;
  /** False when speech in the last frame may be the agent's own echo (echo-aware barge-in). */
  readonly bargeInAllowed: boolean;
  /** Echo return loss enhancement (dB), or NaN before convergence. */
  readonly erleDb: number;
  /** Estimated echo delay (ms), or -1 when unknown. */
  readonly delayMs: number;
}

/** The pass-through stage used while no canceller is configured. */
export class PassThroughEcho implements EchoStage {
  readonly bargeInAllowed = true;
  readonly erleDb = Number.NaN;
  readonly delayMs = -1;

  process(near: Int16Array, _far: Int16Array, out: Int16Array): void {
    if (out !== near) out.set(near);
  }
}

/** Builds the echo stage of a call: a pass-through until the canceller in dsp/aec is wired. */
export function createEchoStage(_sampleRateHz: number, _frameSamples: number): EchoStage {
  return new PassThroughEcho();
}
