/**
 * A call's spans: one `call` span for the media session and, under it, one `turn` span per
 * answered turn (end of the caller's speech → first answer audio sent), carrying the stage
 * latencies. Attributes are low-cardinality: never a phone number or text.
 */
import { context, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { StageMetric } from './engine-port.ts';

/** Spans of one call; a no-op without a tracer. */
export class CallTrace {
  readonly #tracer: Tracer | undefined;
  readonly #call: Span | undefined;

  constructor(tracer: Tracer | undefined, carrier: string) {
    this.#tracer = tracer;
    this.#call = tracer?.startSpan('call', { attributes: { 'call.carrier': carrier } });
  }

  /** Records an answered turn that ended `answerMs` before now. */
  turn(answerMs: number, endpointMs: number | undefined, stages: Readonly<Partial<Record<StageMetric, number>>>): void {
    if (this.#tracer === undefined || this.#call === undefined) return;
    const end = Date.now();
    const parent = trace.setSpan(context.active(), this.#call);
    const span = this.#tracer.startSpan('turn', { startTime: end - answerMs, attributes: { 'call.answer.latency_ms': answerMs } }, parent);
    if (endpointMs !== undefined) span.setAttribute('call.turn.endpoint.latency_ms', endpointMs);
    for (const [metric, ms] of Object.entries(stages)) if (ms !== undefined) span.setAttribute(`${metric}_ms`, ms);
    span.end(end);
  }

  /** Ends the call span with the reason the call ended. */
  end(reason: string): void {
    this.#call?.setAttribute('call.close_reason', reason);
    this.#call?.end();
  }
}
