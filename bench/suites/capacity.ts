/**
 * `npm run bench -- capacity [--steps 10,20,…] [--step-seconds S] [--dsp-workers N] [--gateway-cpus LIST] [--load-nice N] [--json FILE]`
 *
 * `--load-nice N` runs the load generator (this process's callers, the stand-ins, control) at
 * niceness N, the gateway at the default: on a shared machine, the load generator then does not
 * hold gateway threads off a core (a deadline a deployment, with callers elsewhere, would not miss).
 * Default 0: on 2 cores, N = 10 left the callers' own sending 30–44 ms late at p99 from 100 calls
 * and changed the gateway's late frames little (A/B: 0 and 0 late at 100 calls with 10, 32 and 0
 * with 0). The gateway's CPU time is measured the same either way.
 *
 * With `--gateway-cpus 1` the gateway is pinned to one CPU and the callers, stand-ins and control to
 * the others: calls per core is then measured directly rather than derived from CPU time.
 *
 * Ramps concurrent calls step by step on one running stack until frames miss their deadline
 * (more than 0.1 % of a step's steady-state frames late, from the gateway's
 * `call_frames_late_total`) or the gateway's event-loop lag p99 exceeds one frame (20 ms); steps
 * where the callers' own process could not send in real time carry a warning. A step that misses
 * deadlines is run once more before the ramp stops: one stall of the machine (a neighbour's burst
 * holding the gateway off a core for 50 ms makes every call's frame late at once, 0.1–0.3 % of a
 * step) is not the gateway's capacity, while a saturated gateway misses them again. Both attempts
 * are reported (`first_attempt` in the step). Reports calls per core (calls ÷ gateway
 * CPU at the largest step that held), CPU and memory per call, and the curve
 * (`bench/results/capacity-curve.svg`).
 */
import { join } from 'node:path';
import { capacityChart, writeChart, type CapacityPoint } from '../charts/index.ts';
import type { BenchArgs } from '../lib/args.ts';
import { numberFlag, stringFlag } from '../lib/args.ts';
import { counterDelta, runCalls, type CallRunResult } from '../lib/call-run.ts';
import { latencyFloor } from '../lib/floor.ts';
import { watchMachine, type MachineLoad } from '../lib/machine.ts';
import { progress } from '../lib/progress.ts';
import { fitLine, round, summarize } from '../lib/stats.ts';
import { aggregateTurns } from '../lib/turns.ts';
import { DEFAULT_TIMING, startStack } from '../harness/stack.ts';
import { BENCH_REPLY } from './answer-latency.ts';
import { loadCallerVoices, resultsDir } from './common.ts';

/** One frame: lag beyond it means frames wait behind other work. */
const FRAME_MS = 20;
/** Share of late frames that ends the ramp: one GC pause must not, a saturated loop must. */
const LATE_FRAME_LIMIT = 0.001;

/** One step of the ramp, as reported. */
interface Step {
  readonly calls: number;
  readonly cpu_pct: number | null;
  readonly elu: number | null;
  readonly rss_mb: number | null;
  /** At the end of the steady window: the main thread's heap (used, reserved) and memory outside the heaps. */
  readonly main_heap_mb: { used: number | null; total: number | null } | null;
  readonly external_mb: number | null;
  readonly lag_p99_ms: number | null;
  readonly lag_max_ms: number | null;
  /** Late frames over the steady-state window (connections excluded). */
  readonly frames_late: number | null;
  readonly frames_in: number | null;
  /** Late frames over the whole step, connections included. */
  readonly frames_late_whole_step: number | null;
  readonly answer_latency_ms: { p50: number | null; p99: number | null };
  readonly gateway_overhead_p99_ms: number | null;
  readonly turns: number;
  readonly connect_errors: number;
  readonly caller_lateness_p99_ms: number | null;
  readonly caller_cpu_pct: number | null;
  readonly held: boolean;
  readonly why?: string;
  readonly warning?: string;
  /** The attempt that missed deadlines, when this step was run a second time. */
  readonly first_attempt?: Step;
}

/**
 * Whether a step that did not hold is worth a second attempt: it missed deadlines (late frames,
 * loop lag), which a passing stall of the machine also causes; refused calls are not retried.
 */
