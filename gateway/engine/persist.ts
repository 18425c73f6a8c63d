/**
 * What a finished turn leaves in the conversation: per LLM round, one assistant message whose
 * content is what the caller heard (whole sentences, plus the heard prefix of a cut one, marked
 * `interrupted`), with the tool calls that ran; and the turn's stage timings.
 */
import type { Message, TurnTimings } from '../../control/contract/index.ts';
import type { StageMetric } from '../call/engine-port.ts';
import type { AnswerTurn } from './answer.ts';
import type { Speaker } from './speaker.ts';
import type { ConversationState } from './state.ts';

/** Heard text of the `answer` pieces of one round; `interrupted` if a piece was cut. */
export function heardOfRound(speaker: Speaker, round: number): { content: string; interrupted: boolean; style: Message['style'] } {
  const pieces = speaker.pieces.filter((p) => p.round === round && p.kind === 'answer');
  const parts: string[] = [];
  let interrupted = false;
  for (const p of pieces) {
    if (p.audio.failed && p.writtenSamples === 0) continue; // never spoken (TTS failed): not said, not a cut
    const h = speaker.heard(p);
    if (!h.complete) interrupted = true;
    if (h.text !== '') parts.push(h.text);
    if (!h.complete) break; // nothing after a cut piece was heard
  }
  return { content: parts.join(' '), interrupted: interrupted && parts.length > 0, style: pieces[0]?.style ?? 'none' };
}

/** Stores the assistant messages of a committed answer turn, as heard. */
export function persistAnswer(state: ConversationState, turn: AnswerTurn): void {
  turn.rounds.forEach((round, r) => {
    const heard = heardOfRound(turn.speaker, r);
    const tools = round.tools.filter((t) => t.result !== '');
    if (heard.content === '' && tools.length === 0) return;
    state.addMessage(`${turn.id}:a${r}`, {
      persona: 'assistant',
      action: 'talk',
      content: heard.content,
      style: heard.style,
      tool_calls: tools.map((t) => ({ tool_id: t.id, function_name: t.name, function_arguments: t.args, content: t.result })),
      ...(heard.interrupted ? { interrupted: true } : {}),
    });
  });
}

/** Stores a spoken phrase turn (greeting, recap, refusal, goodbye) as heard. */
export function persistPhrase(state: ConversationState, eventId: string, speaker: Speaker, excluded = false): void {
  const heard = heardOfRound(speaker, 0);
  if (heard.content === '') return;
  state.addMessage(eventId, { persona: 'assistant', action: 'talk', content: heard.content, style: heard.style, tool_calls: [], ...(heard.interrupted ? { interrupted: true } : {}) }, { excluded });
}

/** Rounds a duration for the timings event (non-negative, whole ms). */
function ms(v: number | undefined): number | undefined {
  return v === undefined || !Number.isFinite(v) ? undefined : Math.max(0, Math.round(v));
}

/** The `turn_timings` of an answer turn. */
export function turnTimings(turn: AnswerTurn, t: { endpointMs?: number | undefined; sttFinalMs?: number | undefined; answerLatencyMs?: number | undefined; bargein: boolean }): TurnTimings {
  const out: Record<string, unknown> = {
    turn_id: turn.id,
    endpoint_ms: ms(t.endpointMs),
    stt_final_ms: ms(t.sttFinalMs),
    llm_ttft_ms: ms(turn.timings.ttftMs),
    llm_first_sentence_ms: ms(turn.timings.firstSentenceMs),
    tts_ttfb_ms: ms(turn.timings.ttsTtfbMs),
    answer_latency_ms: ms(t.answerLatencyMs),
    speculative: turn.speculative,
    bargein: t.bargein,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as TurnTimings;
}

/**
 * Records a turn's stage latencies (SPEC §6) and returns its answer latency: from the caller's
 * last voiced frame to the first answer audio handed to outbound.
 */
export function recordStages(turn: AnswerTurn, lastVoicedMs: number, record: (metric: StageMetric, ms: number) => void): number | undefined {
  const t = turn.timings;
  const answerLatencyMs = t.firstWriteAt === undefined ? undefined : Math.max(0, t.firstWriteAt - lastVoicedMs);
  if (t.ttftMs !== undefined) record('call.llm.ttft', t.ttftMs);
  if (t.firstSentenceMs !== undefined) record('call.llm.first_sentence.latency', t.firstSentenceMs);
  if (t.ttsTtfbMs !== undefined) record('call.tts.ttfb', t.ttsTtfbMs);
  if (answerLatencyMs !== undefined) record('call.answer.latency', answerLatencyMs);
  return answerLatencyMs;
}
