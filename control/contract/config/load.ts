/**
 * Loads the configuration once: YAML file, then environment overrides, then zod.
 * Only entry points call this, with `process.env`; everything below receives the typed result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigSchema, SECTION_NAMES, type Config } from './schema.ts';

/** Configuration problems, one line each, naming the key and what was expected. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`, options);
    this.name = 'ConfigError';
  }
}

/** Where configuration comes from. */
export interface ConfigSources {
  /** YAML file path; `undefined` reads `config.yaml` if it exists. */
  readonly file?: string | undefined;
  /** Environment (pass `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Values applied after the file and before the environment (e.g. tests). */
  readonly overrides?: Record<string, unknown>;
}

/**
 * Reads, merges and validates configuration.
 * @throws ConfigError naming each bad key.
 * @example loadConfig({ file: process.env.CONFIG_FILE, env: process.env })
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const raw = readFile(sources.file);
  if (sources.overrides) deepMerge(raw, sources.overrides);
  applyWellKnownEnv(raw, sources.env ?? {});
  applyEnv(raw, sources.env ?? {});
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error.issues));
  return deepFreeze(parsed.data) as Config;
}

function readFile(file: string | undefined): Record<string, unknown> {
  const path = file ?? 'config.yaml';
  if (!existsSync(path)) {
    if (file !== undefined) throw new ConfigError([`CONFIG_FILE: ${path} does not exist`]);
    return {};
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError([`${path}: not valid YAML: ${(error as Error).message}`], { cause: error });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new ConfigError([`${path}: the top level must be a mapping of sections`]);
  return doc as Record<string, unknown>;
}

/** `LLM__FAST__ENDPOINT=x` sets `llm.fast.endpoint`; variables not starting with a section name are ignored. */
function applyEnv(target: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.includes('__')) continue;
    const path = name.toLowerCase().split('__');
    if (!SECTION_NAMES.includes(path[0] ?? '') || path.some((p) => p === '')) continue;
    let node = target;
    for (const key of path.slice(0, -1)) {
      const child = node[key];
      if (child === undefined || child === null || typeof child !== 'object' || Array.isArray(child)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1] as string] = value;
  }
}

/**
 * Conventional variables, applied under the `__` overrides: `OPENAI_API_KEY` alone turns on the
 * whole voice loop on OpenAI (LLM, transcription, speech) unless something else is configured;
 * `APPLICATIONINSIGHTS_CONNECTION_STRING` turns on Azure Monitor.
 */
function applyWellKnownEnv(target: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): void {
  const section = (name: string): Record<string, unknown> => {
    const existing = target[name];
    if (isPlainObject(existing)) return existing;
    const created: Record<string, unknown> = {};
    target[name] = created;
    return created;
  };
  const openaiKey = env.OPENAI_API_KEY;
  if (openaiKey !== undefined && openaiKey !== '') {
    const llm = section('llm');
    for (const tier of ['fast', 'slow']) {
      const endpoint = isPlainObject(llm[tier]) ? (llm[tier] as Record<string, unknown>) : {};
      llm[tier] = endpoint;
      if (endpoint.api_key === undefined && (endpoint.provider ?? 'openai') === 'openai') endpoint.api_key = openaiKey;
    }
    for (const name of ['stt', 'tts']) {
      const s = section(name);
      if (s.provider === undefined || s.provider === 'none') s.provider = 'openai';
      const openai = isPlainObject(s.openai) ? s.openai : {};
      s.openai = openai;
      if (openai.api_key === undefined) openai.api_key = openaiKey;
    }
  }
  const appInsights = env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (appInsights !== undefined && appInsights !== '') {
    const telemetry = section('telemetry');
    if (telemetry.app_insights_connection_string === undefined) telemetry.app_insights_connection_string = appInsights;
  }
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (isPlainObject(value) && isPlainObject(existing)) deepMerge(existing, value);
    else target[key] = value;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((k) => (at ? `${at}.${k}` : k));
      return `${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''} (not part of the configuration)`;
    }
    return `${at || '(root)'}: ${issue.message}`;
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
