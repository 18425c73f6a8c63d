/**
 * Metric names (part of the contract, SPEC §6) and the telemetry set-up both processes share:
 * an OpenTelemetry meter provider read by a Prometheus exporter (served on each process's
 * `GET /metrics`), and by Azure Monitor when a connection string is configured.
 * Prometheus names are these with dots as underscores (`call_answer_latency`); counters gain `_total`.
 */
import { metrics, trace, type Meter, type Tracer } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-node';

/** Every metric name the services export. */
export const METRIC = {
  answerLatency: 'call.answer.latency',
  endpointLatency: 'call.turn.endpoint.latency',
  sttFinalLatency: 'call.stt.final.latency',
  llmTtft: 'call.llm.ttft',
  llmFirstSentence: 'call.llm.first_sentence.latency',
  ttsTtfb: 'call.tts.ttfb',
  bargeinLatency: 'call.bargein.latency',
  aecDropped: 'call.aec.dropped',
  aecMissed: 'call.aec.missed',
  aecErle: 'call.aec.erle',
  aecDelay: 'call.aec.delay',
  framesLate: 'call.frames.late',
  framesIn: 'call.frames.in',
  eventLoopLag: 'process.event_loop.lag',
  activeCalls: 'call.active',
  badFrames: 'call.frames.rejected',
  callsStarted: 'call.started',
  callsEnded: 'call.ended',
} as const;

/** Histogram boundaries (ms) fine enough to read p50/p95/p99 of a few hundred ms to seconds. */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  1, 2, 5, 10, 20, 50, 75, 100, 150, 200, 300, 400, 500, 650, 800, 1000, 1250, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000, 15000,
];

/** Latency histograms both processes expose, even before their first observation. */
export const LATENCY_HISTOGRAMS: readonly string[] = [
  METRIC.answerLatency,
  METRIC.endpointLatency,
  METRIC.sttFinalLatency,
  METRIC.llmTtft,
  METRIC.llmFirstSentence,
  METRIC.ttsTtfb,
  METRIC.bargeinLatency,
];

/**
 * OpenTelemetry exports an instrument only once it has a data point; Prometheus dashboards and
 * alerts want the series from start-up. Appends an empty (zero-count) family for each latency
 * histogram not yet in the text.
 */
export function withEmptyHistograms(text: string, names: readonly string[] = LATENCY_HISTOGRAMS): string {
  const missing = names.map((n) => n.replaceAll('.', '_')).filter((n) => !text.includes(`# TYPE ${n} histogram`));
  if (missing.length === 0) return text;
  const families = missing.map((n) => `# HELP ${n} no observation yet\n# TYPE ${n} histogram\n${n}_count 0\n${n}_sum 0\n${n}_bucket{le="+Inf"} 0`);
  return `${text.trimEnd()}\n${families.join('\n')}\n`;
}

/** The telemetry of one process. */
export interface Telemetry {
  readonly meter: Meter;
  /** Spans: one per HTTP request in control, one per call and per answered turn in the gateway. */
  readonly tracer: Tracer;
  /** Prometheus text exposition of every metric. */
  prometheusText(): Promise<string>;
  shutdown(): Promise<void>;
}

/**
 * Sets up metrics for a process. Call once at start-up, from the entry point.
 * @example const telemetry = await setupTelemetry({ serviceName: 'gateway', appInsightsConnectionString: config.telemetry.app_insights_connection_string });
 */
export async function setupTelemetry(options: {
  serviceName: string;
  appInsightsConnectionString?: string | undefined;
  /** OTLP/HTTP traces endpoint (e.g. `http://localhost:4318/v1/traces` of a local Jaeger or Tempo). */
  otlpTracesEndpoint?: string | undefined;
  /** Extra span exporter (tests use an in-memory one). */
  spanExporter?: SpanExporter;
  global?: boolean;
}): Promise<Telemetry> {
  const prometheus = new PrometheusExporter({ preventServerStart: true });
  const serializer = new PrometheusSerializer();
  const prometheusText = async () => withEmptyHistograms(serializer.serialize((await prometheus.collect()).resourceMetrics));
  const resource = resourceFromAttributes({ 'service.name': options.serviceName });
  const spanProcessors: SpanProcessor[] = [];
  if (options.spanExporter !== undefined) spanProcessors.push(new SimpleSpanProcessor(options.spanExporter));
  if (options.otlpTracesEndpoint !== undefined) {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: options.otlpTracesEndpoint })));
  }
  if (options.appInsightsConnectionString !== undefined) {
    // Azure Monitor owns the global providers (traces, logs, metrics); our readers and processors ride along.
    const { useAzureMonitor, shutdownAzureMonitor } = await import('@azure/monitor-opentelemetry');
    useAzureMonitor({
      azureMonitorExporterOptions: { connectionString: options.appInsightsConnectionString },
      metricReaders: [prometheus],
      spanProcessors,
      resource,
    });
    return {
      meter: metrics.getMeter(options.serviceName),
      tracer: trace.getTracer(options.serviceName),
      prometheusText,
      shutdown: () => shutdownAzureMonitor(),
    };
  }
  const provider = new MeterProvider({ readers: [prometheus], resource });
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
  if (options.global !== false) {
    metrics.setGlobalMeterProvider(provider);
    trace.setGlobalTracerProvider(tracerProvider);
  }
  return {
    meter: provider.getMeter(options.serviceName),
    tracer: tracerProvider.getTracer(options.serviceName),
    prometheusText,
    shutdown: async () => {
      await Promise.all([provider.shutdown(), tracerProvider.shutdown()]);
    },
  };
}
