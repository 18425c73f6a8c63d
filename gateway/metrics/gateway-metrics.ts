/**
 * The gateway's instruments, named by the contract (`METRIC`, SPEC §6). Attributes are
 * low-cardinality only: carrier, and where relevant language or model — never numbers or text.
 * Hot-path counts are accumulated per call and added here in batches by the gateway tick.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Attributes, Counter, Histogram, Meter, ObservableGauge } from '@opentelemetry/api';
import { LATENCY_BUCKETS_MS, METRIC } from '../../control/contract/index.ts';
import type { StageMetric } from '../call/engine-port.ts';

/** Carrier attribute sets, built once (attribute objects are reused on every record). */
const CARRIER_ATTRS: Record<string, Attributes> = {
  acs: { carrier: 'acs' },
  twilio: { carrier: 'twilio' },
  softphone: { carrier: 'softphone' },
};

/** Attributes for a carrier (shared object; do not mutate). */
export function carrierAttrs(carrier: string): Attributes {
  return CARRIER_ATTRS[carrier] ?? { carrier: 'other' };
}

/** Every instrument the gateway records. */
export class GatewayMetrics {
  readonly stages: Record<StageMetric, Histogram>;
  readonly bargeinLatency: Histogram;
  readonly framesIn: Counter;
  readonly framesLate: Counter;
  readonly framesRejected: Counter;
  readonly aecDropped: Counter;
  readonly aecMissed: Counter;
  readonly aecDelay: Histogram;
  readonly callsStarted: Counter;
  readonly callsEnded: Counter;
  readonly #erle: ObservableGauge;
  readonly #lag: ObservableGauge;
  readonly #active: ObservableGauge;
  readonly #loop: IntervalHistogram;
  /** Latest ERLE per carrier (dB), reported by the gauge's callback. */
  readonly erleByCarrier = new Map<string, number>();

  constructor(meter: Meter, activeCalls: () => number) {
    const latency = (name: string, description: string) =>
      meter.createHistogram(name, { unit: 'ms', description, advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_MS] } });
    this.stages = {
      'call.answer.latency': latency(METRIC.answerLatency, "End of the caller's speech (last voiced frame) to the first byte of the answer sent to the carrier"),
      'call.turn.endpoint.latency': latency(METRIC.endpointLatency, 'Silence wait: last voiced frame to end of turn'),
      'call.stt.final.latency': latency(METRIC.sttFinalLatency, 'End of speech to the final transcript'),
      'call.llm.ttft': latency(METRIC.llmTtft, 'LLM request to first token'),
      'call.llm.first_sentence.latency': latency(METRIC.llmFirstSentence, 'LLM request to first complete sentence'),
      'call.tts.ttfb': latency(METRIC.ttsTtfb, 'TTS request to first audio byte'),
    };
    this.bargeinLatency = latency(METRIC.bargeinLatency, 'Caller speech onset to the carrier told to stop');
    this.framesIn = meter.createCounter(METRIC.framesIn, { description: 'Audio frames received from carriers' });
    this.framesLate = meter.createCounter(METRIC.framesLate, { description: 'Frames processed after their deadline, or dropped because DSP was behind' });
    this.framesRejected = meter.createCounter(METRIC.badFrames, { description: 'Inbound messages refused (bad JSON, base64, size, type, flood)' });
    this.aecDropped = meter.createCounter(METRIC.aecDropped, { description: 'Frames the echo canceller dropped (missed its deadline)' });
    this.aecMissed = meter.createCounter(METRIC.aecMissed, { description: 'Caller frames processed before the agent audio that played over them reached the echo canceller (their echo cancelled against silence)' });
    this.aecDelay = meter.createHistogram(METRIC.aecDelay, { unit: 'ms', description: 'Estimated echo delay', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_MS] } });
    this.callsStarted = meter.createCounter(METRIC.callsStarted, { description: 'Media sessions opened' });
    this.callsEnded = meter.createCounter(METRIC.callsEnded, { description: 'Media sessions closed' });
    this.#erle = meter.createObservableGauge(METRIC.aecErle, { unit: 'dB', description: 'Echo return loss enhancement (latest, per carrier)' });
    this.#erle.addCallback((result) => {
      for (const [carrier, db] of this.erleByCarrier) result.observe(db, carrierAttrs(carrier));
    });
    this.#loop = monitorEventLoopDelay({ resolution: 10 });
    this.#loop.enable();
    this.#lag = meter.createObservableGauge(METRIC.eventLoopLag, { unit: 'ms', description: 'Event-loop delay of the gateway thread (p99 over the scrape interval)' });
    this.#lag.addCallback((result) => {
      result.observe(this.#loop.percentile(99) / 1e6, { quantile: 'p99' });
      result.observe(this.#loop.max / 1e6, { quantile: 'max' });
      this.#loop.reset();
    });
    this.#active = meter.createObservableGauge(METRIC.activeCalls, { description: 'Calls with a live media session' });
    this.#active.addCallback((result) => result.observe(activeCalls()));
  }

  /** Stops the event-loop monitor. */
  close(): void {
    this.#loop.disable();
  }
}
