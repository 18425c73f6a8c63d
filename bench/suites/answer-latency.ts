/**
 * `npm run bench -- answer-latency [--calls N] [--seconds S] [--speculative on|off] [--json FILE]`
 *
 * Starts the stack (stand-ins, control and the gateway as child processes), runs N
 * synthetic ACS callers for S seconds each speaking several turns, and measures per turn the
 * answer latency (end of the caller's speech → first answer audio received), the floor the
 * stand-ins and the silence wait impose, the gateway's overhead above it, barge-in latency, late
 * frames and the gateway's event-loop lag. Charts go to `bench/results/`.
 *
 * Calls connect over `--ramp-seconds` (default 0.1 s per call, at most a third of `--seconds`).
 *
 * Other flags: `--silence-ms`, `--stt-ms`, `--ttft-ms`, `--tokens-per-sec`, `--tts-ms` (the
 * floor), `--echo-db`, `--echo-ms`, `--bargein` (probability per turn), `--dsp-workers`, `--seed`,
 * `--gateway-cpus LIST` (pin the gateway to these CPUs and the rest of the bench to the others).
 */
import type { BenchArgs } from '../lib/args.ts';
import { numberFlag, stringFlag } from '../lib/args.ts';
import { counterDelta, runCalls, type CallRunResult } from '../lib/call-run.ts';
import { latencyFloor } from '../lib/floor.ts';
import { runWarnings, watchMachine, type MachineLoad } from '../lib/machine.ts';
import { progress } from '../lib/progress.ts';
import { pick, round, summarize } from '../lib/stats.ts';
import { aggregateTurns } from '../lib/turns.ts';
import type { StandinLateness } from '../harness/ipc.ts';
import { DEFAULT_TIMING, startStack, type StackTiming } from '../harness/stack.ts';
import { defaultRampSeconds, gatewayReported, loadCallerVoices, resultsDir, stageMeans, writeLatencyCharts } from './common.ts';

/** What the agent answers: the first piece ends with "!" so the splitter cuts it without waiting for the next token. */
export const BENCH_REPLY = 'I am sorry to hear that! Let me note the details of the accident in your claim. Could you tell me when exactly it happened?';

/** The suite's parsed flags. */
interface Options {
  readonly calls: number;
  readonly seconds: number;
  /** Connections spread over this long (ms). */
  readonly rampMs: number;
  readonly speculative: 'on' | 'off';
  readonly timing: StackTiming;
  readonly echoDelayMs: number;
  readonly echoLossDb: number;
  readonly bargeIn: number;
  readonly seed: number;
  readonly dspWorkers: number | undefined;
  readonly gatewayCpus: string | undefined;
}

function parseOptions(args: BenchArgs): Options {
  const calls = Math.round(numberFlag(args, 'calls', 100));
  const seconds = numberFlag(args, 'seconds', 30);
  const speculative = stringFlag(args, 'speculative', 'off');
  if (speculative !== 'on' && speculative !== 'off') throw new Error(`--speculative expects on or off, got "${speculative}"`);
  if (calls < 1 || seconds < 10) throw new Error('--calls must be ≥ 1 and --seconds ≥ 10 (a turn and its answer take several seconds)');
  const dspWorkers = args.flags.get('dsp-workers');
  const rampSeconds = numberFlag(args, 'ramp-seconds', defaultRampSeconds(calls, seconds));
  if (!(rampSeconds >= 0) || rampSeconds > seconds / 2) throw new Error(`--ramp-seconds must be between 0 and half of --seconds (${seconds / 2}), got ${rampSeconds}`);
  return {
    calls,
    seconds,
    rampMs: rampSeconds * 1000,
    speculative,
    timing: {
      silenceMs: numberFlag(args, 'silence-ms', DEFAULT_TIMING.silenceMs),
      sttFinalMs: numberFlag(args, 'stt-ms', DEFAULT_TIMING.sttFinalMs),
      llmTtftMs: numberFlag(args, 'ttft-ms', DEFAULT_TIMING.llmTtftMs),
      llmTokensPerSec: numberFlag(args, 'tokens-per-sec', DEFAULT_TIMING.llmTokensPerSec),
      ttsTtfbMs: numberFlag(args, 'tts-ms', DEFAULT_TIMING.ttsTtfbMs),
      ttsRealtimeFactor: DEFAULT_TIMING.ttsRealtimeFactor,
    },
    echoDelayMs: numberFlag(args, 'echo-ms', 200),
    echoLossDb: numberFlag(args, 'echo-db', 20),
    bargeIn: numberFlag(args, 'bargein', 0.25),
    seed: numberFlag(args, 'seed', 1),
    dspWorkers: dspWorkers === undefined ? undefined : numberFlag(args, 'dsp-workers', 1),
    gatewayCpus: args.flags.get('gateway-cpus'),
  };
}

