/**
 * Echo cancellation for phone calls: {@link EchoCanceller} (bulk delay + partitioned adaptive
 * filter + residual echo suppression) and {@link EchoAwareBargeInGate} (caller speech vs the
 * agent's own echo, before the VAD).
 */
export { EchoCanceller } from './echo-canceller.ts';
export type { EchoCancellerOptions, EchoCancellerTaps, Pcm } from './echo-canceller.ts';
export { EchoAwareBargeInGate } from './barge-in-gate.ts';
export type { BargeInGateOptions } from './barge-in-gate.ts';
export { DelayEstimator } from './delay-estimator.ts';
export type { DelayEstimatorOptions } from './delay-estimator.ts';
export { ComplexFft, RealFft } from './fft.ts';
