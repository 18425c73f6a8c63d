/**
 * The whole system for a bench run: the stand-in services (LLM, STT, TTS), control and the gateway
 * each in a child process (the callers stay in this one), with a temporary SQLite store, the same
 * secrets, and the stand-ins' delays.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signMediaToken } from '../../control/contract/index.ts';
import { scrapeMetrics, type PromText } from '../lib/prometheus.ts';
import { niceThisProcess, otherCpus, pinThisProcess, startChild, type BenchChild } from './child.ts';
import type { ChildStats, StandinLateness } from './ipc.ts';
import type { StandinsChildOptions } from './standins-child.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** The stand-ins' configured delays: together with the silence wait they make the latency floor. */
export interface StackTiming {
  /** `features.vad_silence_timeout_ms`. */
  readonly silenceMs: number;
  /** STT stand-in: final result this long after the utterance ends. */
  readonly sttFinalMs: number;
  /** LLM stand-in: time to first token, then tokens per second. */
  readonly llmTtftMs: number;
  readonly llmTokensPerSec: number;
  /** TTS stand-in: time to first byte; audio then produced this many times faster than real time. */
  readonly ttsTtfbMs: number;
  readonly ttsRealtimeFactor: number;
}

/** Delays resembling good cloud services (the stand-ins' own defaults). */
export const DEFAULT_TIMING: StackTiming = { silenceMs: 500, sttFinalMs: 150, llmTtftMs: 300, llmTokensPerSec: 50, ttsTtfbMs: 120, ttsRealtimeFactor: 4 };

export interface StackOptions {
  readonly timing: StackTiming;
  /** What the agent answers every turn. */
  readonly reply: string;
  /** `features.speculative_turns`. */
  readonly speculative: boolean;
  /** Child logs go here. */
  readonly logDir: string;
  /** Extra configuration merged over the bench's (e.g. `{ gateway: { dsp_workers: 1 } }`). */
  readonly config?: Record<string, unknown>;
  /** Pin the gateway to these CPUs (`taskset -c` list) and everything else to the others. */
  readonly gatewayCpus?: string;
  /**
   * Niceness of the load generator: this process (the callers), the stand-ins and control; the
   * gateway keeps the default. With callers and gateway on the same cores, the load generator
   * then yields to the gateway's threads, which on a deployment run on cores of their own.
   * Default 0 (everything at the same priority).
   */
  readonly loadNice?: number;
}

/** One call created in control, with the media URL a carrier would get. */
export interface BenchCall {
  readonly callId: string;
  readonly url: string;
}