/** Runs the suite: prints the summary and returns the JSON result. */
export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
  const started = performance.now();
  const machine = watchMachine();
  const o = parseOptions(args);
  const floor = latencyFloor(o.timing, BENCH_REPLY);
  progress(started, `answer-latency: ${o.calls} calls × ${o.seconds} s, speculative ${o.speculative}, floor ${floor.floorMs.toFixed(0)} ms`);
  const voices = await loadCallerVoices(started);
  const stack = await startStack({
    timing: o.timing,
    reply: BENCH_REPLY,
    speculative: o.speculative === 'on',
    logDir: `${resultsDir()}/logs/answer-latency-${o.speculative}`,
    ...(o.dspWorkers !== undefined ? { config: { gateway: { dsp_workers: o.dspWorkers } } } : {}),
    ...(o.gatewayCpus !== undefined ? { gatewayCpus: o.gatewayCpus } : {}),
  });
  progress(started, `stack up: control ${stack.control.url} (pid ${stack.control.pid}), gateway :${stack.gateway.port} (pid ${stack.gateway.pid})`);
  try {
    await stack.standinLateness();
    const r = await runCalls(stack, {
      calls: o.calls,
      durationMs: o.seconds * 1000,
      rampMs: o.rampMs,
      voices,
      startedMs: started,
      echoDelayMs: o.echoDelayMs,
      echoLossDb: o.echoLossDb,
      bargeInProbability: o.bargeIn,
      // Audio sooner than half the silence timeout after the end of speech answers something else.
      minAnswerMs: o.timing.silenceMs / 2,
      seed: o.seed,
    });
    const result = buildResult(o, floor, r, machine(), await stack.standinLateness());
    printSummary(result);
    return result;
  } finally {
    await stack.close();
  }
}

function buildResult(o: Options, floor: ReturnType<typeof latencyFloor>, r: CallRunResult, load: MachineLoad, lateness: StandinLateness): Record<string, unknown> {
  const agg = aggregateTurns(r.reports, floor.floorMs);
  const latency = summarize(agg.answerLatencyMs);
  const overhead = summarize(agg.overheadMs);
  const ratio = summarize(agg.ratioToFloor);
  const above = (floorMs: number) => pick(summarize(agg.answerLatencyMs.map((l) => l - floorMs)), ['p50', 'p95', 'p99']);
  const framesLateSteady = counterDelta(r.metricsWindowStart, r.metricsWindowEnd, 'call_frames_late_total');
  const framesInSteady = counterDelta(r.metricsWindowStart, r.metricsWindowEnd, 'call_frames_in_total');
  const measuredStages = stageMeans(r.metricsBefore, r.metricsAfter);
  const tag = `answer-latency-${o.speculative}`;
  const lead = o.speculative === 'on' ? o.timing.silenceMs : undefined;
  writeLatencyCharts(resultsDir(), tag, `${o.calls} calls, speculative ${o.speculative}`, agg, floor.stages, measuredStages, latency, lead);
  return {
    suite: 'answer-latency',
    speculative: o.speculative === 'on',
    calls: o.calls,
    seconds: o.seconds,
    ramp_seconds: o.rampMs / 1000,
    gateway_cpus: o.gatewayCpus ?? 'all',
    turns: agg.answered,
    turns_spoken: agg.turns,
    answer_latency_ms: pick(latency, ['p50', 'p95', 'p99']),
    floor_ms: round(floor.floorMs),
    floor_stages_ms: Object.fromEntries(floor.stages.map((s) => [s.name, round(s.ms)])),
    gateway_overhead_ms: pick(overhead, ['p50', 'p95', 'p99']),
    floor_pipelined_ms: round(floor.pipelinedFloorMs),
    overhead_vs_pipelined_floor_ms: above(floor.pipelinedFloorMs),
    floor_speculative_ms: round(floor.speculativeFloorMs),
    overhead_vs_speculative_floor_ms: above(floor.speculativeFloorMs),
    ratio_to_floor: pick(ratio, ['p50', 'p99'], 3),
    frames_late: counterDelta(r.metricsBefore, r.metricsAfter, 'call_frames_late_total'),
    frames_in: counterDelta(r.metricsBefore, r.metricsAfter, 'call_frames_in_total'),
    frames_late_steady: framesLateSteady,
    frames_in_steady: framesInSteady,
    event_loop_lag_ms: r.gateway ? { p50: round(r.gateway.lagMs.p50, 2), p99: round(r.gateway.lagMs.p99, 2), max: round(r.gateway.lagMs.max, 2) } : { p99: null },
    bargein_latency_ms: pick(summarize(agg.bargeInLatencyMs), ['p50', 'p95']),
    bargein_attempts: agg.bargeInAttempts,
    bargein_missed: agg.bargeInMissed,
    false_bargeins: agg.falseBargeIns,
    unanswered_turns: agg.unanswered,
    overlapped_turns: agg.overlapped,
    calls_connected: agg.connected,
    connect_errors: agg.connectErrors,
    calls_closed_early: agg.closedEarly,
    protocol_errors: agg.protocolErrors,
    gateway_stage_means_ms: measuredStages,
    gateway_reported: gatewayReported(r.metricsBefore, r.metricsAfter),
    gateway_cpu_pct: round(r.gatewayCpuPct),
    gateway_elu: r.gateway ? round(r.gateway.elu, 3) : null,
    gateway_rss_mb: { before: round(r.gatewayRssMb.before), peak: round(r.gatewayRssMb.peak) },
    caller_process_cpu_pct: round(r.callerCpuPct),
    caller_send_lateness_ms: pick(r.callerLatenessMs, ['p50', 'p99', 'max'], 2),
    standin_lateness_ms: lateness,
    machine: load,
    warnings: [...runWarnings(load, r.callerLatenessMs.p99, framesLateSteady !== null && framesInSteady ? framesLateSteady / framesInSteady : null, 2), ...latenessWarnings(lateness)],
    targets: {
      'gateway_overhead_ms.p99 < 5': overhead.count > 0 ? overhead.p99 < 5 : null,
      ...(o.speculative === 'on' ? { 'ratio_to_floor.p50 < 0.8': ratio.count > 0 ? ratio.p50 < 0.8 : null } : {}),
    },
    charts: [`${tag}-cdf.svg`, `${tag}-overhead-cdf.svg`, `${tag}-waterfall.svg`],
  };
}