export function retryable(step: Pick<Step, 'held' | 'connect_errors'>): boolean {
  return !step.held && step.connect_errors === 0;
}

/** Default niceness of the load generator (see the module comment). */
const LOAD_NICE = 0;

function parseSteps(args: BenchArgs): { steps: number[]; stepSeconds: number; dspWorkers: number | undefined; gatewayCpus: string | undefined; loadNice: number } {
  const steps = stringFlag(args, 'steps', '10,20,30,40,50,75,100,150,200,300,400')
    .split(',')
    .map((s) => Number(s.trim()));
  if (steps.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--steps expects a comma-separated list of positive integers');
  const stepSeconds = numberFlag(args, 'step-seconds', 20);
  if (stepSeconds < 12) throw new Error('--step-seconds must be ≥ 12 (ramp, steady window, turns)');
  const dspWorkers = args.flags.get('dsp-workers') === undefined ? undefined : numberFlag(args, 'dsp-workers', 1);
  const loadNice = numberFlag(args, 'load-nice', LOAD_NICE);
  if (!Number.isInteger(loadNice) || loadNice < 0 || loadNice > 19) throw new Error('--load-nice must be an integer from 0 to 19');
  return { steps, stepSeconds, dspWorkers, gatewayCpus: args.flags.get('gateway-cpus'), loadNice };
}

/** Runs the suite: prints the summary and returns the JSON result. */
export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
  const started = performance.now();
  const machine = watchMachine();
  const { steps, stepSeconds, dspWorkers, gatewayCpus, loadNice } = parseSteps(args);
  const timing = DEFAULT_TIMING;
  const { floorMs } = latencyFloor(timing, BENCH_REPLY);
  const voices = await loadCallerVoices(started);
  const stack = await startStack({
    timing,
    reply: BENCH_REPLY,
    speculative: false,
    logDir: join(resultsDir(), 'logs', 'capacity'),
    ...(dspWorkers !== undefined ? { config: { gateway: { dsp_workers: dspWorkers } } } : {}),
    ...(gatewayCpus !== undefined ? { gatewayCpus } : {}),
    loadNice,
  });
  progress(started, `stack up: gateway pid ${stack.gateway.pid}; steps ${steps.join(', ')} × ${stepSeconds} s`);
  const results: Step[] = [];
  let idleRssMb = Number.NaN;
  try {
    // Warm-up: the first calls load models and code paths once; the idle baseline is taken after them.
    progress(started, 'capacity: warm-up (2 calls, 12 s)');
    await runCalls(stack, { calls: 2, durationMs: 12_000, voices, startedMs: started, label: 'warm-up', seed: 7 });
    await new Promise((r) => setTimeout(r, 3000));
    idleRssMb = (await stack.gatewayStats()).rssMb;
    const runStep = async (calls: number, attempt: number): Promise<Step> => {
      progress(started, `capacity: step ${calls} calls${attempt > 1 ? ', second attempt' : ''}`);
      const label = `step ${calls}${attempt > 1 ? ' (2)' : ''}`;
      const r = await runCalls(stack, { calls, durationMs: stepSeconds * 1000, voices, startedMs: started, label, seed: calls * attempt, minAnswerMs: timing.silenceMs / 2 });
      const step = measureStep(calls, r, floorMs);
      progress(started, `${label}: ${step.held ? 'held' : `missed: ${step.why}`}; CPU ${step.cpu_pct}%, lag p99 ${step.lag_p99_ms} ms, RSS ${step.rss_mb} MB`);
      // Let the step's calls close before the next one.
      await new Promise((r) => setTimeout(r, 3000));
      return step;
    };
    for (const calls of steps) {
      let step = await runStep(calls, 1);
      if (retryable(step)) step = { ...(await runStep(calls, 2)), first_attempt: step };
      results.push(step);
      if (!step.held) break;
    }
  } finally {
    await stack.close();
  }
  const result = summarizeRamp(results, idleRssMb, { stepSeconds, dspWorkers, gatewayCpus, loadNice, load: machine() });
  writeChart(join(resultsDir(), 'capacity-curve.svg'), capacityChart('Gateway capacity (2-core machine, callers on the same machine)', result.curvePoints));
  printSummary(results, result.json);
  return result.json;
}

