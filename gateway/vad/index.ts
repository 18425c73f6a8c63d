/** Silero VAD inference (batched, one session per thread); the framing and hysteresis math is in dsp/vad. */
export { SileroModel, sileroModelPath, type SileroGraph } from './silero-model.ts';
export { buildBatchedSilero } from './silero-batched.ts';
