/**
 * One phase of the VAD comparison in its own process: `@livekit/agents-plugin-silero` ships its own
 * onnxruntime-node (1.24) whose native library cannot share a process with ours (1.30), and a
 * process per phase also keeps each CPU measurement clean.
 * Usage (spawned by the suite): `node --import tsx child.ts <ours|plugin|native> <streams> <frames> <warmFrames> <outFile>`.
 */
import { writeFileSync } from 'node:fs';
import type { PhaseResult } from './phase.ts';
import { buildTrack, type Track } from './track.ts';

type Runner = (track: Track, streams: number, frames: number, warm: number) => Promise<PhaseResult>;
// Imported lazily: loading ours would load onnxruntime 1.30 into the plugin's process.
const runners: Record<string, () => Promise<Runner>> = {
  ours: async () => (await import('./ours.ts')).runOurs,
  plugin: async () => (await import('./plugin.ts')).runPlugin,
  native: async () => (await import('./native.ts')).runNative,
};
const [which, streams, frames, warm, out] = process.argv.slice(2);
const load = runners[which ?? ''];
if (load === undefined || out === undefined) {
  console.error('usage: child.ts <ours|plugin|native> <streams> <frames> <warmFrames> <outFile>');
  process.exit(2);
}
const runner = await load();
const track = await buildTrack();
const result: PhaseResult = await runner(track, Number(streams), Number(frames), Number(warm));
writeFileSync(out, JSON.stringify({ ...result, probs: result.probs.map((p) => p.map((x) => Math.round(x * 1000) / 1000)) }));
process.exit(0);