/** Figures of one step and whether it held. */
function measureStep(calls: number, r: CallRunResult, floorMs: number): Step {
  const agg = aggregateTurns(r.reports, floorMs);
  const latency = summarize(agg.answerLatencyMs);
  // Steady state only: calls connecting (model warm-up, first AEC blocks) are not what capacity is about.
  const framesLate = counterDelta(r.metricsWindowStart, r.metricsWindowEnd, 'call_frames_late_total');
  const framesIn = counterDelta(r.metricsWindowStart, r.metricsWindowEnd, 'call_frames_in_total');
  const lagP99 = r.gateway?.lagMs.p99 ?? Number.NaN;
  const lateShare = framesLate !== null && framesIn ? framesLate / framesIn : framesLate !== null && framesLate > 0 ? 1 : 0;
  const connectErrors = agg.calls - agg.connected;
  let why: string | undefined;
  if (connectErrors > 0) why = `${connectErrors} calls could not connect: ${Object.keys(agg.connectErrors)[0]}`;
  else if (lateShare > LATE_FRAME_LIMIT) why = `${framesLate} frames late (${(lateShare * 100).toFixed(2)} %)`;
  else if (lagP99 > FRAME_MS) why = `event-loop lag p99 ${lagP99.toFixed(1)} ms > ${FRAME_MS} ms`;
  // Late callers send bursts, which the gateway must absorb anyway: a warning, not the gateway's limit.
  const warning =
    r.callerLatenessMs.p99 > FRAME_MS ? `the callers' process could not keep real time (send lateness p99 ${r.callerLatenessMs.p99.toFixed(1)} ms): busy machine` : undefined;
  return {
    calls,
    cpu_pct: round(r.gatewayCpuPct),
    elu: r.gateway ? round(r.gateway.elu, 3) : null,
    // Peak over the step (sampled every second): steadier than one reading between collections.
    rss_mb: round(r.gatewayRssMb.peak),
    main_heap_mb: r.gateway ? { used: round(r.gateway.heapUsedMb), total: round(r.gateway.heapTotalMb) } : null,
    external_mb: r.gateway ? round(r.gateway.externalMb) : null,
    lag_p99_ms: round(lagP99, 2),
    lag_max_ms: r.gateway ? round(r.gateway.lagMs.max, 2) : null,
    frames_late: framesLate,
    frames_in: framesIn,
    frames_late_whole_step: counterDelta(r.metricsBefore, r.metricsAfter, 'call_frames_late_total'),
    answer_latency_ms: { p50: round(latency.p50), p99: round(latency.p99) },
    gateway_overhead_p99_ms: round(latency.p99 - floorMs),
    turns: agg.answered,
    connect_errors: connectErrors,
    caller_lateness_p99_ms: round(r.callerLatenessMs.p99, 2),
    caller_cpu_pct: round(r.callerCpuPct),
    held: why === undefined,
    ...(why ? { why } : {}),
    ...(warning ? { warning } : {}),
  };
}

