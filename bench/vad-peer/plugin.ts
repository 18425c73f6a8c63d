/**
 * `@livekit/agents-plugin-silero` as LiveKit agents use it: `VAD.load()` once, one `vad.stream()`
 * per participant, 20 ms `AudioFrame`s pushed in, `INFERENCE_DONE` events (one per 32 ms window,
 * with its probability) read out. Its own onnxruntime-node and Silero model.
 */
import { paceFrames } from './pace.ts';
import type { PhaseResult } from './phase.ts';
import { frameOf, type Track } from './track.ts';

export async function runPlugin(track: Track, streams: number, frames: number, warmFrames: number): Promise<PhaseResult> {
  const agents = await import('@livekit/agents');
  agents.initializeLogger({ pretty: false, level: 'warn' });
  const { VAD } = await import('@livekit/agents-plugin-silero');
  const { AudioFrame } = await import('@livekit/rtc-node');
  const vad = await VAD.load();
  const probs: number[][] = Array.from({ length: streams }, () => []);
  const vadStreams = Array.from({ length: streams }, (_, i) => {
    const stream = vad.stream();
    void (async () => {
      for await (const event of stream) if (event.type === agents.VADEventType.INFERENCE_DONE) probs[i]!.push(event.probability);
    })().catch(() => {});
    return stream;
  });
  let cpu = { user: 0, system: 0 };
  let windowsAtWarm = 0;
  const countWindows = () => probs.reduce((a, p) => a + p.length, 0);
  const pace = await paceFrames(frames, (n) => {
    if (n === warmFrames) {
      windowsAtWarm = countWindows();
      cpu = process.cpuUsage();
    }
    for (let s = 0; s < streams; s++) vadStreams[s]!.pushFrame(new AudioFrame(frameOf(track, s, n, new Int16Array(320)), 16000, 1, 320));
  });
  const used = process.cpuUsage(cpu);
  const windows = countWindows() - windowsAtWarm;
  for (const s of vadStreams) s.close();
  return { windows, cpuUs: used.user + used.system, probs, lateSteps: pace.lateSteps };
}
