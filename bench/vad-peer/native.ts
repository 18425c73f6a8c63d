/**
 * LiveKit's native VAD (`@livekit/local-inference`, `createVad()`): one handle per stream, one
 * `predict(512 samples)` per 32 ms window, each running on libuv's thread pool.
 */
import { createRequire } from 'node:module';
import { paceFrames } from './pace.ts';
import type { PhaseResult } from './phase.ts';
import { frameOf, type Track } from './track.ts';

interface NativeVad {
  predict(pcm: Int16Array): Promise<number>;
}
interface LocalInference {
  createVad(): NativeVad;
  initVad(): void;
  readonly VAD_WINDOW_SAMPLES: number;
}

export async function runNative(track: Track, streams: number, frames: number, warmFrames: number): Promise<PhaseResult> {
  const li = createRequire(import.meta.url)('@livekit/local-inference') as LocalInference;
  li.initVad();
  const W = li.VAD_WINDOW_SAMPLES;
  const probs: number[][] = Array.from({ length: streams }, () => []);
  const state = Array.from({ length: streams }, () => ({ vad: li.createVad(), buf: new Int16Array(W + 320), fill: 0, next: Promise.resolve() }));
  const frame = new Int16Array(320);
  let cpu = { user: 0, system: 0 };
  let windowsAtWarm = 0;
  const countWindows = () => probs.reduce((a, p) => a + p.length, 0);
  const pace = await paceFrames(frames, (n) => {
    if (n === warmFrames) {
      windowsAtWarm = countWindows();
      cpu = process.cpuUsage();
    }
    for (let s = 0; s < streams; s++) {
      const st = state[s]!;
      st.buf.set(frameOf(track, s, n, frame), st.fill);
      st.fill += 320;
      if (st.fill < W) continue;
      const window = st.buf.slice(0, W); // the handle keeps the buffer until its promise settles
      st.buf.copyWithin(0, W, st.fill);
      st.fill -= W;
      // One window at a time per stream: the LSTM state must see them in order.
      st.next = st.next.then(() => st.vad.predict(window).then((p) => void probs[s]!.push(p)));
    }
  });
  await Promise.all(state.map((s) => s.next));
  const used = process.cpuUsage(cpu);
  return { windows: countWindows() - windowsAtWarm, cpuUs: used.user + used.system, probs, lateSteps: pace.lateSteps };
}
