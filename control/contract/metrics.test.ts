import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_MS, METRIC, setupTelemetry } from './metrics.ts';

describe('telemetry', () => {
  it('exposes histograms and counters in Prometheus naming', async () => {
    const telemetry = await setupTelemetry({ serviceName: 'test', global: false });
    const latency = telemetry.meter.createHistogram(METRIC.answerLatency, { unit: 'ms', advice: { explicitBucketBoundaries: [...LATENCY_BUCKETS_MS] } });
    latency.record(420, { carrier: 'acs' });
    telemetry.meter.createCounter(METRIC.aecDropped).add(3, { carrier: 'acs' });
    const text = await telemetry.prometheusText();
    expect(text).toMatch(/^call_answer_latency_bucket\{carrier="acs",[^}]*le="500"\} 1$/m);
    expect(text).toMatch(/^call_answer_latency_bucket\{carrier="acs",[^}]*le="400"\} 0$/m);
    expect(text).toMatch(/^call_answer_latency_count\{carrier="acs"[^}]*\} 1$/m);
    expect(text).toMatch(/^call_aec_dropped_total\{carrier="acs"[^}]*\} 3$/m);
    await telemetry.shutdown();
  });

  it('exposes every latency histogram from start-up, empty until observed', async () => {
    const telemetry = await setupTelemetry({ serviceName: 'test', global: false });
    const text = await telemetry.prometheusText();
    expect(text).toMatch(/^# TYPE call_answer_latency histogram$/m);
    expect(text).toMatch(/^call_answer_latency_count 0$/m);
    expect(text).toMatch(/^call_bargein_latency_bucket\{le="\+Inf"\} 0$/m);
    telemetry.meter.createHistogram(METRIC.answerLatency).record(5);
    const after = await telemetry.prometheusText();
    expect(after.match(/^# TYPE call_answer_latency histogram$/gm)).toHaveLength(1);
    expect(after).not.toMatch(/^call_answer_latency_count 0$/m);
    await telemetry.shutdown();
  });
});
