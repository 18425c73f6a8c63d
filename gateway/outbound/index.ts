/** Outbound audio: real-time pacing with a playout clock (the engine's OutboundAudio). */
export { OutboundPacer, type PacerOptions, type PacerSink } from './pacer.ts';
