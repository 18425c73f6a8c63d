/**
 * False barge-ins on the echo-only scenario: the canceller, the echo-aware barge-in gate, a simple
 * energy detector and the gateway's minimum-duration rule (`vad_cutoff_timeout_ms` = 250 ms).
 * The gateway owner will later route the same signals through the real gateway path instead.
 */
import { EchoAwareBargeInGate, EchoCanceller } from '../../dsp/aec/index.ts';
import type { FalseBargeinSignals } from './scenarios.ts';

/** Result of {@link countFalseBargeins}. */
export interface FalseBargeinCount {
  /** Barge-ins with the gate (the canceller's output, gate, energy detector, 250 ms rule). */
  readonly bargeins: number;
  /** Barge-ins on the canceller's output without the gate (energy detector and 250 ms rule). */
  readonly withoutGate: number;
  /** Barge-ins on the raw near end (no canceller, no gate). */
  readonly withoutCanceller: number;
  /** Frames the gate let through while the detector heard speech. */
  readonly gatedSpeechFrames: number;
  readonly frames: number;
}

// Speech detector: frame energy above −45 dBFS (the caller's speech is around −24 dBFS; the line
// noise of the scenario is −62 dBFS).
const SPEECH_DBFS = -45;
// `vad_cutoff_timeout_ms`: speech must last this long to count as a barge-in.
const MIN_BARGEIN_MS = 250;
// The agent counts as speaking while its audio played within the last 500 ms (sentence pauses).
const SPEAKING_HOLD_MS = 500;

/** Counts barge-ins detected on a scenario without any caller speech (all are false). */
export function countFalseBargeins(signals: FalseBargeinSignals): FalseBargeinCount {
  const { sampleRateHz: fs, frameSamples: F, far, near } = signals;
  const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F, maxDelayMs: 1000 });
  const gate = new EchoAwareBargeInGate();
  const out = new Float32Array(F);
  const speech = Math.pow(10, SPEECH_DBFS / 10);
  const minFrames = Math.ceil(MIN_BARGEIN_MS / ((F * 1000) / fs));
  const holdFrames = Math.round(SPEAKING_HOLD_MS / ((F * 1000) / fs));
  const runs = { gated: 0, plain: 0, raw: 0 };
  const counts = { gated: 0, plain: 0, raw: 0 };
  let lastFar = -1_000_000;
  let gatedSpeechFrames = 0;
  let frames = 0;
  const count = (key: 'gated' | 'plain' | 'raw', active: boolean): void => {
    runs[key] = active ? runs[key] + 1 : 0;
    if (runs[key] === minFrames) counts[key]++;
  };
  for (let s = 0; s + F <= far.length; s += F, frames++) {
    const farFrame = far.subarray(s, s + F);
    const nearFrame = near.subarray(s, s + F);
    aec.process(nearFrame, farFrame, out);
    if (meanSquare(farFrame) > 1e-6) lastFar = frames;
    const agentSpeaking = frames - lastFar <= holdFrames;
    const open = gate.update(aec.outputEnergy, aec.echoPredictionEnergy, agentSpeaking);
    const loud = aec.outputEnergy > speech;
    if (open && loud) gatedSpeechFrames++;
    count('gated', open && loud);
    count('plain', loud);
    count('raw', meanSquare(nearFrame) > speech);
  }
  return { bargeins: counts.gated, withoutGate: counts.plain, withoutCanceller: counts.raw, gatedSpeechFrames, frames };
}

function meanSquare(x: Float32Array): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) e += (x[i] as number) ** 2;
  return e / x.length;
}
