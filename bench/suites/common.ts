/**
 * Pieces shared by the end-to-end suites: caller voices, the results folder, the gateway's stage
 * histograms, and the latency charts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyCdf, waterfall, writeChart } from '../charts/index.ts';
import type { CallerUtterance } from '../callers/index.ts';
import type { FloorStage } from '../lib/floor.ts';
import type { PromText } from '../lib/prometheus.ts';
import { progress } from '../lib/progress.ts';
import { round, type Summary } from '../lib/stats.ts';
import type { TurnAggregate } from '../lib/turns.ts';
import { CALLER_PHRASES, CALLER_VOICES, speakAll } from '../speech/index.ts';

/** `bench/results/` (gitignored). */
export function resultsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
}

/** Every caller phrase in every voice (espeak-ng, cached after the first run). */
export async function loadCallerVoices(startedMs: number): Promise<CallerUtterance[][]> {
  const items = CALLER_VOICES.flatMap((voice) => CALLER_PHRASES.map((text) => ({ text, voice })));
  progress(startedMs, `speech: ${items.length} utterances (espeak-ng + sox, cached)`);
  const all = await speakAll(items);
  return CALLER_VOICES.map((_, v) => all.slice(v * CALLER_PHRASES.length, (v + 1) * CALLER_PHRASES.length).map((u) => ({ text: u.text, pcm: u.pcm })));
}

/**
 * Calls connect this far apart by default (10 calls a second, at most over a third of the run).
 * Every caller follows the same script, so calls that connect together take their turns together:
 * at 25 ms apart the first turns of 100 calls all end within ~2.5 s, a burst three times the
 * steady rate that measures a thundering-herd start rather than 100 calls in progress. A real
 * centre with 100 calls of a few minutes sees well under one new call a second.
 */
const DEFAULT_ARRIVAL_MS = 100;

/**
 * Default time over which `calls` calls of `seconds` connect (s).
 * @example defaultRampSeconds(100, 30) === 10
 */
export function defaultRampSeconds(calls: number, seconds: number): number {
  return Math.min((calls * DEFAULT_ARRIVAL_MS) / 1000, seconds / 3);
}

/** The gateway's latency stage histograms (SPEC §6), mean over the run (ms); empty without /metrics. */
export function stageMeans(before: PromText | undefined, after: PromText | undefined): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  if (after === undefined) return out;
  const names = ['call_turn_endpoint_latency', 'call_stt_final_latency', 'call_llm_ttft', 'call_llm_first_sentence_latency', 'call_tts_ttfb', 'call_answer_latency', 'call_bargein_latency'];
  for (const name of names) {
    if (!after.has(`${name}_count`)) continue;
    const h = before?.has(`${name}_count`) ? after.histogram(name).since(before.histogram(name)) : after.histogram(name);
    out[name] = round(h.mean, 1);
  }
  return out;
}

/**
 * What the gateway itself reported over the run: answer and barge-in latency quantiles estimated
 * from its histograms, and its event-loop lag gauge (p99 and max since the previous scrape).
 */
export function gatewayReported(before: PromText | undefined, after: PromText | undefined): Record<string, unknown> | null {
  if (after === undefined) return null;
  const hist = (name: string) => {
    if (!after.has(`${name}_count`)) return null;
    const h = before?.has(`${name}_count`) ? after.histogram(name).since(before.histogram(name)) : after.histogram(name);
    return { count: h.count, p50: round(h.quantile(0.5)), p99: round(h.quantile(0.99)), mean: round(h.mean) };
  };
  const lag = (q: string) => {
    const s = after.samples('process_event_loop_lag').find((x) => x.labels.quantile === q);
    return s === undefined ? null : round(s.value, 2);
  };
  return {
    answer_latency_ms: hist('call_answer_latency'),
    bargein_latency_ms: hist('call_bargein_latency'),
    event_loop_lag_ms: { p99: lag('p99'), max: lag('max') },
  };
}

/** CDF of answer latency, CDF of the overhead, and the floor waterfall against measured stages. */
export function writeLatencyCharts(
  outDir: string,
  tag: string,
  title: string,
  agg: TurnAggregate,
  floor: readonly FloorStage[],
  measured: Record<string, number | null>,
  latency: Summary,
  /** When set, the LLM started this long before the end of the turn (speculation at silence start). */
  speculativeLeadMs?: number,
): void {
  writeChart(join(outDir, `${tag}-cdf.svg`), latencyCdf(`Answer latency, ${title}`, { 'answer latency': agg.answerLatencyMs, 'barge-in latency': agg.bargeInLatencyMs }));
  writeChart(join(outDir, `${tag}-overhead-cdf.svg`), latencyCdf(`Latency above the floor, ${title}`, { 'latency \u2212 floor': agg.overheadMs }, 'ms above the configured floor'));
  // The gateway's own stage means where they happen: the silence wait and the STT final both count
  // from the last voiced frame; the LLM starts at the end of the turn, or as silence begins when
  // speculating; TTS after the first sentence (first sentence latency includes TTFT).
  const m = (name: string) => (typeof measured[name] === 'number' ? (measured[name] as number) : undefined);
  const endpoint = m('call_turn_endpoint_latency');
  const gatewayStages = [
    endpoint === undefined ? undefined : { name: 'gateway: silence wait', ms: endpoint, startMs: 0 },
    m('call_stt_final_latency') === undefined ? undefined : { name: 'gateway: STT final', ms: m('call_stt_final_latency')!, startMs: 0 },
    m('call_llm_first_sentence_latency') === undefined ? undefined : { name: 'gateway: LLM first sentence', ms: m('call_llm_first_sentence_latency')!, startMs: Math.max(0, (endpoint ?? 0) - (speculativeLeadMs ?? 0)) },
    m('call_tts_ttfb') === undefined ? undefined : { name: 'gateway: TTS first byte', ms: m('call_tts_ttfb')! },
  ].filter((s) => s !== undefined);
  const totals = Number.isFinite(latency.p50)
    ? [
        { name: 'measured p50', ms: latency.p50 },
        { name: 'measured p99', ms: latency.p99 },
      ]
    : [];
  writeChart(join(outDir, `${tag}-waterfall.svg`), waterfall({ title: `Answer latency stages, ${title}`, stages: [...floor, ...gatewayStages], totals }));
}
