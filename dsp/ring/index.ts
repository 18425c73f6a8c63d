/** Lock-free single-producer single-consumer frame rings over shared memory (no Node APIs). */
export { FrameRing, type FrameRingShape } from './frame-ring.ts';
