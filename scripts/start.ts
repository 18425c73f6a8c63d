/**
 * `npm start`: runs control and gateway as two processes on embedded defaults (SQLite, in-process
 * cache and queue, the browser softphone), shares generated secrets between them when none are
 * configured, and says what works with the credentials found.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, type Config } from '../control/contract/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Lines saying which credentials are missing and what works without them. */
export function describeCapabilities(config: Config): string[] {
  const lines: string[] = [];
  const llmReady = config.llm.fast.api_key !== undefined || config.llm.fast.endpoint !== undefined;
  if (!llmReady) {
    lines.push('LLM: not configured (set OPENAI_API_KEY, or llm.fast.endpoint/api_key, LLM__FAST__ENDPOINT…). Without it calls connect and are');
    lines.push('     recorded, but the agent cannot answer. `npm run demo` runs a full simulated call with no credentials.');
  } else lines.push(`LLM: ${config.llm.fast.provider} (${config.llm.fast.model} fast, ${config.llm.slow.model} slow)`);
  lines.push(config.stt.provider === 'none' ? 'STT: not configured (set OPENAI_API_KEY or stt.azure.*): the caller cannot be understood.' : `STT: ${config.stt.provider}`);
  lines.push(config.tts.provider === 'none' ? 'TTS: none configured: espeak-ng speaks locally if installed (set OPENAI_API_KEY or tts.azure.* for natural voices).' : `TTS: ${config.tts.provider}`);
  lines.push(config.acs === undefined ? 'Telephony: local softphone (no ACS configured); POST /call rings the softphone page.' : 'Telephony: Azure Communication Services');
  lines.push(`Store: ${config.store.kind}, cache: ${config.cache.kind}, queue: ${config.queue.kind}`);
  return lines;
}

function main(): void {
  const env: Record<string, string | undefined> = { ...process.env };
  // Both processes must share these; generated per run when not configured (embedded use only).
  env.SECRETS__MEDIA_TOKEN_KEY ??= randomBytes(32).toString('hex');
  env.SECRETS__SERVICE_TOKEN ??= randomBytes(32).toString('hex');
  let config: Config;
  try {
    config = loadConfig({ file: env.CONFIG_FILE, env });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  mkdirSync(join(root, 'data'), { recursive: true });
  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
    process.exitCode = code;
  };
  for (const name of ['control', 'gateway']) {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, name, 'main.ts')], { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      if (!stopping) console.error(`${name} exited (${signal ?? code}); stopping.`);
      stop(code ?? 1);
    });
    children.push(child);
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  const controlUrl = `http://localhost:${config.control.port}`;
  console.log(
    [
      '',
      `  Softphone (call the bot from your browser): ${controlUrl}/`,
      `  API:                                        ${controlUrl}/call   reports: ${controlUrl}/report`,
      `  Metrics:                                    ${controlUrl}/metrics and http://localhost:${config.gateway.port}/metrics`,
      '',
      ...describeCapabilities(config).map((l) => `  ${l}`),
      '',
    ].join('\n'),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
