/**
 * `npm run bench -- dsp [--time MS] [--json FILE]`: tinybench of each DSP kernel on the per-frame
 * hot path — G.711 codecs, the resampler between 8, 16 and 24 kHz, the level meter, the ACS frame
 * decode, the Silero VAD window (onnxruntime-node, one thread) and the echo canceller — with the
 * cost per 20 ms frame and the share of the frame's real-time budget. A kernel whose module is not
 * there (yet) is skipped with a note.
 */
import { Bench } from 'tinybench';
import { numberFlag, type BenchArgs } from '../lib/args.ts';
import { progress } from '../lib/progress.ts';
import { round } from '../lib/stats.ts';
import { buildKernels, type Kernel } from './dsp-kernels.ts';

/** One kernel's figures. */
interface KernelResult {
  /** What one call processes. */
  readonly unit: string;
  readonly mean_us: number | null;
  readonly p50_us: number | null;
  readonly p99_us: number | null;
  /** Mean cost scaled to one 20 ms frame of one call. */
  readonly per_frame_us: number | null;
  /** `per_frame_us` as a share of the 20 ms real-time budget of one core. */
  readonly frame_budget_pct: number | null;
  readonly samples: number;
}

/** Runs every kernel that exists and returns their figures. */
export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
  const timeMs = numberFlag(args, 'time', 500);
  const started = performance.now();
  const { kernels, skipped } = await buildKernels();
  const results: Record<string, KernelResult> = {};
  for (const kernel of kernels) {
    progress(started, `dsp: ${kernel.name}`);
    results[kernel.name] = await measure(kernel, timeMs);
  }
  for (const s of skipped) progress(started, `dsp: skipped ${s.name}: ${s.reason}`);
  const per = (name: string) => results[name]?.per_frame_us ?? Number.NaN;
  const decode = per('acs decode (AudioData JSON + base64)');
  const aec = per('aec frame (16 kHz)');
  // The gateway batches VAD across the calls due in a tick; with 16+ calls a window costs the batched price.
  const batched = per('vad batch of 16 (gateway SileroModel)');
  const vad = Number.isFinite(batched) ? batched : per('vad window (silero v5, onnx)');
  const framePath = {
    decode_us: round(decode, 2),
    aec_us: round(aec, 2),
    vad_us: round(vad, 2),
    vad_source: Number.isFinite(batched) ? 'gateway SileroModel, batch of 16' : 'single window',
    total_us: round(decode + aec + vad, 2),
  };
  printSummary(results, skipped, framePath);
  return {
    suite: 'dsp',
    node: process.version,
    time_per_kernel_ms: timeMs,
    kernels: results,
    skipped,
    frame_path_us: framePath,
    target: 'decode + AEC + VAD per 20 ms frame well under 1000 us (SPEC 7)',
    target_met: Number.isFinite(decode + aec + vad) ? decode + aec + vad < 1000 : null,
  };
}

async function measure(kernel: Kernel, timeMs: number): Promise<KernelResult> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(200, timeMs / 2) });
  bench.add(kernel.name, kernel.fn);
  await bench.run();
  const task = bench.tasks[0]!;
  const result = task.result;
  if (result.state !== 'completed') {
    const reason = result.state === 'errored' ? result.error.message : result.state;
    throw new Error(`kernel ${kernel.name} did not complete: ${reason}`);
  }
  // tinybench reports latency in milliseconds.
  const mean = result.latency.mean * 1000;
  const perFrame = mean * kernel.callsPerFrame;
  return {
    unit: kernel.unit,
    mean_us: round(mean, 3),
    p50_us: round(result.latency.p50 * 1000, 3),
    p99_us: round(result.latency.p99 * 1000, 3),
    per_frame_us: round(perFrame, 3),
    frame_budget_pct: round((perFrame / 20_000) * 100, 4),
    samples: result.latency.samplesCount,
  };
}

function printSummary(results: Record<string, KernelResult>, skipped: ReadonlyArray<{ name: string; reason: string }>, framePath: { total_us: number | null; vad_source: string }): void {
  const rows = Object.entries(results).map(([name, r]) => [name, r.unit, fmt(r.p50_us), fmt(r.p99_us), fmt(r.per_frame_us), `${fmt(r.frame_budget_pct)}%`]);
  const header = ['kernel', 'one call processes', 'p50 µs', 'p99 µs', 'µs / 20 ms frame', 'of frame'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  for (const s of skipped) console.log(`skipped: ${s.name} (${s.reason})`);
  console.log(`per-frame path (ACS decode + AEC + VAD, ${framePath.vad_source}): ${fmt(framePath.total_us)} µs of the 20000 µs budget`);
}

function fmt(v: number | null): string {
  return v === null ? 'n/a' : v < 10 ? v.toFixed(2) : v.toFixed(1);
}

