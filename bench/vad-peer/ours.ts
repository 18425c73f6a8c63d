/**
 * Our VAD as the gateway runs it: every stream has a DSP slot (shared rings), and one tick every
 * 20 ms frames the audio into Silero windows and runs ONE batched inference for all windows due,
 * skipping quiet windows between utterances. Echo cancellation is off: this compares VADs.
 */
import { DspChannel } from '../../gateway/dsp/channel.ts';
import { DspCore } from '../../gateway/dsp/core.ts';
import { SileroModel } from '../../gateway/vad/index.ts';
import { paceFrames } from './pace.ts';
import { frameOf, type Track } from './track.ts';
import type { PhaseResult } from './phase.ts';

export async function runOurs(track: Track, streams: number, frames: number, warmFrames: number): Promise<PhaseResult> {
  const model = await SileroModel.load();
  const core = new DspCore(model, undefined, false);
  const probs: number[][] = Array.from({ length: streams }, () => []);
  const channels = Array.from({ length: streams }, (_, i) => {
    const channel = new DspChannel(i + 1, 16000, 0, () => {});
    core.open({ slotId: i + 1, buffer: channel.buffer, carrierRateHz: 16000, epochMs: performance.timeOrigin });
    channel.listener = { onAudio: () => {}, onWindow: (p) => probs[i]!.push(p) };
    return channel;
  });
  const frame = new Int16Array(320);
  let cpu = { user: 0, system: 0 };
  let windowsAtWarm = 0;
  const countWindows = () => probs.reduce((a, p) => a + p.length, 0);
  let inferred = 0;
  let skipped = 0;
  const pace = await paceFrames(frames, async (n) => {
    if (n === warmFrames) {
      windowsAtWarm = countWindows();
      cpu = process.cpuUsage();
    }
    for (let s = 0; s < streams; s++) channels[s]!.pushAudio(frameOf(track, s, n, frame), 0, false);
    const stats = await core.tick();
    if (n >= warmFrames) {
      inferred += stats.inferred;
      skipped += stats.windows - stats.inferred;
    }
    for (const c of channels) c.deliver();
  });
  const used = process.cpuUsage(cpu);
  await model.close();
  return {
    windows: countWindows() - windowsAtWarm,
    cpuUs: used.user + used.system,
    probs,
    lateSteps: pace.lateSteps,
    extra: { inferred_windows: inferred, skipped_windows: skipped },
  };
}