/** Calls per core, CPU and memory per call from the steps that held. */
function summarizeRamp(
  results: readonly Step[],
  idleRssMb: number,
  run: { stepSeconds: number; dspWorkers: number | undefined; gatewayCpus: string | undefined; loadNice: number; load: MachineLoad },
): { json: Record<string, unknown>; curvePoints: CapacityPoint[] } {
  const held = results.filter((s) => s.held);
  const top = held[held.length - 1];
  const cpuPerCall = top && top.cpu_pct !== null ? top.cpu_pct / top.calls : Number.NaN;
  // Marginal CPU per call: the slope over the steps that held (an idle gateway's tick and metrics excluded).
  const cpuFit = fitLine(held.filter((s) => s.cpu_pct !== null).map((s) => ({ x: s.calls, y: s.cpu_pct! })));
  // Memory does not care whether frames were late: every step with all its calls connected counts.
  const memorySteps = results.filter((s) => s.rss_mb !== null && s.connect_errors === 0);
  const rssFit = fitLine(memorySteps.map((s) => ({ x: s.calls, y: s.rss_mb! })));
  const one = memorySteps[0];
  const rssRaw = memorySteps.length >= 2 ? rssFit.slope : one !== undefined ? (one.rss_mb! - idleRssMb) / one.calls : Number.NaN;
  // A negative slope is garbage collection noise larger than what the calls hold.
  const rssPerCall = rssRaw > 0 ? rssRaw : Number.NaN;
  const json = {
    suite: 'capacity',
    step_seconds: run.stepSeconds,
    dsp_workers: run.dspWorkers ?? 'default (gateway.dsp_workers)',
    gateway_cpus: run.gatewayCpus ?? 'all',
    load_generator_nice: run.loadNice,
    max_calls_held: top?.calls ?? 0,
    calls_per_core: round(100 / cpuPerCall, 0),
    cpu_per_call_pct: round(cpuPerCall, 3),
    cpu_per_call_marginal_pct: held.length >= 2 ? round(cpuFit.slope, 3) : null,
    calls_per_core_marginal: held.length >= 2 ? round(100 / cpuFit.slope, 0) : null,
    rss_per_call_mb: round(rssPerCall, 3),
    rss_per_call_from:
      rssRaw <= 0
        ? `not measurable: RSS did not grow with calls (${round(rssRaw, 3)} MB per call, within garbage-collection noise)`
        : memorySteps.length >= 2
          ? `slope of peak RSS over ${memorySteps.length} steps (${memorySteps.map((s) => s.calls).join(', ')} calls)`
          : 'one step against the idle baseline after warm-up',
    idle_rss_mb: round(idleRssMb),
    stopped_by: results.find((s) => !s.held)?.why ?? 'ran out of steps (raise --steps)',
    // Steps that missed deadlines once and were run again (the first attempt is in the step).
    steps_retried: results.filter((s) => s.first_attempt !== undefined).map((s) => ({ calls: s.calls, first_attempt: s.first_attempt!.why, held_second_time: s.held })),
    curve: results,
    machine: run.load,
    targets: {
      'calls_per_core >= 100': Number.isFinite(cpuPerCall) ? 100 / cpuPerCall >= 100 : null,
      'rss_per_call_mb < 1': Number.isFinite(rssPerCall) ? rssPerCall < 1 : null,
    },
    chart: 'capacity-curve.svg',
  };
  const curvePoints = results.map((s) => ({ calls: s.calls, cpuPct: s.cpu_pct ?? Number.NaN, lagP99Ms: s.lag_p99_ms ?? Number.NaN, framesLate: s.frames_late ?? 0, rssMb: s.rss_mb ?? Number.NaN }));
  return { json, curvePoints };
}

function printSummary(results: readonly Step[], r: Record<string, unknown>): void {
  console.log('capacity: calls  CPU%  ELU    lag p99  late/in          RSS MB  answer p50/p99 ms  held');
  const line = (s: Step, note: string) => {
    const late = `${s.frames_late ?? 'n/a'}/${s.frames_in ?? 'n/a'}`;
    console.log(
      `          ${String(s.calls).padStart(5)}  ${String(s.cpu_pct).padStart(4)}  ${String(s.elu).padStart(5)}  ${String(s.lag_p99_ms).padStart(7)}  ${late.padEnd(15)}  ${String(s.rss_mb).padStart(6)}  ${`${s.answer_latency_ms.p50}/${s.answer_latency_ms.p99}`.padEnd(17)}  ${s.held ? 'yes' : `no: ${s.why}`}${note}`,
    );
  };
  for (const s of results) {
    if (s.first_attempt !== undefined) line(s.first_attempt, ' (first attempt)');
    line(s, s.first_attempt !== undefined ? ' (second attempt)' : '');
  }
  console.log(
    `calls per core ${r.calls_per_core} (marginal ${r.calls_per_core_marginal}), CPU per call ${r.cpu_per_call_pct}% of a core (marginal ${r.cpu_per_call_marginal_pct}%), RSS per call ${r.rss_per_call_mb} MB; stopped by: ${r.stopped_by}`,
  );
  console.log(`targets ${JSON.stringify(r.targets)}`);
}
