/**
 * Control's metrics: the answer latency and its stages, recorded from the `turn_timings` events
 * the gateway posts, so control's `/metrics` shows them too (SPEC §6). Attributes are the carrier
 * and the language only: never a phone number or message text.
 */
import type { Histogram, Meter } from '@opentelemetry/api';
import { LATENCY_BUCKETS_MS, METRIC, type Carrier, type TurnTimings } from '../contract/index.ts';

/** Stage → the TurnTimings field it is read from. */
const STAGES = [
  [METRIC.answerLatency, 'answer_latency_ms', 'From the end of the caller speech to the first byte of the answer sent to the carrier'],
  [METRIC.endpointLatency, 'endpoint_ms', 'Silence wait before the turn ended'],
  [METRIC.sttFinalLatency, 'stt_final_ms', 'End of speech to the final transcript'],
  [METRIC.llmTtft, 'llm_ttft_ms', 'LLM time to first token'],
  [METRIC.llmFirstSentence, 'llm_first_sentence_ms', 'LLM time to the first complete sentence'],
  [METRIC.ttsTtfb, 'tts_ttfb_ms', 'TTS time to first audio byte'],
] as const;

/** Histograms fed from turn timings. */
export class ControlMetrics {
  readonly #histograms: Array<readonly [Histogram, (typeof STAGES)[number][1]]>;

  constructor(meter: Meter) {
    this.#histograms = STAGES.map(([name, field, description]) => [
      meter.createHistogram(name, { unit: 'ms', description, advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_MS] } }),
      field,
    ] as const);
  }

  /** Records one turn's stages (each once: call this only for newly applied events). */
  recordTurn(timings: TurnTimings, attributes: { carrier: Carrier; language: string | undefined }): void {
    const attrs = { carrier: attributes.carrier, language: attributes.language ?? 'unknown' };
    for (const [histogram, field] of this.#histograms) {
      const value = timings[field];
      if (value !== undefined) histogram.record(value, attrs);
    }
  }
}
