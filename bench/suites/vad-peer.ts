/**
 * `npm run bench -- vad-peer [--streams N | --calls N] [--seconds S] [--rounds 3] [--mode peer|placement] [--json FILE]`
 *
 * peer (default): our VAD (batched Silero v5, quiet windows skipped) against
 * `@livekit/agents-plugin-silero` (its own Silero + onnxruntime, one stream per participant) and
 * LiveKit's native VAD (`@livekit/local-inference`), on the same audio, N streams paced in real
 * time, one after the other, each in its own child process (the plugin's onnxruntime 1.24 cannot be
 * loaded next to ours, 1.30). CPU per 32 ms window = process CPU time over the
 * measured part / windows processed; the three phases run `--rounds` times back to back and each
 * cost and ratio reported is the median over rounds. Agreement = share of windows where our speech
 * decision (p ≥ 0.5) equals the plugin's.
 *
 * placement (`--agent-share 0.5`): the gateway's DSP (resampling, echo canceller, VAD) for N calls
 * in-thread (`gateway.dsp_workers: 0`) and on one worker thread, fed from the main thread as the
 * sessions do, with the agent talking (echo canceller fully busy) on that share of the calls.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchArgs } from '../lib/args.ts';
import { numberFlag, stringFlag } from '../lib/args.ts';
import { progress } from '../lib/progress.ts';
import { percentile, round } from '../lib/stats.ts';
import type { PhaseResult } from '../vad-peer/phase.ts';
import { runPlacement } from '../vad-peer/placement.ts';
import { buildTrack } from '../vad-peer/track.ts';

/** Runs one VAD's phase in a child process (see bench/vad-peer/child.ts) and reads its result. */
async function phase(which: 'ours' | 'plugin' | 'native', streams: number, frames: number, warm: number): Promise<PhaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vad-peer-'));
  const out = join(dir, `${which}.json`);
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../vad-peer/child.ts', import.meta.url)), which, String(streams), String(frames), String(warm), out], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`${which} phase exited with ${code}`);
    return JSON.parse(readFileSync(out, 'utf8')) as PhaseResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Share of windows (by stream and index, where both have one) where the two speech decisions agree. */
export function agreement(a: number[][], b: number[][], threshold = 0.5): number {
  let same = 0;
  let total = 0;
  for (let s = 0; s < Math.min(a.length, b.length); s++) {
    const x = a[s]!;
    const y = b[s]!;
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      total++;
      if (x[i]! >= threshold === y[i]! >= threshold) same++;
    }
  }
  return total === 0 ? Number.NaN : same / total;
}

const costOf = (r: PhaseResult) => (r.windows > 0 ? r.cpuUs / r.windows : Number.NaN);

export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
  const streams = numberFlag(args, 'streams', numberFlag(args, 'calls', 100));
  const seconds = numberFlag(args, 'seconds', 20);
  const mode = stringFlag(args, 'mode', 'peer');
  const t0 = performance.now();
  if (mode === 'placement') return runPlacement(numberFlag(args, 'calls', numberFlag(args, 'streams', 200)), seconds, t0, numberFlag(args, 'agent-share', 0.5));
  if (mode !== 'peer') throw new Error(`--mode must be peer or placement, got "${mode}"`);
  const frames = Math.round((seconds * 1000) / 20);
  const warm = Math.min(100, Math.floor(frames / 5)); // 2 s of warm-up (model load, JIT, caches)
  progress(t0, 'building the audio (espeak-ng, cached)');
  await buildTrack(); // fills the speech cache once, before the children read it
  const expected = (streams * (frames - warm) * 20) / 32;
  // Rounds of the three phases back to back: CPU per window moves ±15 % from run to run on a
  // shared 2-core machine, so each round's ratios compare phases measured minutes apart at most,
  // and the medians over rounds are what is reported.
  const rounds = Math.max(1, Math.round(numberFlag(args, 'rounds', 3)));
  const perRound: Array<{ ours: PhaseResult; plugin: PhaseResult; native: PhaseResult }> = [];
  for (let r = 1; r <= rounds; r++) {
    const tag = rounds > 1 ? ` (round ${r} of ${rounds})` : '';
    progress(t0, `ours: ${streams} streams × ${seconds} s${tag}`);
    const ours = await phase('ours', streams, frames, warm);
    progress(t0, `@livekit/agents-plugin-silero: ${streams} streams × ${seconds} s${tag}`);
    const plugin = await phase('plugin', streams, frames, warm);
    progress(t0, `@livekit/local-inference (native): ${streams} streams × ${seconds} s${tag}`);
    const native = await phase('native', streams, frames, warm);
    perRound.push({ ours, plugin, native });
  }
  const { ours, plugin, native } = perRound[0]!;
  const median = (xs: number[]): number => percentile(xs, 50);
  const rows = perRound.map((x) => ({ ours: costOf(x.ours), plugin: costOf(x.plugin), native: costOf(x.native) }));
  const cost = median(rows.map((x) => x.ours));
  const pluginCost = median(rows.map((x) => x.plugin));
  const nativeCost = median(rows.map((x) => x.native));
  const result = {
    streams,
    seconds,
    rounds,
    cost_us_per_window: round(cost, 1),
    plugin_cost_us_per_window: round(pluginCost, 1),
    native_cost_us_per_window: round(nativeCost, 1),
    cost_ratio: round(median(rows.map((x) => x.ours / x.plugin)), 3),
    native_cost_ratio: round(median(rows.map((x) => x.ours / x.native)), 3),
    per_round: rows.map((x) => ({ ours: round(x.ours, 1), plugin: round(x.plugin, 1), native: round(x.native, 1), cost_ratio: round(x.ours / x.plugin, 3), native_cost_ratio: round(x.ours / x.native, 3) })),
    agreement: round(agreement(ours.probs, plugin.probs), 4),
    native_agreement: round(agreement(ours.probs, native.probs), 4),
    windows: { expected: Math.round(expected), ours: ours.windows, plugin: plugin.windows, native: native.windows },
    late_steps: { ours: ours.lateSteps, plugin: plugin.lateSteps, native: native.lateSteps },
    ours_inferred_windows: ours.extra?.inferred_windows ?? null,
    ours_skipped_windows: ours.extra?.skipped_windows ?? null,
    targets: { cost_ratio: '≤ 0.5', native_cost_ratio: '≤ 1', agreement: '≥ 0.95' },
  };
  console.log(
    `VAD peer comparison, ${streams} streams paced in real time for ${seconds} s each, median of ${rounds} round(s) (CPU per 32 ms window, all threads):\n` +
      `  ours (batched, quiet windows skipped): ${result.cost_us_per_window} µs  (${ours.extra?.inferred_windows} inferred, ${ours.extra?.skipped_windows} skipped)\n` +
      `  @livekit/agents-plugin-silero:        ${result.plugin_cost_us_per_window} µs  → ratio ${result.cost_ratio} (target ≤ 0.5)\n` +
      `  @livekit/local-inference (native):    ${result.native_cost_us_per_window} µs  → ratio ${result.native_cost_ratio} (target ≤ 1)\n` +
      `  agreement with the plugin: ${result.agreement} (target ≥ 0.95); with native: ${result.native_agreement}\n` +
      `  windows processed / expected: ours ${ours.windows}, plugin ${plugin.windows}, native ${native.windows} / ${Math.round(expected)}\n` +
      `  per round (ours / plugin / native µs, ratios): ${result.per_round.map((x) => `${x.ours} / ${x.plugin} / ${x.native} (${x.cost_ratio}, ${x.native_cost_ratio})`).join('; ')}`,
  );
  return result;
}
