/**
 * Drives one conversation engine end to end for tests: the LLM, STT and TTS stand-ins, a local
 * control recorder behind the real `ControlClient`, a manual clock for every timer, and an
 * outbound queue that plays on that clock. The "caller" is the test: it sends turn events and
 * audio, and the STT stand-in returns the text the test says it spoke.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { startLlmStandin, type ChatRequest, type LlmStandin, type ScriptedReply } from '../../../bench/standins/llm-server.ts';
import { startSttStandin, type SttStandin } from '../../../bench/standins/stt-server.ts';
import { startTtsStandin, type TtsStandin, type TtsStandinOptions } from '../../../bench/standins/tts-server.ts';
import {
  CallContext,
  ConfigSchema,
  ControlClient,
  type ActionRequest,
  type ActionResult,
  type CallContext as CallContextT,
  type Config,
  type ConversationEvent,
  type Message,
} from '../../../control/contract/index.ts';
import type { CallEngine, EnginePorts, StageMetric, TurnEvent } from '../../call/engine-port.ts';
import { openSqliteSearch } from '../../providers/rag/index.ts';
import { ManualClock } from '../../providers/timers.ts';
import { createEngineFactory, silentLogger } from '../index.ts';
import { startControlRecorder, type ControlRecorder } from './control-recorder.ts';
import { FakeOutbound } from './fake-outbound.ts';

export interface HarnessOptions {
  /** LLM replies in order (then "Okay."), or a function of the request. */
  readonly replies?: ScriptedReply[] | ((req: ChatRequest) => ScriptedReply | Promise<ScriptedReply>);
  /** Raw config sections merged over the test defaults (`features`, `conversation`, `llm`…). */
  readonly config?: Record<string, Record<string, unknown>>;
  /** Fields of the call context over the defaults (raw, validated by the contract schema). */
  readonly context?: Record<string, unknown>;
  /** Fields of `initiate` over the defaults. */
  readonly initiate?: Record<string, unknown>;
  readonly autoPlay?: boolean;
  readonly onAction?: (req: ActionRequest) => ActionResult;
  /** Documents for `search_document` (file name → text); none disables search. */
  readonly documents?: Record<string, string>;
  /** TTS speech length per character (ms): small keeps tests light, 70 is realistic. */
  readonly ttsMsPerChar?: number;
  /** Makes the TTS stand-in refuse some requests. */
  readonly ttsFail?: TtsStandinOptions['fail'];
}

const DEFAULT_INITIATE = {
  phone_number: '+33612345678',
  bot_company: 'Contoso',
  bot_name: 'Amélie',
  agent_phone_number: '+33699999999',
  task: 'Help the caller declare a home insurance claim.',
  claim: [
    { name: 'incident_date', type: 'datetime', description: 'When it happened' },
    { name: 'incident_description', type: 'text' },
  ],
};

export class EngineHarness {
  readonly clock = new ManualClock();
  readonly outbound: FakeOutbound;
  readonly stages: Array<{ metric: StageMetric; ms: number }> = [];
  readonly hangups: string[] = [];
  /** What the caller said, utterance by utterance (the STT stand-in's script). */
  readonly said: string[] = [];
  readonly call = new AbortController();
  engine!: CallEngine;
  config!: Config;
  context!: CallContextT;
  llm!: LlmStandin;
  stt!: SttStandin;
  tts!: TtsStandin;
  control!: ControlRecorder;
  #docsDir: string | undefined;

  private constructor(readonly options: HarnessOptions) {
    this.outbound = new FakeOutbound(() => this.clock.now(), options.autoPlay ?? true);
  }

  static async create(options: HarnessOptions = {}): Promise<EngineHarness> {
    const h = new EngineHarness(options);
    await h.#init();
    return h;
  }

