/**
 * Latency bookkeeping of a call's current turn (SPEC §6): the silence wait, and the answer latency
 * from the caller's last voiced frame to the first byte of the answer sent to the carrier, plus the
 * engine's stage figures of the same turn (for the softphone's latency panel).
 */
import type { StageMetric } from './engine-port.ts';

/** One answered turn's figures (ms). */
export interface AnsweredTurn {
  readonly answerMs: number;
  readonly endpointMs: number | undefined;
  readonly stages: Readonly<Partial<Record<StageMetric, number>>>;
}

/** The figures of one call's turns, one turn at a time. */
export class TurnLatency {
  #answerFromMs: number | undefined;
  #endpointMs: number | undefined;
  #stages: Partial<Record<StageMetric, number>> = {};

  /** The caller's turn ended; returns the silence wait (ms) to record. */
  turnEnded(atMs: number, lastVoicedMs: number): number {
    this.#answerFromMs = lastVoicedMs;
    this.#endpointMs = atMs - lastVoicedMs;
    this.#stages = {};
    return this.#endpointMs;
  }

  /** The engine measured a stage of the current turn. */
  stage(metric: StageMetric, ms: number): void {
    this.#stages[metric] = ms;
  }

  /** The first frame of an answer went out at `atMs`: the turn's figures, once per ended turn. */
  firstAudio(atMs: number): AnsweredTurn | undefined {
    if (this.#answerFromMs === undefined) return undefined;
    const answered: AnsweredTurn = { answerMs: atMs - this.#answerFromMs, endpointMs: this.#endpointMs, stages: this.#stages };
    this.#answerFromMs = undefined;
    return answered;
  }
}
