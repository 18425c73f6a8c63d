/**
 * Bytes the JavaScript heap allocates per `process()` call, measured with V8's sampling heap
 * profiler (through the inspector) including objects already collected: the canceller is meant to
 * allocate nothing per frame, and this checks it, engine boxing of numbers included.
 */
import { Session } from 'node:inspector/promises';
import { EchoCanceller } from '../../dsp/aec/index.ts';

/** Runs `near`/`far` (16-bit PCM) through a warmed-up canceller and returns sampled bytes per frame. */
export async function allocatedBytesPerFrame(sampleRateHz: number, near: Int16Array, far: Int16Array): Promise<number> {
  const F = sampleRateHz / 50;
  const frames = Math.floor(near.length / F);
  // Frame views made up front: the measured loop only calls process().
  const nearFrames: Int16Array[] = [];
  const farFrames: Int16Array[] = [];
  for (let i = 0; i < frames; i++) {
    nearFrames.push(near.subarray(i * F, (i + 1) * F));
    farFrames.push(far.subarray(i * F, (i + 1) * F));
  }
  const out = new Int16Array(F);
  const aec = new EchoCanceller({ sampleRateHz, frameSamples: F });
  for (let i = 0; i < frames; i++) aec.process(nearFrames[i]!, farFrames[i]!, out);
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let i = 0; i < frames; i++) aec.process(nearFrames[i]!, farFrames[i]!, out);
    const { profile } = await session.post('HeapProfiler.stopSampling');
    let bytes = 0;
    const visit = (node: { callFrame: { url: string }; selfSize: number; children: unknown[] }): void => {
      // Only what the canceller's own code allocated, not the profiler's messages.
      if (node.callFrame.url.includes('/dsp/aec/')) bytes += node.selfSize;
      for (const child of node.children) visit(child as typeof node);
    };
    visit(profile.head as unknown as Parameters<typeof visit>[0]);
    return bytes / frames;
  } finally {
    session.disconnect();
  }
}
