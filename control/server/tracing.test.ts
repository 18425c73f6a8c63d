import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { setupTelemetry } from '../contract/index.ts';
import { traceRequests } from './tracing.ts';

describe('traceRequests', () => {
  it('records a server span per request named by route pattern, with the status', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = await setupTelemetry({ serviceName: 'control-test', spanExporter: exporter, global: false });
    const app = new Hono();
    app.use('*', traceRequests(telemetry.tracer));
    app.get('/call/:id', (c) => c.json({ id: c.req.param('id') }));
    app.get('/boom', () => {
      throw new Error('boom');
    });
    await app.request('/call/+33612345678');
    await app.request('/boom');
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(['HTTP GET /call/:id', 'HTTP GET /boom']);
    expect(spans[0]?.attributes['http.route']).toBe('/call/:id');
    expect(spans[0]?.attributes['http.response.status_code']).toBe(200);
    expect(spans[1]?.attributes['http.response.status_code']).toBe(500);
    // The phone number in the path is not recorded anywhere.
    expect(JSON.stringify(spans.map((s) => [s.name, s.attributes]))).not.toContain('33612345678');
    await telemetry.shutdown();
  });
});
