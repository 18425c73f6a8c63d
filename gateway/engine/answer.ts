/**
 * One answer of the agent: the LLM streams, its text is cut into sentences that go to TTS at
 * once, tool calls run (each announced by a short line) and their results go back to the model,
 * for a few rounds at most. A speculative answer runs the same way but holds its audio and
 * does not run tools until `commit()`. Soft and hard timeouts start at commit.
 */
import type { Style } from '../../control/contract/index.ts';
import type { Llm, LlmMessage, LlmTool } from '../providers/llm/index.ts';
import type { Timers, TimerHandle } from '../providers/timers.ts';
import type { TtsVoice } from '../providers/tts/index.ts';
import { AnswerTimeoutError } from './errors.ts';
import type { Phrases } from './phrases.ts';
import { SentenceSplitter } from './sentence-splitter.ts';
import { Speaker, type SpeakerDeps } from './speaker.ts';
import type { ConversationState } from './state.ts';
import { applyStyle } from './style.ts';
import { ANNOUNCED, customerResponseOf, runTool, type ToolRuntime } from './tools/index.ts';

/** A tool call of a round, with what it returned. */
export interface ToolRecord {
  readonly id: string;
  readonly name: string;
  readonly args: string;
  result: string;
}

/** One LLM round: its raw text and its tool calls. */
export interface RoundRecord {
  text: string;
  readonly tools: ToolRecord[];
}

export interface AnswerDeps {
  readonly llm: Llm;
  readonly tools: readonly LlmTool[];
  readonly speaker: SpeakerDeps;
  readonly timers: Timers;
  readonly state: ConversationState;
  readonly phrases: Phrases;
  /** Context for the model with this turn's messages last. */
  readonly buildMessages: (pending: readonly LlmMessage[]) => LlmMessage[];
  readonly toolRuntime: (signal: AbortSignal) => ToolRuntime;
  readonly voice: () => TtsVoice;
  readonly maxToolRounds: number;
  readonly softTimeoutMs: number;
  readonly hardTimeoutMs: number;
  readonly tier: 'fast' | 'slow';
}

/** Stage timings of a turn (call-clock ms). */
export interface AnswerTimings {
  requestAt?: number;
  ttftMs?: number;
  firstSentenceMs?: number;
  ttsTtfbMs?: number;
  firstWriteAt?: number;
}

export type AnswerOutcome = { kind: 'done' } | { kind: 'aborted'; reason: unknown } | { kind: 'failed'; error: unknown };

export class AnswerTurn {
  readonly controller = new AbortController();
  readonly speaker: Speaker;
  readonly rounds: RoundRecord[] = [];
  readonly timings: AnswerTimings = {};
  /** Set when a tool ended the conversation. */
  end: 'agent_hangup' | 'transfer' | undefined;
  #committed = false;
  #commit!: () => void;
  readonly #commitGate = new Promise<void>((resolve) => (this.#commit = resolve));
  #style: Style = 'none';
  #soft: TimerHandle | undefined;
  #hard: TimerHandle | undefined;

