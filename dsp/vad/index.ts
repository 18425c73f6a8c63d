/** VAD math: Silero v5 framing and speech start/stop hysteresis (model inference lives in gateway/vad). */
export {
  SILERO_CONTEXT_SAMPLES,
  SILERO_INPUT_SAMPLES,
  SILERO_STATE_SIZE,
  SILERO_WINDOW_MS,
  SILERO_WINDOW_SAMPLES,
  SileroWindower,
  type WindowInfo,
} from './silero-window.ts';
export { VadChange, VadHysteresis, type HysteresisOptions } from './hysteresis.ts';
