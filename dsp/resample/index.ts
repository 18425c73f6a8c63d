/** Streaming polyphase resampling between telephone rates (8, 16, 24 kHz). */
export { Resampler, type ResamplerOptions } from './polyphase.ts';