/** Stand-ins that kept their delays late add to every latency measured through them. */
function latenessWarnings(l: StandinLateness): string[] {
  const late = Object.entries(l).filter(([, v]) => v.p99 !== null && v.p99 > 10);
  if (late.length === 0) return [];
  return [`the stand-ins ran late (${late.map(([k, v]) => `${k} p99 ${v.p99} ms`).join(', ')}): the floor was not held, and the overhead includes their delay`];
}

function printSummary(r: Record<string, unknown>): void {
  const j = (v: unknown) => JSON.stringify(v);
  console.log(`answer-latency: ${r.calls} calls × ${r.seconds} s, speculative ${r.speculative ? 'on' : 'off'}`);
  console.log(`  turns answered        ${r.turns} of ${r.turns_spoken} spoken (${r.unanswered_turns} unanswered, ${r.overlapped_turns} overlapped by earlier agent audio, ${j(r.connect_errors)} connect errors)`);
  console.log(`  answer latency ms     ${j(r.answer_latency_ms)}`);
  console.log(`  floor ms              ${r.floor_ms}  ${j(r.floor_stages_ms)}`);
  console.log(`  gateway overhead ms   ${j(r.gateway_overhead_ms)}`);
  console.log(`  vs pipelined floor    ${r.floor_pipelined_ms} ms (STT final inside the silence wait): ${j(r.overhead_vs_pipelined_floor_ms)}`);
  console.log(`  vs speculative floor  ${r.floor_speculative_ms} ms (LLM + TTS started as silence begins): ${j(r.overhead_vs_speculative_floor_ms)}`);
  console.log(`  ratio to floor        ${j(r.ratio_to_floor)}`);
  console.log(`  barge-in latency ms   ${j(r.bargein_latency_ms)} (${r.bargein_attempts} attempts, ${r.bargein_missed} missed, ${r.false_bargeins} false)`);
  console.log(`  frames late           ${r.frames_late ?? 'n/a (no /metrics)'} of ${r.frames_in ?? 'n/a'} frames in (steady state: ${r.frames_late_steady ?? 'n/a'} of ${r.frames_in_steady ?? 'n/a'})`);
  console.log(`  gateway event loop    lag ${j(r.event_loop_lag_ms)}, ELU ${r.gateway_elu}, CPU ${r.gateway_cpu_pct}% of a core, RSS ${j(r.gateway_rss_mb)} MB`);
  console.log(`  caller process        CPU ${r.caller_process_cpu_pct}%, frame send lateness ms ${j(r.caller_send_lateness_ms)}`);
  console.log(`  stand-ins late ms     ${j(r.standin_lateness_ms)}`);
  console.log(`  targets               ${j(r.targets)}`);
  for (const w of r.warnings as string[]) console.log(`  warning: ${w}`);
}
