/**
 * Checks the deployment and observability assets against the contract: every metric the Grafana
 * dashboard, the Prometheus alerts and the App Insights queries name is one the services export
 * (`METRIC`, SPEC §6), the Prometheus config scrapes both services, the Azure template's
 * environment variables are real configuration keys, and `config.example.yaml` loads.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError, loadConfig, SECTION_NAMES } from '../control/contract/index.ts';
import { METRIC } from '../control/contract/metrics.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (rel: string): string => readFileSync(join(root, rel), 'utf8');

type Kind = 'histogram' | 'counter' | 'gauge' | 'gauge-or-histogram';

/** How each exported metric is instrumented; decides which Prometheus suffixes a query may use. */
const KIND: Partial<Record<string, Kind>> = {
  [METRIC.answerLatency]: 'histogram',
  [METRIC.endpointLatency]: 'histogram',
  [METRIC.sttFinalLatency]: 'histogram',
  [METRIC.llmTtft]: 'histogram',
  [METRIC.llmFirstSentence]: 'histogram',
  [METRIC.ttsTtfb]: 'histogram',
  [METRIC.bargeinLatency]: 'histogram',
  [METRIC.aecDropped]: 'counter',
  [METRIC.aecMissed]: 'counter',
  [METRIC.framesLate]: 'counter',
  [METRIC.framesIn]: 'counter',
  [METRIC.badFrames]: 'counter',
  [METRIC.callsStarted]: 'counter',
  [METRIC.callsEnded]: 'counter',
  [METRIC.aecErle]: 'gauge',
  [METRIC.activeCalls]: 'gauge',
  // Queries for these work whichever way the gateway instruments them.
  [METRIC.aecDelay]: 'gauge-or-histogram',
  [METRIC.eventLoopLag]: 'gauge-or-histogram',
};

const SUFFIXES: Record<Kind, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  counter: ['_total'],
  gauge: [''],
  'gauge-or-histogram': ['', '_bucket', '_sum', '_count'],
};
const ANY_SUFFIX = ['', '_bucket', '_sum', '_count', '_total'];

/** Prometheus series name → the contract name it comes from. */
const PROM_SERIES = new Map<string, string>();
for (const name of Object.values(METRIC)) {
  const base = name.replaceAll('.', '_');
  for (const suffix of KIND[name] === undefined ? ANY_SUFFIX : SUFFIXES[KIND[name]]) PROM_SERIES.set(base + suffix, name);
}

/** PromQL functions, aggregations and keywords: identifiers that are not series names. */
const PROMQL_WORDS = new Set(['and', 'or', 'unless', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'inf', 'nan']);

/** Series names a PromQL expression selects (strings, label matchers, ranges, grouping and numbers removed). */
function seriesInPromql(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const after = stripped.slice((m.index ?? 0) + m[0].length).trimStart();
    if (after.startsWith('(') || PROMQL_WORDS.has(m[0].toLowerCase())) continue; // a function call or a keyword
    names.push(m[0]);
  }
  return names;
}

/** Problems of one PromQL expression: unknown series, unbalanced brackets. */
function promqlProblems(where: string, expr: string, builtins: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const name of seriesInPromql(expr)) {
    if (!PROM_SERIES.has(name) && !builtins.has(name)) problems.push(`${where}: "${name}" is not an exported metric (METRIC in control/contract/metrics.ts)`);
  }
  for (const [open, close] of ['()', '[]', '{}']) {
    let depth = 0;
    for (const ch of expr) {
      if (ch === open) depth++;
      else if (ch === close && --depth < 0) break;
    }
    if (depth !== 0) problems.push(`${where}: unbalanced ${open}${close}`);
  }
  return problems;
}

