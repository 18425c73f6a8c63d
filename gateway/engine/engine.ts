/**
 * The conversation engine of one call: greeting / IVR / recap, caller turns from the session's
 * turn events and STT, speculative answers started as silence begins, answers with tools,
 * barge-in truncation, answer timeouts, silence prompts and hang-up. Owns its turns, STT stream,
 * TTS provider, timers and event log; `close()` ends all of them.
 */
import type { Config, LanguageEntry } from '../../control/contract/index.ts';
import type { CallEngine, EnginePorts, TurnEvent } from '../call/engine-port.ts';
import type { Llm } from '../providers/llm/index.ts';
import type { DocumentSearch } from '../providers/rag/index.ts';
import type { SttProvider, SttStream } from '../providers/stt/index.ts';
import type { TimerHandle, Timers } from '../providers/timers.ts';
import type { TtsProvider, TtsVoice } from '../providers/tts/index.ts';
import { AnswerTurn, type AnswerDeps, type AnswerOutcome } from './answer.ts';
import { AnswerTimeoutError, BargeInError, CallEndedError, SpeculationDiscardedError } from './errors.ts';
import { EventLog } from './event-log.ts';
import { callLanguages, languageFromDigit, languageFromSpeech, normalize, type CallLanguageSet } from './languages.ts';
import type { EngineLogger } from './logger.ts';
import { classify, moderateWithLlm, type ModerationVerdict } from './moderation.ts';
import { persistAnswer, persistPhrase, recordStages, turnTimings } from './persist.ts';
import { speakPhrases, recapSummary, type PhraseItem } from './phrase-turn.ts';
import { Phrases } from './phrases.ts';
import { buildContext, systemPrompt } from './prompts.ts';
import type { SpeakerDeps } from './speaker.ts';
import { ConversationState } from './state.ts';
import { llmTools, type ToolRuntime } from './tools/index.ts';
import { CallerTranscript } from './transcript.ts';

/** What the engine is built from (the factory fills it from configuration). */
export interface EngineDeps {
  readonly config: Config;
  readonly llm: Llm;
  readonly stt: SttProvider;
  /** The TTS of this call (one per call: Azure keeps a connection). */
  readonly tts: TtsProvider;
  readonly search: DocumentSearch | undefined;
  readonly timers: Timers;
  readonly log: EngineLogger;
  /** Wall clock for dates in prompts, messages and reminders. */
  readonly wallClock: () => Date;
  /** Phrase choice (tests pass a constant). */
  readonly random: () => number;
}

/** A speculative answer and the transcript it answers. */
interface Speculation {
  readonly turn: AnswerTurn;
  readonly normalized: string;
  readonly run: Promise<AnswerOutcome>;
}

/** Events posted after the call ended have this long to reach control. */
const CLOSE_FLUSH_MS = 3000;

export class ConversationEngine implements CallEngine {
  readonly state: ConversationState;
  readonly #ports: EnginePorts;
  readonly #deps: EngineDeps;
  readonly #features: Config['features'];
  readonly #life = new AbortController();
  readonly #events: EventLog;
  readonly #phrases: Phrases;
  readonly #langs: CallLanguageSet;
  readonly #stt: SttStream;
  readonly #transcript: CallerTranscript;
  readonly #tools = llmTools();
  readonly #nonce = Math.random().toString(36).slice(2, 8);
  #seq = 0;
  #segment = 0;
  #phase: 'starting' | 'ivr' | 'listening' | 'ended' = 'starting';
  #ivrAttempts = 0;
  /** The turn being spoken (answer or phrase). */
  #current: { readonly abort: (reason: unknown) => void; done: Promise<void> } | undefined;
  #speculation: Speculation | undefined;
  #queued: string[] = [];
  #inSilence = false;
  #silenceTimer: TimerHandle | undefined;
  #silencePrompts = 0;
  #closing: Promise<void> | undefined;

