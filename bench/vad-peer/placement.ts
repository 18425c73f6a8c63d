/**
 * Where the DSP runs: N calls' DSP (resampling, echo canceller with a silent far end, batched VAD)
 * in-thread (`gateway.dsp_workers: 0`) and then on one worker thread, fed 20 ms at a time from
 * the main thread exactly as the sessions do (each frame arrives as ACS JSON and is decoded by the
 * ACS codec on the main thread), ticked the way the gateway ticks (in-thread: a 10 ms tick with DSP every 20 ms; worker lanes tick themselves every 10 ms). Reports process CPU per frame, the main thread's event-loop delay, and how long a VAD
 * result takes from the arrival of the frame that completes its window to its delivery.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { AcsCodec } from '../../gateway/carriers/acs.ts';
import { DspHost } from '../../gateway/dsp/host.ts';
import type { DspChannel } from '../../gateway/dsp/channel.ts';
import { progress } from '../lib/progress.ts';
import { round, summarize } from '../lib/stats.ts';
import { buildTrack, type Track } from './track.ts';

interface PlacementRun {
  readonly workers: number;
  readonly cpu_us_per_frame: number | null;
  readonly event_loop_p99_ms: number | null;
  readonly event_loop_max_ms: number | null;
  readonly result_latency_ms: Record<string, number | null>;
  readonly late_frames: number;
  /** Wall time of a DSP tick for all calls (on the main thread in-thread; measured by the worker itself on a worker lane). */
  readonly tick_ms: Record<string, number | null>;
}

async function runOne(track: Track, calls: number, seconds: number, workers: number, farShare: number): Promise<PlacementRun> {
  const tickMs: number[] = [];
  let measuring = false;
  const host = await DspHost.start({ workers, onTick: (_stats, _lane, wallMs) => void (measuring && tickMs.push(wallMs)) });
  const epoch = performance.now();
  const latencies: number[] = [];
  const channels: DspChannel[] = [];
  for (let i = 0; i < calls; i++) {
    const c = host.attach(16000, performance.timeOrigin + epoch);
    c.listener = {
      onAudio: () => {},
      onWindow: (_p, _end, arrivalMs) => {
        if (measuring) latencies.push(performance.now() - epoch - arrivalMs);
      },
    };
    channels.push(c);
  }
  // Every frame of the loop as the ACS JSON a carrier sends, decoded per call per frame below.
  const loopFrames = track.pcm.length / 320;
  const wire = Array.from({ length: loopFrames }, (_, k) => {
    const pcm = track.pcm.subarray(k * 320, (k + 1) * 320);
    const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
    return JSON.stringify({ kind: 'AudioData', audioData: { timestamp: '2024-05-14T09:21:07.317Z', participantRawID: '4:+14255550123', data, silent: false } });
  });
  const codecs = channels.map(() => new AcsCodec(16000));
  const agentCalls = Math.round(calls * farShare);
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const frames = Math.round((seconds * 1000) / 20);
  const warm = Math.min(100, Math.floor(frames / 5));
  let cpu = process.cpuUsage();
  let n = 0;
  await new Promise<void>((resolve) => {
    // The gateway's 10 ms tick; caller frames arrive every 20 ms (here: all calls at once, the worst case).
    const start = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      while (n < frames && start + n * 20 <= now) {
        if (n === warm) {
          measuring = true;
          cpu = process.cpuUsage();
          loop.enable();
        }
        for (let i = 0; i < calls; i++) {
          const event = codecs[i]!.decode(wire[(track.offset(i) / 320 + n) % loopFrames]!, false);
          if (event?.type === 'audio') channels[i]!.pushAudio(event.pcm, now - epoch, event.silent);
          // The agent's audio on these calls: the exact PCM sent, playing 60 ms from now.
          if (i < agentCalls) channels[i]!.pushReference(track.pcm.subarray(((track.offset(i + 7) / 320 + n) % loopFrames) * 320, ((track.offset(i + 7) / 320 + n) % loopFrames) * 320 + 320), now - epoch + 60);
        }
        n++;
      }
      host.tick(now);
      if (n >= frames) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  const used = process.cpuUsage(cpu);
  loop.disable();
  const late = channels.reduce((a, c) => a + c.counters().lateFrames + c.counters().inDrops, 0);
  for (const c of channels) c.detach();
  await host.close();
  const lat = summarize(latencies);
  const ticks = summarize(tickMs);
  return {
    workers,
    cpu_us_per_frame: round((used.user + used.system) / (calls * (frames - warm)), 1),
    event_loop_p99_ms: round(loop.percentile(99) / 1e6, 2),
    event_loop_max_ms: round(loop.max / 1e6, 2),
    result_latency_ms: { p50: round(lat.p50, 1), p95: round(lat.p95, 1), p99: round(lat.p99, 1), max: round(lat.max, 1) },
    late_frames: late,
    tick_ms: { p50: round(ticks.p50, 2), p99: round(ticks.p99, 2), max: round(ticks.max, 2) },
  };
}

/** Runs in-thread, then one and two worker threads, and says which was faster at this load. */
export async function runPlacement(calls: number, seconds: number, t0: number, farShare = 0.5): Promise<Record<string, unknown>> {
  const track = await buildTrack();
  progress(t0, `placement: ${calls} calls (agent talking on ${Math.round(farShare * 100)}%) in-thread for ${seconds} s`);
  const inThread = await runOne(track, calls, seconds, 0, farShare);
  progress(t0, `placement: ${calls} calls on one worker thread for ${seconds} s`);
  const worker = await runOne(track, calls, seconds, 1, farShare);
  progress(t0, `placement: ${calls} calls on two worker threads for ${seconds} s`);
  const workers2 = await runOne(track, calls, seconds, 2, farShare);
  const score = (r: PlacementRun) => (r.result_latency_ms.p99 ?? Infinity) + (r.event_loop_p99_ms ?? Infinity);
  const ranked = ([['in-thread', inThread], ['1 worker', worker], ['2 workers', workers2]] as const).slice().sort((a, b) => score(a[1]) - score(b[1]));
  const faster = ranked[0]![0];
  console.log(
    `DSP placement, ${calls} calls (agent audio on ${Math.round(farShare * 100)}%: echo canceller fully busy there), ${seconds} s each:\n` +
      `  in-thread: ${inThread.cpu_us_per_frame} µs CPU/frame, event loop p99 ${inThread.event_loop_p99_ms} ms, VAD result p99 ${inThread.result_latency_ms.p99} ms, tick p50/p99 ${inThread.tick_ms.p50}/${inThread.tick_ms.p99} ms, late ${inThread.late_frames}\n` +
      `  1 worker:  ${worker.cpu_us_per_frame} µs CPU/frame, event loop p99 ${worker.event_loop_p99_ms} ms, VAD result p99 ${worker.result_latency_ms.p99} ms, tick p50/p99 ${worker.tick_ms.p50}/${worker.tick_ms.p99} ms, late ${worker.late_frames}\n` +
      `  2 workers: ${workers2.cpu_us_per_frame} µs CPU/frame, event loop p99 ${workers2.event_loop_p99_ms} ms, VAD result p99 ${workers2.result_latency_ms.p99} ms, tick p50/p99 ${workers2.tick_ms.p50}/${workers2.tick_ms.p99} ms, late ${workers2.late_frames}\n` +
      `  faster at ${calls} calls: ${faster}`,
  );
  return { calls, seconds, agent_talking_share: farShare, in_thread: inThread, worker, workers_2: workers2, faster };
}