interface Panel {
  readonly id?: number;
  readonly title?: string;
  readonly type?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly targets?: readonly { readonly expr?: string; readonly datasource?: { readonly uid?: string } }[];
  readonly panels?: readonly Panel[];
}
interface Dashboard {
  readonly panels: readonly Panel[];
  readonly templating?: { readonly list?: readonly { readonly name?: string; readonly type?: string; readonly query?: string }[] };
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every problem of a dashboard: unknown metrics, queries without a Prometheus datasource variable. */
function dashboardProblems(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  const dsVar = dashboard.templating?.list?.find((v) => v.name === 'DS_PROMETHEUS');
  if (dsVar?.type !== 'datasource' || dsVar.query !== 'prometheus') problems.push('templating: no DS_PROMETHEUS datasource variable of type prometheus');
  const ids = new Set<number>();
  for (const panel of allPanels(dashboard.panels)) {
    const where = `panel ${panel.id} "${panel.title}"`;
    if (panel.id === undefined || ids.has(panel.id)) problems.push(`${where}: missing or duplicate id`);
    else ids.add(panel.id);
    if (panel.type === 'row') continue;
    if (panel.datasource?.uid !== '${DS_PROMETHEUS}') problems.push(`${where}: datasource is not \${DS_PROMETHEUS}`);
    if ((panel.targets ?? []).length === 0) problems.push(`${where}: no query`);
    for (const target of panel.targets ?? []) {
      if (typeof target.expr !== 'string' || target.expr.trim() === '') problems.push(`${where}: empty query`);
      else problems.push(...promqlProblems(where, target.expr));
    }
  }
  return problems;
}

function dashboardExprs(dashboard: Dashboard): string[] {
  return allPanels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
}

/** SPEC §6 metrics each asset must show. */
const REQUIRED = [
  METRIC.answerLatency,
  METRIC.endpointLatency,
  METRIC.sttFinalLatency,
  METRIC.llmTtft,
  METRIC.llmFirstSentence,
  METRIC.ttsTtfb,
  METRIC.bargeinLatency,
  METRIC.aecDropped,
  METRIC.aecMissed,
  METRIC.aecErle,
  METRIC.aecDelay,
  METRIC.activeCalls,
  METRIC.framesLate,
  METRIC.badFrames,
  METRIC.eventLoopLag,
];

describe('Grafana dashboard', () => {
  const dashboard = JSON.parse(read('infra/grafana/callcenter-dashboard.json')) as Dashboard;

  it('names only exported metrics, through the DS_PROMETHEUS datasource', () => {
    expect(dashboardProblems(dashboard)).toEqual([]);
  });

  it('has a panel for every SPEC §6 metric, and answer latency p50/p95/p99', () => {
    const used = new Set(dashboardExprs(dashboard).flatMap((e) => seriesInPromql(e).map((s) => PROM_SERIES.get(s))));
    expect(REQUIRED.filter((m) => !used.has(m))).toEqual([]);
    const answer = dashboardExprs(dashboard).filter((e) => e.includes('call_answer_latency_bucket'));
    for (const q of ['0.5', '0.95', '0.99']) expect(answer.some((e) => e.includes(`histogram_quantile(${q},`))).toBe(true);
  });

  it('fails on a panel that names a metric the services do not export', () => {
    const bad: Dashboard = {
      ...dashboard,
      panels: [...dashboard.panels, { id: 9999, title: 'typo', type: 'timeseries', datasource: { type: 'prometheus', uid: '${DS_PROMETHEUS}' }, targets: [{ expr: 'sum(rate(call_answer_latncy_bucket[5m]))' }] }],
    };
    expect(dashboardProblems(bad)).toEqual([expect.stringContaining('"call_answer_latncy_bucket" is not an exported metric')]);
    // A counter read as a histogram is just as wrong.
    expect(promqlProblems('q', 'rate(call_frames_late_bucket[5m])')).toHaveLength(1);
    expect(seriesInPromql('histogram_quantile(0.95, sum by (le, job) (rate(call_tts_ttfb_bucket{carrier="acs"}[$__rate_interval]))) > 1e3')).toEqual(['call_tts_ttfb_bucket']);
  });
});

describe('Prometheus', () => {
  const config = parseYaml(read('infra/prometheus/prometheus.yml')) as {
    rule_files?: string[];
    scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
  };

  it('scrapes control on :8080 and the gateway on :8081 at /metrics', () => {
    const scraped = (port: number) =>
      config.scrape_configs.some((job) => (job.metrics_path ?? '/metrics') === '/metrics' && job.static_configs.some((s) => s.targets.some((t) => t.endsWith(`:${port}`))));
    expect(scraped(8080)).toBe(true);
    expect(scraped(8081)).toBe(true);
    expect(config.rule_files).toContain('alerts.yml');
  });

  it('alerts on answer latency p95, late frames, event-loop lag and AEC misses, naming only exported metrics', () => {
    const alerts = parseYaml(read('infra/prometheus/alerts.yml')) as { groups: { rules: { alert: string; expr: string; for?: string }[] }[] };
    const rules = alerts.groups.flatMap((g) => g.rules);
    const problems = rules.flatMap((r) => promqlProblems(`alert ${r.alert}`, r.expr, new Set(['up'])));
    expect(problems).toEqual([]);
    const exprOf = (series: string) => rules.find((r) => seriesInPromql(r.expr).includes(series))?.expr ?? '';
    expect(exprOf('call_answer_latency_bucket')).toMatch(/histogram_quantile\(0\.95,[\s\S]*>\s*2000$/);
    expect(exprOf('call_frames_late_total')).toMatch(/>\s*0$/);
    expect(exprOf('process_event_loop_lag')).toMatch(/>\s*20$/);
    expect(exprOf('call_aec_missed_total')).not.toBe('');
  });
});

describe('local Prometheus + Grafana', () => {
  it('mounts the scrape config and the dashboard, with Grafana pointed at Prometheus', () => {
    const compose = parseYaml(read('infra/observability/docker-compose.yml')) as { services: Record<string, { volumes: string[]; command?: string[] }> };
    expect(compose.services.prometheus?.volumes).toContain('../prometheus:/etc/prometheus:ro');
    expect(compose.services.prometheus?.command).toContain('--config.file=/etc/prometheus/prometheus.yml');
    expect(compose.services.grafana?.volumes).toEqual(expect.arrayContaining(['../grafana/provisioning:/etc/grafana/provisioning:ro', '../grafana:/var/lib/grafana/dashboards:ro']));
    const datasources = parseYaml(read('infra/grafana/provisioning/datasources/prometheus.yml')) as { datasources: { type: string; url: string }[] };
    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://127.0.0.1:9090' })]);
    const providers = parseYaml(read('infra/grafana/provisioning/dashboards/callcenter.yml')) as { providers: { options: { path: string } }[] };
    expect(providers.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards');
  });
});

describe('App Insights queries', () => {
  const kql = read('infra/appinsights/queries.kql');
  // String literals shaped like a metric name: dotted lower-case words, or a Prometheus-style name.
  const literals = [...kql.replace(/^\s*\/\/.*$/gm, '').matchAll(/"([^"\n]*)"/g)].map((m) => m[1] ?? '');
  const metricLike = literals.filter((s) => /^[a-z_]+(\.[a-z_]+)+$/.test(s) || /^(call|process)_[a-z_]+$/.test(s));

  it('names only contract metrics, with their dotted names', () => {
    const known = new Set<string>(Object.values(METRIC));
    expect(metricLike.filter((s) => !known.has(s))).toEqual([]);
    expect(REQUIRED.filter((m) => !metricLike.includes(m))).toEqual([]);
  });
});

describe('Azure template', () => {
  const dir = join(root, 'infra/azure');
  const bicep = [join(dir, 'main.bicep'), ...readdirSync(join(dir, 'modules')).map((f) => join(dir, 'modules', f))]
    .filter((f) => f.endsWith('.bicep'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  const env = [...bicep.matchAll(/\{\s*name:\s*'([A-Z][A-Z0-9_]*)'\s*,\s*(value|secretRef):\s*([^}\n]*?)\s*\}/g)].map((m) => ({
    name: m[1] as string,
    literal: m[2] === 'value' && /^'[^'$]*'$/.test(m[3] ?? '') ? (m[3] as string).slice(1, -1) : undefined,
  }));

  /** Stand-in values for the variables the template computes or takes from secrets. */
  const SAMPLE: Record<string, string> = {
    CONTROL__PUBLIC_URL: 'https://control.example.azurecontainerapps.io',
    CONTROL__API_KEYS: 'k1,k2',
    GATEWAY__PUBLIC_URL: 'wss://gateway.example.azurecontainerapps.io',
    GATEWAY__CONTROL_URL: 'https://control.example.azurecontainerapps.io',
    SECRETS__MEDIA_TOKEN_KEY: 'm'.repeat(40),
    SECRETS__SERVICE_TOKEN: 's'.repeat(40),
    STORE__COSMOS__ENDPOINT: 'https://cosmos.documents.azure.com:443/',
    CACHE__REDIS__URL: 'rediss://:pw@redis.redis.cache.windows.net:6380',
    QUEUE__REDIS__URL: 'rediss://:pw@redis.redis.cache.windows.net:6380',
    LLM__FAST__ENDPOINT: 'https://oai.openai.azure.com/',
    LLM__SLOW__ENDPOINT: 'https://oai.openai.azure.com/',
    ACS__CONNECTION_STRING: 'endpoint=https://acs.communication.azure.com/;accesskey=a2V5',
    ACS__PHONE_NUMBER: '+33100000000',
    GATEWAY__DRAIN_TIMEOUT_SEC: '60',
    GATEWAY__MAX_CALLS: '150',
    GATEWAY__DSP_WORKERS: '1',
    TELEMETRY__LOG_LEVEL: 'info',
  };

  it('sets only real configuration keys, and they load', () => {
    expect(env.length).toBeGreaterThan(20);
    const names = new Set(env.map((e) => e.name));
    for (const required of ['STORE__KIND', 'STORE__COSMOS__ENDPOINT', 'CACHE__KIND', 'QUEUE__KIND', 'LLM__FAST__PROVIDER', 'LLM__FAST__ENDPOINT', 'ACS__CONNECTION_STRING', 'SECRETS__MEDIA_TOKEN_KEY', 'SECRETS__SERVICE_TOKEN', 'APPLICATIONINSIGHTS_CONNECTION_STRING', 'GATEWAY__PUBLIC_URL', 'CONTROL__PUBLIC_URL']) {
      expect(names, required).toContain(required);
    }
    // A `__` variable outside the configuration's sections would be silently ignored at start-up.
    expect([...names].filter((n) => n.includes('__') && !SECTION_NAMES.includes(n.split('__')[0]!.toLowerCase()))).toEqual([]);
    const vars: Record<string, string> = {};
    for (const e of env) vars[e.name] = e.literal ?? SAMPLE[e.name] ?? `sample-${e.name.toLowerCase()}`;
    let config;
    try {
      config = loadConfig({ file: emptyFile(), env: vars });
    } catch (error) {
      throw error instanceof ConfigError ? new Error(`the template's variables do not load:\n${error.problems.join('\n')}`) : error;
    }
    expect(config.store.kind).toBe('cosmos');
    expect(config.store.cosmos?.key).toBeDefined();
    expect([config.cache.kind, config.queue.kind]).toEqual(['redis', 'redis']);
    expect([config.llm.fast.provider, config.llm.slow.provider]).toEqual(['azure_openai', 'azure_openai']);
    expect([config.stt.provider, config.tts.provider]).toEqual(['azure', 'azure']);
    expect(config.telemetry.app_insights_connection_string).toBeDefined();
  });

  it('routes IncomingCall and SMSReceived to control /webhooks/eventgrid, with partition key /phone', () => {
    expect(bicep).toContain("'Microsoft.Communication.IncomingCall'");
    expect(bicep).toContain("'Microsoft.Communication.SMSReceived'");
    expect(bicep).toContain('/webhooks/eventgrid');
    expect(bicep).toMatch(/paths:\s*\[\s*'\/phone'\s*\]/);
    expect(bicep).toMatch(/minReplicas:\s*gatewayMinReplicas/);
    expect(bicep).toMatch(/terminationGracePeriodSeconds:/);
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'infra-assets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function emptyFile(): string {
  const path = join(tmp, 'empty.yaml');
  writeFileSync(path, '');
  return path;
}

describe('config.example.yaml', () => {
  it('loads, and holds exactly the built-in defaults', () => {
    const example = loadConfig({ file: join(root, 'config.example.yaml'), env: {} });
    expect(isDeepStrictEqual(example, loadConfig({ file: emptyFile(), env: {} }))).toBe(true);
  });

  it('shows every key of every section', () => {
    const raw = parseYaml(read('config.example.yaml')) as Record<string, unknown>;
    const defaults = loadConfig({ file: emptyFile(), env: {} }) as unknown as Record<string, unknown>;
    const missing: string[] = [];
    const walk = (want: unknown, have: unknown, path: string) => {
      if (have === undefined) return void missing.push(path);
      if (typeof want !== 'object' || want === null || Array.isArray(want)) return;
      for (const [k, v] of Object.entries(want)) walk(v, (have as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
    };
    walk(defaults, raw, '');
    expect(missing).toEqual([]);
    // Sections with required fields and no default are shown commented out.
    const optional = ['acs', 'twilio'];
    expect(SECTION_NAMES.filter((s) => !optional.includes(s) && !(s in raw))).toEqual([]);
    for (const s of optional) expect(read('config.example.yaml')).toMatch(new RegExp(`^#${s}:$`, 'm'));
  });
});
