/**
 * The echo-cancellation stage of the per-call DSP pipeline: it runs before the VAD, on 16 kHz
 * 20 ms frames, with the far end taken from the playout-aligned reference (exactly the PCM sent
 * to the carrier). It wraps the canceller of dsp/aec and its echo-aware barge-in gate.
 */
import { EchoAwareBargeInGate, EchoCanceller } from '../../dsp/aec/index.ts';

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
  /** False when `process` ignores the far end and copies `near` (the pipeline then skips both). */
  readonly needsReference: boolean;
  /** Frees what the stage holds outside the JavaScript heap (the canceller's kernel memory). Idempotent. */
  dispose(): void;
}

/** The pass-through stage (echo cancellation off): audio unchanged, the gate always open. */
export class PassThroughEcho implements EchoStage {
  readonly bargeInAllowed = true;
  readonly erleDb = Number.NaN;
  readonly delayMs = -1;
  readonly needsReference = false;

  process(near: Int16Array, _far: Int16Array, out: Int16Array): void {
    if (out !== near) out.set(near);
  }

  dispose(): void {}
}

/**
 * Frames of agent audio (2 s) after which a canceller that has still not converged is taken to
 * mean "no echo on this line": its prediction stays at the far-end level (no loss assumed) and
 * would otherwise block every barge-in for the whole call.
 */
const LEARN_FRAMES = 100;

/**
 * The canceller of dsp/aec with its barge-in gate. The gate decides while the canceller learns
 * (the first 2 s of agent audio: an unconverged echo may not interrupt the agent) and once it has
 * converged; a canceller that found no echo to converge on leaves caller speech free to count.
 */
export class AecEchoStage implements EchoStage {
  readonly #aec: EchoCanceller;
  readonly #gate = new EchoAwareBargeInGate();
  #allowed = true;
  #farFrames = 0;
  readonly needsReference = true;

  constructor(sampleRateHz: number, frameSamples: number) {
    this.#aec = new EchoCanceller({ sampleRateHz, frameSamples });
  }

  process(near: Int16Array, far: Int16Array, out: Int16Array): void {
    this.#aec.process(near, far, out);
    const gate = this.#gate.update(this.#aec.outputEnergy, this.#aec.echoPredictionEnergy, this.#aec.farActive);
    if (this.#aec.farActive && this.#farFrames < LEARN_FRAMES) this.#farFrames++;
    this.#allowed = this.#aec.converged || this.#farFrames < LEARN_FRAMES ? gate : true;
  }

  get bargeInAllowed(): boolean {
    return this.#allowed;
  }

  get erleDb(): number {
    return this.#aec.converged ? this.#aec.erleDb : Number.NaN;
  }

  get delayMs(): number {
    return this.#aec.delayMs;
  }

  dispose(): void {
    this.#aec.dispose();
  }
}

/** Builds the echo stage of a call. */
export function createEchoStage(sampleRateHz: number, frameSamples: number, enabled = true): EchoStage {
  return enabled ? new AecEchoStage(sampleRateHz, frameSamples) : new PassThroughEcho();
}
