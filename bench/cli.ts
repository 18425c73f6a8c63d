/**
 * Entry point of the bench suites: `npm run bench -- <suite> [--calls N] [--seconds S] [--json FILE]`.
 * Each suite is a module under `bench/suites/` exporting `run(args)`, which prints its human summary
 * and returns the JSON result. The result is written to `--json FILE` (if given) and to
 * `bench/results/<suite>-latest.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, type BenchArgs } from './lib/args.ts';

/** A bench suite: prints a human summary while it runs and resolves to its JSON result. */
export interface BenchSuite {
  run(args: BenchArgs): Promise<Record<string, unknown>>;
}

const suites: Record<string, () => Promise<BenchSuite>> = {
  aec: () => import('./suites/aec.ts'),
  'answer-latency': () => import('./suites/answer-latency.ts'),
  capacity: () => import('./suites/capacity.ts'),
  dsp: () => import('./suites/dsp.ts'),
  'vad-peer': () => import('./suites/vad-peer.ts'),
};

async function main(): Promise<void> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    console.error(String((error as Error).message));
    console.error(`suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const load = suites[args.suite];
  if (load === undefined) {
    console.error(`unknown suite "${args.suite}"; suites: ${Object.keys(suites).join(', ')}`);
    process.exit(2);
  }
  const suite = await load();
  const result = await suite.run(args);
  const text = `${JSON.stringify(result, null, 2)}\n`;
  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${args.suite}-latest.json`), text);
  if (args.jsonFile !== undefined) {
    mkdirSync(dirname(args.jsonFile), { recursive: true });
    writeFileSync(args.jsonFile, text);
    console.log(`wrote ${args.jsonFile}`);
  }
  // Suites may leave worker pools or sockets that keep the loop alive; a finished bench exits.
  process.exit(0);
}

await main();
