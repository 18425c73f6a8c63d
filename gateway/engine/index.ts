/**
 * The conversation engine: `createEngineFactory(config)` gives the call session a factory that
 * builds one engine per call, with providers chosen from configuration (`llm`, `stt.provider`,
 * `tts.provider`, `rag.kind`), each overridable (tests, benches).
 */
import pino from 'pino';
import type { Config } from '../../control/contract/index.ts';
import type { CallEngineFactory } from '../call/engine-port.ts';
import { createLlmRouter, createOpenAiChatModel, type Llm } from '../providers/llm/index.ts';
import { createDocumentSearch, type DocumentSearch } from '../providers/rag/index.ts';
import { createSttProvider, type SttProvider } from '../providers/stt/index.ts';
import { realTimers, type Timers } from '../providers/timers.ts';
import { createTtsProvider, espeakInstalled, type TtsProvider } from '../providers/tts/index.ts';
import { ConversationEngine } from './engine.ts';
import type { EngineLogger } from './logger.ts';

export { ConversationEngine, type EngineDeps } from './engine.ts';
export { AnswerTimeoutError, BargeInError, CallEndedError, SpeculationDiscardedError } from './errors.ts';
export { silentLogger, type EngineLogger } from './logger.ts';
export { SentenceSplitter } from './sentence-splitter.ts';

/** Overrides of what the factory would build from configuration. */
export interface EngineFactoryDeps {
  readonly llm?: Llm;
  readonly stt?: SttProvider;
  /** Builds the TTS of one call. */
  readonly tts?: () => TtsProvider;
  /** Document search; `null` disables `search_document`. Default: built from `rag` on first use. */
  readonly search?: DocumentSearch | null;
  readonly timers?: Timers;
  readonly log?: EngineLogger;
  readonly wallClock?: () => Date;
  readonly random?: () => number;
}

/**
 * Builds the engine factory the call session uses.
 * @example
 * const factory = createEngineFactory(config);
 * const engine = factory(ports); await engine.start();
 */
export function createEngineFactory(config: Config, deps: EngineFactoryDeps = {}): CallEngineFactory {
  const log: EngineLogger = deps.log ?? pino({ level: config.telemetry.log_level, name: 'engine' });
  const timers = deps.timers ?? realTimers;
  const llm =
    deps.llm ??
    createLlmRouter({
      fast: createOpenAiChatModel(config.llm.fast),
      slow: createOpenAiChatModel(config.llm.slow),
      maxRetries: config.llm.max_retries,
      firstTokenTimeoutMs: config.llm.first_token_timeout_ms,
      backoffMs: config.llm.retry_backoff_ms,
      timers,
      onAttemptFailed: ({ model, attempt, error }) => log.warn({ model, attempt, err: error }, 'LLM attempt failed'),
    });
  const stt = deps.stt ?? createSttProvider(config.stt);
  const tts = deps.tts ?? (() => createTtsProvider(config.tts));
  const search = deps.search === null ? undefined : (deps.search ?? lazySearch(config.rag, log));
  return (ports) =>
    new ConversationEngine(ports, {
      config,
      llm,
      stt,
      tts: tts(),
      search,
      timers,
      log,
      wallClock: deps.wallClock ?? (() => new Date()),
      random: deps.random ?? Math.random,
    });
}

/** Opens the configured index on first search (building the SQLite index reads the documents folder). */
function lazySearch(section: Config['rag'], log: EngineLogger): DocumentSearch {
  let search: DocumentSearch | undefined;
  return {
    name: section.kind,
    async search(queries, topK, signal) {
      if (search === undefined) {
        search = createDocumentSearch(section);
        log.info({ kind: section.kind }, 'document search opened');
      }
      return search.search(queries, topK, signal);
    },
    close: async () => search?.close(),
  };
}

/**
 * Problems with the providers as configured, one sentence each, for the entry point to print at
 * start-up (missing credentials make the agent unable to listen, think or speak).
 */
export function describeProviderProblems(config: Config): string[] {
  const out: string[] = [];
  for (const tier of ['fast', 'slow'] as const) {
    if (config.llm[tier].api_key === undefined) out.push(`llm.${tier}: no API key (set llm.${tier}.api_key or OPENAI_API_KEY); the agent cannot answer`);
  }
  if (config.stt.provider === 'none') out.push('stt.provider is none: the caller cannot be understood');
  if (config.stt.provider === 'azure' && config.stt.azure?.key === undefined) out.push('stt.azure.key is missing');
  if (config.tts.provider === 'azure' && config.tts.azure?.key === undefined) out.push('tts.azure.key is missing');
  if ((config.tts.provider === 'none' || config.tts.provider === 'espeak') && !espeakInstalled()) out.push('no TTS: configure tts.provider or install espeak-ng');
  return out;
}
