/**
 * The shared memory of one call's DSP slot: four SPSC rings and a stats block in one
 * SharedArrayBuffer, created on the main thread and handed once to the call's DSP thread.
 *
 * - `in` (main → DSP): caller audio at the carrier rate, 20 ms frames; meta [arrival ms, flags].
 * - `ref` (main → DSP): the exact agent audio sent to the carrier; meta [playout start in 1/16 ms].
 * - `out` (DSP → main): caller audio at 16 kHz after echo cancellation; meta [arrival ms].
 * - `results` (DSP → main): one record per VAD window; meta [probability × 1e6, end sample, arrival ms, flags].
 * - `stats` (DSP → main): cumulative counters, see {@link STAT}.
 */
import { FrameRing, type FrameRingShape } from '../../dsp/ring/index.ts';

/** Frames of queue per direction: 32 × 20 ms = 640 ms, beyond which the DSP thread is hopelessly behind. */
const AUDIO_FRAMES = 32;
/** VAD results: 64 windows = 2 s. */
const RESULT_RECORDS = 64;

/** Inbound frame flag: the carrier marked the frame silent. */
export const IN_SILENT = 1;
/** Result flag: the window was skipped (carrier-silent or under the energy floor), probability 0. */
export const RESULT_SKIPPED = 1;
/** Result flag: the echo canceller allows this speech to count for barge-in. */
export const RESULT_GATE_OPEN = 2;

/** Indices of the stats block (Int32, cumulative). */
export const STAT = {
  lateFrames: 0,
  aecDropped: 1,
  aecMissed: 2,
  /** ERLE in centi-dB (last value). */
  erleCentiDb: 3,
  /** Estimated echo delay in ms (last value), -1 when unknown. */
  aecDelayMs: 4,
  windowsInferred: 5,
  windowsSkipped: 6,
  /** Frames dropped because a ring was full. */
  ringDrops: 7,
} as const;
const STAT_WORDS = 8;

/** The rings and stats of one slot, as views over its buffer. */
export interface SlotViews {
  readonly in: FrameRing;
  readonly ref: FrameRing;
  readonly out: FrameRing;
  readonly results: FrameRing;
  readonly stats: Int32Array;
}

function shapes(carrierFrameSamples: number): FrameRingShape[] {
  return [
    { capacity: AUDIO_FRAMES, frameSamples: carrierFrameSamples, metaWords: 2 },
    { capacity: AUDIO_FRAMES, frameSamples: carrierFrameSamples, metaWords: 1 },
    { capacity: AUDIO_FRAMES, frameSamples: 320, metaWords: 1 },
    { capacity: RESULT_RECORDS, frameSamples: 0, metaWords: 4 },
  ];
}

/** Bytes of a slot for a carrier frame size. */
export function slotByteLength(carrierFrameSamples: number): number {
  return shapes(carrierFrameSamples).reduce((sum, s) => sum + FrameRing.byteLength(s), 0) + STAT_WORDS * 4;
}

/** Views over a slot buffer (both threads build the same views over the same memory). */
export function slotViews(buffer: SharedArrayBuffer | ArrayBuffer, carrierFrameSamples: number): SlotViews {
  const [inShape, refShape, outShape, resShape] = shapes(carrierFrameSamples) as [FrameRingShape, FrameRingShape, FrameRingShape, FrameRingShape];
  let offset = 0;
  const ring = (shape: FrameRingShape) => {
    const r = new FrameRing(buffer, offset, shape);
    offset += FrameRing.byteLength(shape);
    return r;
  };
  const views = { in: ring(inShape), ref: ring(refShape), out: ring(outShape), results: ring(resShape) };
  return { ...views, stats: new Int32Array(buffer, offset, STAT_WORDS) };
}