  constructor(ports: EnginePorts, deps: EngineDeps) {
    this.#ports = ports;
    this.#deps = deps;
    this.#features = deps.config.features;
    const context = ports.context;
    const onCallEnd = () => void this.close();
    if (ports.signal.aborted) queueMicrotask(onCallEnd);
    else ports.signal.addEventListener('abort', onCallEnd, { once: true });
    this.#events = new EventLog(ports.control, context.call_id, this.#life.signal, deps.log);
    this.#langs = callLanguages(context, deps.config.conversation);
    this.state = new ConversationState(context, this.#langs.initial, this.#events, deps.wallClock);
    const i = context.initiate;
    this.#phrases = new Phrases(deps.config.conversation.phrases, deps.config.conversation.default_lang, { bot_name: i.bot_name, bot_company: i.bot_company }, deps.random);
    this.#transcript = new CallerTranscript(() => ports.now());
    this.#transcript.onChange = () => {
      if (this.#inSilence && this.#canSpeculate()) this.#speculate();
    };
    this.#stt = deps.stt.open({
      lang: this.state.lang.short_code,
      callId: context.call_id,
      onResult: (r) => this.#transcript.push(r),
      onError: (error) => deps.log.error({ err: error, stt: deps.stt.name }, 'speech recognition failed'),
    });
  }

  async start(): Promise<void> {
    if (this.#phase !== 'starting') return;
    this.#deps.tts.prepare?.(this.#voice(), this.#ports.outbound.sampleRateHz);
    const context = this.#ports.context;
    if (this.#langs.availables.length > 1 && !context.resumed && context.lang_short_code === undefined) {
      this.#phase = 'ivr';
      this.#sayIvr();
      return;
    }
    this.#phase = 'listening';
    if (context.resumed) this.#say([{ kind: 'recap', extra: { summary: recapSummary(this.state) } }], { persist: true });
    else this.#say([{ kind: 'hello' }], { persist: true });
  }

  pushCallerAudio(pcm16k: Int16Array): void {
    if (this.#phase !== 'ended') this.#stt.write(pcm16k);
  }

  onTurnEvent(event: TurnEvent): void {
    if (this.#phase === 'ended') return;
    switch (event.type) {
      case 'speech_start':
        this.#inSilence = false;
        this.#discardSpeculation(new SpeculationDiscardedError('speech_resumed'));
        this.#clearSilenceTimer();
        this.#silencePrompts = 0;
        this.#stt.speechStarted();
        return;
      case 'silence_start':
        this.#inSilence = true;
        this.#stt.speechEnded();
        if (this.#canSpeculate()) this.#speculate();
        return;
      case 'speech_resumed':
        this.#inSilence = false;
        this.#discardSpeculation(new SpeculationDiscardedError('speech_resumed'));
        this.#stt.speechStarted();
        return;
      case 'turn_end':
        this.#inSilence = false;
        void this.#guard(this.#onTurnEnd(event), 'turn end');
        return;
      case 'bargein':
        this.#current?.abort(new BargeInError());
        return;
      case 'dtmf':
        if (this.#phase === 'ivr') {
          const lang = languageFromDigit(event.digit, this.#langs.availables);
          if (lang) this.#chooseLanguage(lang);
        }
        return;
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    this.#phase = 'ended';
    this.#clearSilenceTimer();
    this.#discardSpeculation(new CallEndedError());
    const current = this.#current;
    current?.abort(new CallEndedError());
    // Stops everything else the call started (actions in flight, phrases, event sending)…
    this.#life.abort(new CallEndedError());
    // …and the aborted turn stores what was heard before the log closes.
    await current?.done.catch(() => undefined);
    await Promise.allSettled([this.#stt.close(), this.#deps.tts.close()]);
    await this.#events.close(CLOSE_FLUSH_MS);
  }

  async #onTurnEnd(event: Extract<TurnEvent, { type: 'turn_end' }>): Promise<void> {
    await this.#transcript.settle(this.#stt, this.#deps.timers, this.#features.recognition_stt_complete_timeout_ms, this.#life.signal);
    if (this.#phase === 'ended') return;
    const text = this.#transcript.text;
    const finalAt = this.#transcript.lastFinalAt;
    this.#transcript.reset();
    const sttFinalMs = finalAt === undefined ? undefined : Math.max(0, finalAt - event.lastVoicedMs);
    if (sttFinalMs !== undefined) this.#ports.recordStage('call.stt.final.latency', sttFinalMs);
    if (text === '') {
      this.#discardSpeculation(new SpeculationDiscardedError('empty'));
      this.#armSilenceTimer();
      return;
    }
    if (this.#phase === 'ivr') return this.#ivrAnswer(text);
    if (this.#current) {
      // The caller spoke (below the barge-in threshold) while the agent was talking: answer next.
      this.#discardSpeculation(new SpeculationDiscardedError('transcript_changed'));
      this.#queued.push(text);
      return;
    }
    const verdict = await this.#moderate(text);
    if (this.#ended()) return;
    if (verdict.flagged) {
      this.#discardSpeculation(new SpeculationDiscardedError('transcript_changed'));
      this.#deps.log.warn({ category: verdict.category }, 'caller turn refused by moderation');
      const id = this.#nextId();
      this.state.addMessage(`${id}:human`, { persona: 'human', action: 'talk', content: text, style: 'none', tool_calls: [] }, { excluded: true });
      this.#say([{ kind: 'refusal' }], { persist: true, excluded: true, id });
      return;
    }
    const metrics = { endpointMs: event.atMs - event.lastVoicedMs, sttFinalMs, lastVoicedMs: event.lastVoicedMs };
    const spec = this.#speculation;
    this.#speculation = undefined;
    if (spec && spec.normalized === normalize(text) && !spec.turn.signal.aborted) {
      this.#track(spec.turn, spec.run, text, metrics);
      spec.turn.commit();
      return;
    }
    spec?.turn.abort(new SpeculationDiscardedError('transcript_changed'));
    const turn = this.#newAnswer(text, false);
    this.#track(turn, turn.run(), text, metrics);
  }

  #canSpeculate(): boolean {
    return this.#features.speculative_turns && this.#phase === 'listening' && this.#current === undefined;
  }

  /** Patterns first; then, if configured, the model (fails open). */
  async #moderate(text: string): Promise<ModerationVerdict> {
    const m = this.#deps.config.conversation.moderation;
    if (!m.enabled) return { flagged: false };
    const verdict = classify(text);
    if (verdict.flagged || !m.llm_check) return verdict;
    return moderateWithLlm(this.#deps.llm, text, this.#life.signal);
  }

  /** Starts (or keeps, or restarts) the speculative answer on the current transcript. */
  #speculate(): void {
    const text = this.#transcript.text;
    const normalized = normalize(text);
    if (this.#speculation?.normalized === normalized) return;
    this.#discardSpeculation(new SpeculationDiscardedError('transcript_changed'));
    if (normalized === '' || classify(text).flagged) return;
    const turn = this.#newAnswer(text, true);
    this.#speculation = { turn, normalized, run: turn.run() };
  }

  #discardSpeculation(reason: unknown): void {
    this.#speculation?.turn.abort(reason);
    this.#speculation = undefined;
  }

  #newAnswer(text: string, speculative: boolean): AnswerTurn {
    const historyLength = this.state.messages.length;
    const deps: AnswerDeps = {
      llm: this.#deps.llm,
      tools: this.#tools,
      speaker: this.#speakerDeps(),
      timers: this.#deps.timers,
      state: this.state,
      phrases: this.#phrases,
      buildMessages: (pending) =>
        buildContext(systemPrompt(this.#deps.config.conversation, this.#ports.context, this.state, this.#deps.wallClock()), this.state, this.#contextTokens, pending, historyLength),
      toolRuntime: (signal) => this.#toolRuntime(signal),
      voice: () => this.#voice(),
      maxToolRounds: this.#deps.config.conversation.max_tool_rounds,
      softTimeoutMs: this.#features.answer_soft_timeout_sec * 1000,
      hardTimeoutMs: this.#features.answer_hard_timeout_sec * 1000,
      tier: this.#features.slow_llm_for_chat ? 'slow' : 'fast',
    };
    return new AnswerTurn(deps, this.#nextId(), text, speculative, this.#life.signal);
  }

  /** Makes `turn` the current one: stores the caller's words, then what was heard once it ends. */
  #track(turn: AnswerTurn, run: Promise<AnswerOutcome>, text: string, m: { endpointMs: number; sttFinalMs: number | undefined; lastVoicedMs: number }): void {
    this.#clearSilenceTimer();
    this.state.addMessage(`${turn.id}:human`, { persona: 'human', action: 'talk', content: text, style: 'none', tool_calls: [] });
    const done = run.then((outcome) => this.#finishAnswer(turn, outcome, m));
    this.#current = { abort: (reason) => turn.abort(reason), done };
    void this.#guard(done.finally(() => this.#afterTurn(done)), 'answer');
  }

  async #finishAnswer(turn: AnswerTurn, outcome: AnswerOutcome, m: { endpointMs: number; sttFinalMs: number | undefined; lastVoicedMs: number }): Promise<void> {
    const reason = outcome.kind === 'aborted' ? outcome.reason : undefined;
    const bargein = reason instanceof BargeInError;
    persistAnswer(this.state, turn);
    const answerLatencyMs = recordStages(turn, m.lastVoicedMs, (metric, ms) => this.#ports.recordStage(metric, ms));
    this.#events.post({ event_id: `${turn.id}:timings`, type: 'turn_timings', timings: turnTimings(turn, { ...m, answerLatencyMs, bargein }) });
    if (outcome.kind === 'failed' || reason instanceof AnswerTimeoutError) {
      this.#deps.log.error({ err: outcome.kind === 'failed' ? outcome.error : reason }, 'answer failed; apologizing');
      if (this.#phase === 'ended') return;
      // The apology belongs to this turn: a barge-in over it cuts it like the answer.
      const controller = new AbortController();
      if (this.#current) this.#current = { abort: (r) => controller.abort(r), done: this.#current.done };
      await this.#speakNow([{ kind: 'error' }], { persist: false }, controller);
      return;
    }
    if (turn.end === 'transfer') return this.#hangup('transfer');
    if (turn.end === 'agent_hangup' && outcome.kind === 'done') return this.#hangup('agent_hangup');
  }

  #afterTurn(done: Promise<void>): void {
    if (this.#current?.done !== done) return;
    this.#current = undefined;
    if (this.#phase === 'ended') return;
    const queued = this.#queued.splice(0).join(' ');
    if (queued !== '') {
      const turn = this.#newAnswer(queued, false);
      const now = this.#ports.now();
      this.#track(turn, turn.run(), queued, { endpointMs: 0, sttFinalMs: undefined, lastVoicedMs: now });
      return;
    }
    this.#armSilenceTimer();
  }

  /** Speaks configured phrases as the current turn (greeting, prompts, refusal, goodbye). */
  #say(items: readonly PhraseItem[], o: { persist: boolean; excluded?: boolean; id?: string }): Promise<void> {
    this.#clearSilenceTimer();
    const controller = new AbortController();
    const done = this.#speakNow(items, o, controller);
    this.#current = { abort: (reason) => controller.abort(reason), done };
    void this.#guard(done.finally(() => this.#afterTurn(done)), 'phrase');
    return done;
  }

  /** Speaks phrases and resolves once they are heard (or cut by barge-in). */
  async #speakNow(items: readonly PhraseItem[], o: { persist: boolean; excluded?: boolean; id?: string }, controller = new AbortController()): Promise<void> {
    const id = o.id ?? this.#nextId();
    const onEnd = () => controller.abort(this.#life.signal.reason);
    if (this.#life.signal.aborted) onEnd();
    else this.#life.signal.addEventListener('abort', onEnd, { once: true });
    const speaker = await speakPhrases(this.#speakerDeps(), this.#phrases, this.state, id, items, controller.signal);
    this.#life.signal.removeEventListener('abort', onEnd);
    if (o.persist) persistPhrase(this.state, `${id}:phrase`, speaker, o.excluded ?? false);
  }

  #sayIvr(): void {
    this.#say(
      this.#langs.availables.map((lang, i) => ({ kind: 'ivr_language' as const, lang, extra: { digit: String(i + 1), language: lang.pronunciations_en[0] ?? lang.short_code } })),
      { persist: false },
    );
  }

  #ivrAnswer(text: string): void {
    const lang = languageFromSpeech(text, this.#langs.availables);
    if (lang) return this.#chooseLanguage(lang);
    if (++this.#ivrAttempts >= 2) return this.#chooseLanguage(this.#langs.initial);
    this.#sayIvr();
  }

  #chooseLanguage(lang: LanguageEntry): void {
    if (this.#phase !== 'ivr') return;
    this.#phase = 'listening';
    this.#current?.abort(new BargeInError());
    if (lang.short_code !== this.state.lang.short_code) this.#switchLanguage(lang, `${this.#nextId()}:lang`);
    void this.#guard((this.#current?.done ?? Promise.resolve()).then(() => this.#say([{ kind: 'hello' }], { persist: true })), 'greeting');
  }

  #switchLanguage(lang: LanguageEntry, eventId: string): void {
    this.state.setLanguage(eventId, lang);
    this.#stt.setLanguage(lang.short_code);
    this.#deps.tts.prepare?.(this.#voice(), this.#ports.outbound.sampleRateHz);
  }

  #armSilenceTimer(): void {
    this.#clearSilenceTimer();
    const ms = this.#features.phone_silence_timeout_sec * 1000;
    if (ms <= 0 || this.#phase === 'ended' || this.#current) return;
    this.#silenceTimer = this.#deps.timers.setTimeout(() => this.#onSilence(), ms);
  }

  #clearSilenceTimer(): void {
    this.#deps.timers.clearTimeout(this.#silenceTimer);
    this.#silenceTimer = undefined;
  }

  #onSilence(): void {
    this.#silenceTimer = undefined;
    if (this.#current || this.#phase === 'ended') return;
    if (this.#phase === 'ivr') return this.#chooseLanguage(this.#langs.initial);
    if (this.#silencePrompts < this.#features.recognition_retry_max) {
      this.#silencePrompts++;
      this.#say([{ kind: 'timeout_silence' }], { persist: false });
      return;
    }
    // Goodbye, then hang up once it has been heard (the phrase resolves after playout).
    void this.#guard(this.#say([{ kind: 'goodbye' }], { persist: true }).then(() => this.#hangup('timeout')), 'goodbye');
  }

  #hangup(reason: 'agent_hangup' | 'timeout' | 'transfer' | 'error'): void {
    if (this.#phase === 'ended') return;
    this.#phase = 'ended';
    this.#clearSilenceTimer();
    this.#ports.hangup(reason);
  }

  #toolRuntime(signal: AbortSignal): ToolRuntime {
    const callId = this.#ports.context.call_id;
    return {
      state: this.state,
      phrases: this.#phrases,
      languages: this.#langs.availables,
      agentPhoneNumber: this.#ports.context.initiate.agent_phone_number,
      search: this.#deps.search,
      searchTopK: this.#deps.config.rag.top_k,
      // Call actions outlive a barge-in (a transfer or an SMS under way completes); only the call's end stops them.
      act: (action, actionId) => this.#ports.control.act(callId, { action_id: actionId, action }, this.#life.signal),
      switchLanguage: (lang, eventId) => this.#switchLanguage(lang, eventId),
      signal,
    };
  }

  #speakerDeps(): SpeakerDeps {
    return { tts: this.#deps.tts, outbound: this.#ports.outbound, now: () => this.#ports.now(), log: this.#deps.log, nextSegmentId: () => ++this.#segment };
  }

  #voice(): TtsVoice {
    const l = this.state.lang;
    return { lang: l.short_code, voice: l.voice, customVoiceEndpointId: l.custom_voice_endpoint_id };
  }

  /** The smaller window of the two models: the answer may come from either (fallback). */
  get #contextTokens(): number {
    return Math.min(this.#deps.config.llm.fast.context_tokens, this.#deps.config.llm.slow.context_tokens);
  }

  #ended(): boolean {
    return this.#phase === 'ended';
  }

  #nextId(): string {
    return `${this.#nonce}-${++this.#seq}`;
  }

  async #guard(p: Promise<unknown>, what: string): Promise<void> {
    try {
      await p;
    } catch (error) {
      if (!this.#life.signal.aborted) this.#deps.log.error({ err: error }, `engine ${what} failed`);
    }
  }
}
