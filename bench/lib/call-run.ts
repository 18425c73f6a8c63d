/**
 * One measured run of N concurrent calls against a started stack: the callers (this process),
 * the gateway's own figures over the steady-state window (all calls connected, none ended yet),
 * and its Prometheus counters before and after.
 */
import { runFleet, type CallerOptions, type CallerReport, type CallerUtterance, FramePacer } from '../callers/index.ts';
import type { ChildStats } from '../harness/ipc.ts';
import type { Stack } from '../harness/stack.ts';
import { cpuPercent, readProc, type ProcSample } from './proc-stats.ts';
import type { PromText } from './prometheus.ts';
import { every, progress } from './progress.ts';
import { summarize, type Summary } from './stats.ts';

export interface CallRunOptions {
  readonly calls: number;
  readonly durationMs: number;
  readonly voices: ReadonlyArray<readonly CallerUtterance[]>;
  /** Connections spread over this long (ms). */
  readonly rampMs?: number;
  readonly echoDelayMs?: number;
  readonly echoLossDb?: number;
  readonly bargeInProbability?: number;
  /** See {@link CallerOptions.minAnswerMs}. */
  readonly minAnswerMs?: number;
  readonly seed?: number;
  /** Start of the bench (for progress lines). */
  readonly startedMs: number;
  readonly label?: string;
}

/** What a run measured. */
export interface CallRunResult {
  readonly reports: CallerReport[];
  /** Gateway process over the steady-state window (its own event-loop monitor). */
  readonly gateway: ChildStats | undefined;
  /** Gateway CPU (% of one core) and RSS (MB) from /proc over the same window. */
  readonly gatewayCpuPct: number;
  readonly gatewayRssMb: { readonly before: number; readonly peak: number };
  /** This process (callers and stand-ins) CPU over the window (% of one core). */
  readonly callerCpuPct: number;
  /** How late the callers sent their frames (ms): a loaded caller process skews everything. */
  readonly callerLatenessMs: Summary;
  readonly callerFramesLate: number;
  readonly metricsBefore: PromText | undefined;
  readonly metricsAfter: PromText | undefined;
  /** Scrapes at the start and end of the steady-state window (start-up transients excluded). */
  readonly metricsWindowStart: PromText | undefined;
  readonly metricsWindowEnd: PromText | undefined;
  readonly windowMs: number;
}

/**
 * Creates the calls, runs them to their end and collects the figures.
 * @example const r = await runCalls(stack, { calls: 100, durationMs: 30_000, voices, startedMs });
 */
export async function runCalls(stack: Stack, options: CallRunOptions): Promise<CallRunResult> {
  const label = options.label ?? `${options.calls} calls`;
  const calls = await stack.createCalls(options.calls);
  const rampMs = options.rampMs ?? Math.min(5000, options.calls * 25);
  const metricsBefore = await stack.gatewayMetrics();
  const pacer = new FramePacer();
  const gatewayPid = stack.gateway.pid;
  const rssBefore = readProc(gatewayPid).rssMb;
  let rssPeak = rssBefore;
  let ended = 0;
  let answered = 0;
  const stopProgress = every(5000, () => {
    progress(options.startedMs, `${label}: ${ended}/${options.calls} calls ended, ${answered} answers so far, caller frames late ${pacer.stats().framesLate}`);
  });
  const rssTimer = setInterval(() => {
    try {
      rssPeak = Math.max(rssPeak, readProc(gatewayPid).rssMb);
    } catch {
      // the gateway exited: reported by the run itself
    }
  }, 1000);
  // Steady state: from one second after the last connection to one second before the first call ends.
  const windowStart = rampMs + 1000;
  const windowEnd = Math.max(windowStart + 1000, options.durationMs - 1000);
  let window: { gw0: ProcSample; me0: ProcSample } | undefined;
  let measured: { gateway: ChildStats | undefined; gatewayCpuPct: number; callerCpuPct: number; windowMs: number } | undefined;
  let metricsWindowStart: PromText | undefined;
  let metricsWindowEnd: PromText | undefined;
  const t0 = performance.now();
  const startTimer = setTimeout(() => {
    void stack.resetGatewayStats().catch(() => undefined);
    window = { gw0: readProc(gatewayPid), me0: readProc() };
    void stack.gatewayMetrics().then((m) => (metricsWindowStart = m));
  }, windowStart);
  const endTimer = setTimeout(() => {
    const w = window;
    if (w === undefined) return;
    const gw1 = readProc(gatewayPid);
    const me1 = readProc();
    void Promise.all([stack.gatewayStats().catch(() => undefined), stack.gatewayMetrics()]).then(([gateway, metrics]) => {
      metricsWindowEnd = metrics;
      measured = { gateway, gatewayCpuPct: cpuPercent(w.gw0, gw1), callerCpuPct: cpuPercent(w.me0, me1), windowMs: gw1.atMs - w.gw0.atMs };
    });
  }, windowEnd);
  let reports: CallerReport[];
  try {
    reports = await runFleet({
      calls,
      voices: options.voices,
      pacer,
      durationMs: options.durationMs,
      rampMs,
      onTranscript: (callId, text) => stack.onTranscript(callId, text),
      seed: options.seed ?? 1,
      caller: {
        echoDelayMs: options.echoDelayMs ?? 200,
        echoLossDb: options.echoLossDb ?? 20,
        bargeInProbability: options.bargeInProbability ?? 0.25,
        minAnswerMs: options.minAnswerMs ?? 0,
        onAnswer: () => {
          answered++;
        },
      },
      onReport: () => {
        ended++;
      },
    });
  } finally {
    stopProgress();
    clearInterval(rssTimer);
    clearTimeout(startTimer);
    clearTimeout(endTimer);
  }
  // Let the stats request of the window's end land if the calls finished just after it.
  for (let i = 0; i < 50 && measured === undefined && window !== undefined && performance.now() - t0 >= windowEnd; i++) await new Promise((r) => setTimeout(r, 100));
  const pacerStats = pacer.stats();
  pacer.close();
  const metricsAfter = await stack.gatewayMetrics();
  return {
    reports,
    gateway: measured?.gateway,
    gatewayCpuPct: measured?.gatewayCpuPct ?? Number.NaN,
    gatewayRssMb: { before: rssBefore, peak: rssPeak },
    callerCpuPct: measured?.callerCpuPct ?? Number.NaN,
    callerLatenessMs: summarize(pacerStats.lateness),
    callerFramesLate: pacerStats.framesLate,
    metricsBefore,
    metricsAfter,
    metricsWindowStart,
    metricsWindowEnd,
    windowMs: measured?.windowMs ?? Number.NaN,
  };
}

/**
 * Increase of a counter between two scrapes (summed over label sets), or null without metrics.
 * A counter never incremented is not exported at all: with metrics present, that is 0.
 */
export function counterDelta(before: PromText | undefined, after: PromText | undefined, name: string): number | null {
  if (after === undefined) return null;
  return after.total(name) - (before?.total(name) ?? 0);
}
