/** Silero VAD inference (batched, one session per thread); the framing and hysteresis math is in dsp/vad. */
export { SileroModel, sileroModelPath } from './silero-model.ts';