  constructor(
    readonly deps: AnswerDeps,
    readonly id: string,
    readonly userText: string,
    readonly speculative: boolean,
    parentSignal: AbortSignal,
  ) {
    const onParentAbort = () => this.controller.abort(parentSignal.reason);
    if (parentSignal.aborted) onParentAbort();
    else parentSignal.addEventListener('abort', onParentAbort, { once: true });
    this.controller.signal.addEventListener('abort', () => parentSignal.removeEventListener('abort', onParentAbort), { once: true });
    const speakerDeps: SpeakerDeps = {
      ...deps.speaker,
      onFirstWrite: (at, piece) => {
        if (piece.kind !== 'filler') this.timings.firstWriteAt ??= at;
      },
      onTtsFirstByte: (ms) => (this.timings.ttsTtfbMs ??= ms),
    };
    this.speaker = new Speaker(speakerDeps, id, this.controller.signal, { gated: speculative });
    if (!speculative) this.commit();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get committed(): boolean {
    return this.#committed;
  }

  /** Confirms the turn: held audio goes out, tools may run, timeouts start. */
  commit(): void {
    if (this.#committed) return;
    this.#committed = true;
    this.speaker.release();
    this.#commit();
    const { timers, softTimeoutMs, hardTimeoutMs } = this.deps;
    if (softTimeoutMs > 0) {
      this.#soft = timers.setTimeout(() => {
        if (!this.speaker.has('answer', 'tool', 'phrase')) {
          this.speaker.say(this.deps.phrases.pick('timeout_loading', this.deps.state.lang.short_code), { style: 'none', voice: this.deps.voice(), rate: this.deps.state.rate, kind: 'filler' });
        }
      }, softTimeoutMs);
    }
    if (hardTimeoutMs > 0) {
      this.#hard = timers.setTimeout(() => {
        if (!this.speaker.has('answer', 'tool')) this.abort(new AnswerTimeoutError(hardTimeoutMs));
      }, hardTimeoutMs);
    }
  }

  abort(reason: unknown): void {
    this.controller.abort(reason);
  }

  /** Runs the turn to its end; never throws. */
  async run(): Promise<AnswerOutcome> {
    const signal = this.signal;
    try {
      const pending: LlmMessage[] = [{ role: 'user', content: this.userText }];
      for (let round = 0; round < this.deps.maxToolRounds && this.end === undefined; round++) {
        const record = await this.#round(round, pending, signal);
        if (record.tools.length === 0) break;
        await this.#untilCommitted(signal);
        await this.#runTools(round, record, signal);
        pending.push(
          { role: 'assistant', content: record.text === '' ? null : record.text, tool_calls: record.tools.map((t) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.args } })) },
          ...record.tools.map((t) => ({ role: 'tool' as const, tool_call_id: t.id, content: t.result })),
        );
      }
      await this.#untilCommitted(signal);
      await this.speaker.finish();
      if (signal.aborted) return { kind: 'aborted', reason: signal.reason };
      return { kind: 'done' };
    } catch (error) {
      if (signal.aborted) return { kind: 'aborted', reason: signal.reason };
      return { kind: 'failed', error };
    } finally {
      this.deps.timers.clearTimeout(this.#soft);
      this.deps.timers.clearTimeout(this.#hard);
    }
  }

  async #round(round: number, pending: readonly LlmMessage[], signal: AbortSignal): Promise<RoundRecord> {
    const record: RoundRecord = { text: '', tools: [] };
    this.rounds.push(record);
    const splitter = new SentenceSplitter();
    const now = this.deps.speaker.now;
    const requestAt = now();
    if (round === 0) this.timings.requestAt = requestAt;
    const stream = this.deps.llm.stream({ messages: this.deps.buildMessages(pending), tools: this.deps.tools }, signal, { tier: this.deps.tier });
    for await (const event of stream) {
      if (round === 0) this.timings.ttftMs ??= now() - requestAt;
      if (event.type === 'text') {
        record.text += event.text;
        for (const piece of splitter.push(event.text)) this.#emit(piece, round);
      } else if (event.type === 'tool_call') {
        record.tools.push({ id: event.id, name: event.name, args: event.arguments, result: '' });
      }
    }
    const rest = splitter.flush();
    if (rest !== undefined) this.#emit(rest, round);
    return record;
  }

  #emit(piece: string, round: number): void {
    const styled = applyStyle(piece, this.#style);
    this.#style = styled.next;
    if (styled.text === '') return;
    if (this.timings.requestAt !== undefined) this.timings.firstSentenceMs ??= this.deps.speaker.now() - this.timings.requestAt;
    this.speaker.say(styled.text, { style: styled.style, voice: this.deps.voice(), rate: this.deps.state.rate, kind: 'answer', round });
  }

  async #runTools(round: number, record: RoundRecord, signal: AbortSignal): Promise<void> {
    const runtime = this.deps.toolRuntime(signal);
    for (let i = 0; i < record.tools.length; i++) {
      const tool = record.tools[i] as ToolRecord;
      if (ANNOUNCED.has(tool.name as never)) this.#sayTool(customerResponseOf(tool.args), round);
      const outcome = await runTool(tool.name, tool.args, `${this.id}:r${round}:t${i}`, runtime);
      tool.result = outcome.content;
      if (outcome.say) this.#sayTool(outcome.say, round);
      if (outcome.end) {
        this.end = outcome.end;
        // Calls after an ending tool are not run: say so to keep the history consistent.
        for (const rest of record.tools.slice(i + 1)) rest.result = 'Not run: the call ended.';
        return;
      }
    }
  }

  #sayTool(text: string | undefined, round: number): void {
    if (text === undefined) return;
    const styled = applyStyle(text, this.#style);
    this.speaker.say(styled.text, { style: styled.style, voice: this.deps.voice(), rate: this.deps.state.rate, kind: 'tool', round });
  }

  #untilCommitted(signal: AbortSignal): Promise<void> {
    if (this.#committed) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      void this.#commitGate.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }
}