/** A running stack. */
export interface Stack {
  /** LLM, STT and TTS stand-ins (see standins-child.ts). */
  readonly standins: BenchChild;
  readonly control: BenchChild;
  readonly gateway: BenchChild;
  /** Creates inbound ACS calls in control and signs their media URLs. */
  createCalls(count: number): Promise<BenchCall[]>;
  /** The STT stand-in's transcript hook: recognizer utterances of `callId` carry `text` from now on. */
  onTranscript(callId: string, text: string): void;
  /** How late the stand-ins delivered since the previous call of this. */
  standinLateness(): Promise<StandinLateness>;
  /** The gateway's `/metrics`, or undefined if it serves none. */
  gatewayMetrics(): Promise<PromText | undefined>;
  gatewayStats(): Promise<ChildStats>;
  resetGatewayStats(): Promise<void>;
  /** Stops everything started; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts stand-ins, control and gateway.
 * @example const stack = await startStack({ timing: DEFAULT_TIMING, reply: 'Sure!', speculative: false, logDir });
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const t = options.timing;
  const dir = mkdtempSync(join(tmpdir(), 'callcenter-bench-'));
  mkdirSync(join(dir, 'documents'), { recursive: true });
  mkdirSync(options.logDir, { recursive: true });
  const closers: Array<() => Promise<void>> = [() => Promise.resolve(rmSync(dir, { recursive: true, force: true }))];
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  })());
  // Gateway on its CPUs, everything else (callers, stand-ins, control) on the rest.
  const rest = options.gatewayCpus === undefined ? undefined : otherCpus(options.gatewayCpus);
  const loadNice = options.loadNice ?? 0;
  // Niceness 0 leaves the children as they are (startChild adds no `nice`).
  const pinRest = { ...(rest === undefined ? {} : { cpus: rest }), nice: loadNice };
  if (rest !== undefined && !pinThisProcess(rest)) throw new Error('taskset could not pin the bench process (is util-linux installed?)');
  try {
    const standinOptions: StandinsChildOptions = {
      sttFinalMs: t.sttFinalMs,
      llmTtftMs: t.llmTtftMs,
      llmTokensPerSec: t.llmTokensPerSec,
      ttsTtfbMs: t.ttsTtfbMs,
      ttsRealtimeFactor: t.ttsRealtimeFactor,
      reply: options.reply,
    };
    const standins = await startChild('standins', join(HERE, 'standins-child.ts'), { BENCH_STANDINS: JSON.stringify(standinOptions) }, join(options.logDir, 'standins.log'), pinRest);
    closers.push(() => standins.close());
    const urls = standins.urls;

    const mediaKey = randomBytes(32).toString('hex');
    const base = {
      secrets: { media_token_key: mediaKey, service_token: randomBytes(32).toString('hex') },
      store: { kind: 'sqlite', sqlite: { path: join(dir, 'calls.sqlite') } },
      queue: { kind: 'sqlite', sqlite: { path: join(dir, 'jobs.sqlite') } },
      cache: { kind: 'memory' },
      rag: { kind: 'sqlite', documents_dir: join(dir, 'documents'), index_path: join(dir, 'rag.sqlite') },
      llm: {
        fast: { provider: 'openai', endpoint: urls.llm, api_key: 'bench', model: 'bench-fast' },
        slow: { provider: 'openai', endpoint: urls.llm, api_key: 'bench', model: 'bench-slow' },
      },
      stt: { provider: 'standin', standin: { url: urls.stt } },
      tts: { provider: 'standin', standin: { url: urls.tts } },
      features: { vad_silence_timeout_ms: t.silenceMs, speculative_turns: options.speculative },
      telemetry: { log_level: 'warn', prometheus: true },
      control: { port: 0, host: '127.0.0.1' },
      gateway: { port: 0, host: '127.0.0.1', max_calls: 5000 },
    };
    const controlFile = join(dir, 'control.json');
    writeFileSync(controlFile, JSON.stringify(merge(base, options.config ?? {})));
    const control = await startChild('control', join(HERE, 'control-child.ts'), { BENCH_CONFIG_FILE: controlFile }, join(options.logDir, 'control.log'), pinRest);
    closers.push(() => control.close());
    const gatewayFile = join(dir, 'gateway.json');
    writeFileSync(gatewayFile, JSON.stringify(merge(merge(base, { gateway: { control_url: control.url } }), options.config ?? {})));
    const gateway = await startChild('gateway', join(HERE, 'gateway-child.ts'), { BENCH_CONFIG_FILE: gatewayFile }, join(options.logDir, 'gateway.log'), {
      ...(options.gatewayCpus !== undefined ? { cpus: options.gatewayCpus } : {}),
    });
    closers.push(() => gateway.close());
    // Only now: a child inherits its parent's niceness, and the gateway must not.
    if (loadNice !== 0 && !niceThisProcess(loadNice)) throw new Error(`could not set the bench process's niceness to ${loadNice}`);

    let callBatch = 0;
    return {
      standins,
      control,
      gateway,
      async createCalls(count) {
        // A fresh number per call: the same number within the callback window would resume a call.
        const prefix = `+1555${String(Date.now() % 1000).padStart(3, '0')}${String(callBatch++ % 100).padStart(2, '0')}`;
        const ids = await control.channel.request<string[]>({ type: 'create-calls', count, numberPrefix: prefix }, 120_000);
        const expiresAtSec = Math.floor(Date.now() / 1000) + 3600;
        return ids.map((callId) => ({
          callId,
          url: `ws://127.0.0.1:${gateway.port}/media/acs/${encodeURIComponent(callId)}?token=${encodeURIComponent(signMediaToken(mediaKey, { callId, carrier: 'acs', expiresAtSec }))}`,
        }));
      },
      onTranscript(callId, text) {
        // A caller announces its next sentence seconds before saying it: the IPC message is there first.
        void standins.channel.request({ type: 'transcript', callId, text }).catch(() => undefined);
      },
      standinLateness: () => standins.channel.request<StandinLateness>({ type: 'lateness' }),
      async gatewayMetrics() {
        try {
          return await scrapeMetrics(`http://127.0.0.1:${gateway.port}/metrics`);
        } catch {
          return undefined;
        }
      },
      gatewayStats: () => gateway.channel.request<ChildStats>({ type: 'stats' }),
      resetGatewayStats: async () => {
        await gateway.channel.request({ type: 'reset-stats' });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Deep merge of plain objects (`b` wins); arrays and scalars are replaced. */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(v) && isObject(prev) ? merge(prev, v) : v;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
