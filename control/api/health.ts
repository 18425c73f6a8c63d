/**
 * Health: liveness (the process answers) and readiness (each configured backend really
 * answers: store, cache and queue pings; ACS and LLM settings usable). 503 names what failed.
 */
import { Hono } from 'hono';
import type { Config } from '../contract/index.ts';
import type { ControlDeps } from '../deps.ts';
import { parseConnectionString } from '../carriers/acs/connection-string.ts';
import { apiError } from '../server/errors.ts';

/** A readiness check's outcome. */
export type CheckResult = { ok: true; detail?: string } | { ok: false; detail: string };

/** A ping slower than this counts as failed: readiness probes time out at a few seconds. */
const PING_TIMEOUT_MS = 2_000;

async function ping(fn: () => Promise<void>): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([fn(), timeout]);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message || String(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** ACS settings are usable when configured: the connection string parses. */
export function checkAcsConfig(config: Config): CheckResult {
  if (config.acs === undefined) return { ok: true, detail: 'not configured (local softphone)' };
  try {
    parseConnectionString(config.acs.connection_string);
    return { ok: true };
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  }
}

/** LLM settings are usable when configured: Azure needs an endpoint; any key or endpoint means configured. */
export function checkLlmConfig(config: Config): CheckResult {
  const problems: string[] = [];
  let configured = false;
  for (const tier of ['fast', 'slow'] as const) {
    const llm = config.llm[tier];
    if (llm.api_key !== undefined || llm.endpoint !== undefined) configured = true;
    if (llm.provider === 'azure_openai' && llm.endpoint === undefined) problems.push(`llm.${tier}.endpoint is required for azure_openai`);
  }
  if (problems.length > 0) return { ok: false, detail: problems.join('; ') };
  return configured ? { ok: true } : { ok: true, detail: 'not configured: no LLM credentials, the agent cannot answer' };
}

/** Routes of `/health`. */
export function healthRoutes(deps: ControlDeps): Hono {
  const app = new Hono();
  app.get('/health/liveness', (c) => c.json({ status: 'alive' }));
  app.get('/health/readiness', async (c) => {
    const [store, cache, queue] = await Promise.all([ping(() => deps.store.ping()), ping(() => deps.cache.ping()), ping(() => deps.queue.ping())]);
    const checks: Record<string, CheckResult> = { store, cache, queue, acs: checkAcsConfig(deps.config), llm: checkLlmConfig(deps.config) };
    const failed = Object.entries(checks).filter(([, r]) => !r.ok);
    if (failed.length > 0) {
      throw apiError(503, `not ready: ${failed.map(([name]) => name).join(', ')}`, failed.map(([name, r]) => `${name}: ${r.detail ?? 'failed'}`));
    }
    return c.json({ status: 'ready', checks });
  });
  return app;
}
