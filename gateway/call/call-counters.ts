/**
 * A call's hot-path counts reach the metrics in batches (once a second and at close): the DSP
 * thread's cumulative counters are turned into deltas here, so nothing is recorded per frame.
 */
import type { Attributes } from '@opentelemetry/api';
import type { DspCounters } from '../dsp/index.ts';
import type { GatewayMetrics } from '../metrics/index.ts';

/** Delta bookkeeping between a call's cumulative counters and the metrics. */
export class CallCounters {
  readonly #metrics: GatewayMetrics;
  readonly #attrs: Attributes;
  readonly #carrier: string;
  #late = 0;
  #aecDropped = 0;
  #aecMissed = 0;

  constructor(metrics: GatewayMetrics, attrs: Attributes, carrier: string) {
    this.#metrics = metrics;
    this.#attrs = attrs;
    this.#carrier = carrier;
  }

  /** Adds what happened since the last flush. */
  flush(framesIn: number, c: DspCounters): void {
    const m = this.#metrics;
    if (framesIn > 0) m.framesIn.add(framesIn, this.#attrs);
    const late = c.lateFrames + c.ringDrops + c.inDrops;
    if (late > this.#late) m.framesLate.add(late - this.#late, this.#attrs);
    if (c.aecDropped > this.#aecDropped) m.aecDropped.add(c.aecDropped - this.#aecDropped, this.#attrs);
    if (c.aecMissed > this.#aecMissed) m.aecMissed.add(c.aecMissed - this.#aecMissed, this.#attrs);
    this.#late = late;
    this.#aecDropped = c.aecDropped;
    this.#aecMissed = c.aecMissed;
    if (Number.isFinite(c.erleDb)) m.erleByCarrier.set(this.#carrier, c.erleDb);
    if (c.aecDelayMs >= 0) m.aecDelay.record(c.aecDelayMs, this.#attrs);
  }
}
