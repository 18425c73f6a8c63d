/**
 * Echo-aware barge-in gate: decides, per frame, whether the near-end energy left after echo
 * cancellation is more than the agent's own echo can explain. Only frames it lets through may count
 * as caller speech for barge-in; the VAD and the minimum-duration rule come after it.
 */

/** Construction parameters of {@link EchoAwareBargeInGate}. */
export interface BargeInGateOptions {
  /**
   * How far above the predicted echo the output must be, dB. Default 6: the echo prediction is a
   * smoothed estimate whose frame-to-frame error on speech stays within ±3 dB, doubled for safety.
   */
  readonly marginDb?: number;
  /**
   * Output level below which nothing counts, dBFS (mean square, full scale 1). Default −55: under
   * the quietest speech a telephone line delivers, above its idle noise.
   */
  readonly floorDbfs?: number;
  /**
   * How fast the held echo prediction may fall, dB per frame. Default 3 (150 dB/s at 20 ms frames):
   * the prediction follows the echo's decay without trusting a single quiet frame inside speech.
   */
  readonly releaseDbPerFrame?: number;
  /**
   * Extra margin while the agent is speaking, dB. Default 0; raise it where the echo path is
   * non-linear (loudspeaker distortion) and the linear prediction underestimates the echo.
   */
  readonly speakingMarginDb?: number;
}

/**
 * Per-frame gate. Give it the canceller's output energy, its echo prediction for that frame (see
 * `EchoCanceller.echoPredictionEnergy`) and whether the agent is speaking.
 *
 * @example
 * const gate = new EchoAwareBargeInGate();
 * aec.process(near, far, out);
 * const candidate = gate.update(aec.outputEnergy, aec.echoPredictionEnergy, agentSpeaking);
 * if (candidate && vad.isSpeech(out)) bargeInTimer.extend(); else bargeInTimer.reset();
 */
export class EchoAwareBargeInGate {
  private readonly margin: number;
  private readonly speakingMargin: number;
  private readonly floor: number;
  private readonly release: number;
  private held = 0;
  private lastRatio = 0;

  constructor(options: BargeInGateOptions = {}) {
    this.margin = Math.pow(10, (options.marginDb ?? 6) / 10);
    this.speakingMargin = Math.pow(10, (options.speakingMarginDb ?? 0) / 10);
    this.floor = Math.pow(10, (options.floorDbfs ?? -55) / 10);
    this.release = Math.pow(10, -(options.releaseDbPerFrame ?? 3) / 10);
  }

  /**
   * True when the frame's output energy exceeds both the floor and the (held) echo prediction by
   * the margin: near-end activity that is not the agent's echo.
   *
   * @param outputEnergy mean square of the canceller's output frame
   * @param echoPredictionEnergy mean square of the echo predicted to remain in that frame
   * @param agentSpeaking whether the agent's audio is being played out
   */
  update(outputEnergy: number, echoPredictionEnergy: number, agentSpeaking: boolean): boolean {
    const decayed = this.held * this.release;
    this.held = echoPredictionEnergy > decayed ? echoPredictionEnergy : decayed;
    let threshold = this.held * this.margin;
    if (agentSpeaking) threshold *= this.speakingMargin;
    if (threshold < this.floor) threshold = this.floor;
    this.lastRatio = outputEnergy / threshold;
    return outputEnergy > threshold;
  }

  /** Output energy over the last threshold, dB (positive: the gate was open). For metrics and tuning. */
  get headroomDb(): number {
    return this.lastRatio > 0 ? 10 * Math.log10(this.lastRatio) : -Infinity;
  }

  /** Forgets the held prediction (new call). */
  reset(): void {
    this.held = 0;
    this.lastRatio = 0;
  }
}
