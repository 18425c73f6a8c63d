import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { describe, expect, it } from 'vitest';
import { setupTelemetry } from '../../control/contract/index.ts';
import { startHarness } from '../test/harness.ts';
import { MediaClient } from '../test/ws-client.ts';
import { CallTrace } from './call-trace.ts';

describe('CallTrace', () => {
  it('records answered turns under the call span, with their stage latencies', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = await setupTelemetry({ serviceName: 'gateway-test', spanExporter: exporter, global: false });
    const t = new CallTrace(telemetry.tracer, 'acs');
    t.turn(640, 500, { 'call.llm.ttft': 120, 'call.tts.ttfb': 80 });
    t.end('caller_hangup');
    const [turn, call] = exporter.getFinishedSpans();
    expect(turn?.name).toBe('turn');
    expect(call?.name).toBe('call');
    expect(turn?.parentSpanContext?.spanId).toBe(call?.spanContext().spanId);
    expect(turn?.attributes).toMatchObject({ 'call.answer.latency_ms': 640, 'call.turn.endpoint.latency_ms': 500, 'call.llm.ttft_ms': 120, 'call.tts.ttfb_ms': 80 });
    expect(call?.attributes).toMatchObject({ 'call.carrier': 'acs', 'call.close_reason': 'caller_hangup' });
    await telemetry.shutdown();
  });

  it('the gateway records a call span per media session', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = await setupTelemetry({ serviceName: 'gateway-test', spanExporter: exporter, global: false });
    const h = await startHarness({}, { telemetry });
    try {
      const client = await MediaClient.connect(h.mediaUrl('softphone'));
      client.close(1000, 'bye');
      await expect.poll(() => exporter.getFinishedSpans().filter((s) => s.name === 'call').length, { timeout: 10_000 }).toBe(1);
      expect(exporter.getFinishedSpans()[0]?.attributes['call.carrier']).toBe('softphone');
    } finally {
      await h.close();
      await telemetry.shutdown();
    }
  });
});