  async #init(): Promise<void> {
    const o = this.options;
    const queue = Array.isArray(o.replies) ? [...o.replies] : undefined;
    const respond = typeof o.replies === 'function' ? o.replies : () => queue?.shift() ?? { content: 'Okay.' };
    this.llm = await startLlmStandin({ ttftMs: 2, tokensPerSec: 2000, respond });
    this.stt = await startSttStandin({ finalDelayMs: 5, transcript: (u) => this.said[u.index] ?? '' });
    this.tts = await startTtsStandin({ ttfbMs: 1, realtimeFactor: Infinity, msPerChar: o.ttsMsPerChar ?? 10, ...(o.ttsFail ? { fail: o.ttsFail } : {}) });
    this.control = await startControlRecorder(o.onAction);
    const sections = o.config ?? {};
    this.config = ConfigSchema.parse({
      ...sections,
      llm: { fast: { model: 'fast-model', endpoint: this.llm.url, api_key: 'k' }, slow: { model: 'slow-model', endpoint: this.llm.url, api_key: 'k' }, retry_backoff_ms: 1, ...sections.llm },
      stt: { provider: 'standin', standin: { url: this.stt.url } },
      tts: { provider: 'standin', standin: { url: this.tts.url } },
      // Tests move the manual clock faster than real I/O: a long STT wait keeps finals from being cut.
      features: { speculative_turns: false, recognition_stt_complete_timeout_ms: 10_000, ...sections.features },
    }) as Config;
    this.context = CallContext.parse({
      call_id: '0b6f1b4e-3f7a-4c1e-9a57-2d7c1c9b8a10',
      carrier: 'softphone',
      direction: 'outbound',
      initiate: { ...DEFAULT_INITIATE, ...o.initiate },
      claim: {},
      messages: [],
      reminders: [],
      resumed: false,
      created_at: '2026-01-15T10:00:00.000Z',
      ...o.context,
    });
    let search = null;
    if (o.documents) {
      this.#docsDir = mkdtempSync(join(tmpdir(), 'engine-docs-'));
      for (const [name, text] of Object.entries(o.documents)) writeFileSync(join(this.#docsDir, name), text);
      search = openSqliteSearch({ documentsDir: this.#docsDir, indexPath: ':memory:' });
    }
    const factory = createEngineFactory(this.config, { timers: this.clock, log: silentLogger, wallClock: () => new Date('2026-01-15T10:00:00.000Z'), random: () => 0, search });
    const ports: EnginePorts = {
      context: this.context,
      control: new ControlClient({ baseUrl: this.control.baseUrl, serviceToken: 's'.repeat(32), attempts: 2 }),
      outbound: this.outbound,
      now: () => this.clock.now(),
      signal: this.call.signal,
      recordStage: (metric, ms) => this.stages.push({ metric, ms }),
      hangup: (reason) => this.hangups.push(reason),
    };
    this.engine = factory(ports);
  }

  /** Starts the engine and waits until the greeting has been played and stored. */
  async greet(): Promise<void> {
    await this.engine.start();
    await this.until(() => this.messages().length >= 1);
    this.advance(5000);
    await this.until(() => !this.outbound.speaking && this.clock.pending >= (this.config.features.phone_silence_timeout_sec > 0 ? 1 : 0));
  }

  event(e: TurnEvent): void {
    this.engine.onTurnEvent(e);
  }

  /**
   * The caller speaks `text`: speech start, audio (300 ms a word), silence start, and unless
   * `end: false`, turn end. The STT stand-in transcribes it as `text`.
   */
  speak(text: string, options: { end?: boolean } = {}): void {
    this.said.push(text);
    const now = this.clock.now();
    this.event({ type: 'speech_start', atMs: now });
    const frames = Math.max(25, Math.ceil((text.split(/\s+/).length * 300) / 20));
    const frame = new Int16Array(320).fill(800);
    for (let i = 0; i < frames; i++) this.engine.pushCallerAudio(frame);
    this.#lastVoicedMs = now;
    this.event({ type: 'silence_start', atMs: now, lastVoicedMs: now });
    if (options.end !== false) this.endTurn();
  }

  #lastVoicedMs = 0;

  /** The turn ends (silence timeout reached); answer latency counts from the last voiced frame. */
  endTurn(): void {
    this.event({ type: 'turn_end', atMs: this.clock.now(), lastVoicedMs: this.#lastVoicedMs });
  }

  /** The session's barge-in: clear outbound, then tell the engine. */
  bargeIn(): void {
    this.outbound.clear();
    const now = this.clock.now();
    this.event({ type: 'bargein', atMs: now, onsetMs: now });
  }

  /** Advances the call clock and plays the outbound queue in 20 ms steps. */
  advance(ms: number): void {
    for (let t = 0; t < ms; t += 20) {
      const step = Math.min(20, ms - t);
      this.outbound.play(step);
      this.clock.advance(step);
    }
  }

  /** Everything sent to TTS, in order. */
  spoken(): string[] {
    return this.tts.requests.map((r) => r.text);
  }

  /** Messages persisted through control. */
  messages(): Message[] {
    return this.control.events.flatMap((e) => (e.type === 'message_added' ? [e.message] : []));
  }

  eventsOf<T extends ConversationEvent['type']>(type: T): Array<Extract<ConversationEvent, { type: T }>> {
    return this.control.events.filter((e): e is Extract<ConversationEvent, { type: T }> => e.type === type);
  }

  /** Tool calls and their results, from the persisted assistant messages. */
  toolResults(): Array<{ name: string; content: string; args: string }> {
    return this.messages().flatMap((m) => m.tool_calls.map((t) => ({ name: t.function_name, content: t.content, args: t.function_arguments })));
  }

  /** Waits (polling real time, no fixed sleep) until `check` passes. */
  async until(check: () => void | boolean, timeoutMs = 15_000): Promise<void> {
    await vi.waitFor(
      () => {
        if (check() === false) throw new Error(`not yet: ${check.toString().slice(0, 160)}`);
      },
      { timeout: timeoutMs, interval: 5 },
    );
  }

  /** Like `until`, playing 100 ms of outbound audio (and clock) between checks. */
  async playUntil(check: () => boolean, timeoutMs = 15_000): Promise<void> {
    await this.until(() => {
      if (check()) return true;
      this.advance(100);
      return false;
    }, timeoutMs);
  }

  /** Waits until `n` answer turns have finished (each posts its timings). */
  async turns(n: number): Promise<void> {
    await this.until(() => this.eventsOf('turn_timings').length >= n);
  }

  async close(): Promise<void> {
    this.call.abort(new Error('test over'));
    await this.engine.close();
    await Promise.all([this.llm.close(), this.stt.close(), this.tts.close(), this.control.close()]);
    if (this.#docsDir) rmSync(this.#docsDir, { recursive: true, force: true });
  }
}
