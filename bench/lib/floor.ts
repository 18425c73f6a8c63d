/**
 * The answer-latency floor: what the stand-ins and the silence wait cost by configuration, so the
 * gateway's own share is what remains of a measured latency.
 */
import { tokenize } from '../standins/index.ts';
import type { StackTiming } from '../harness/stack.ts';

/** One configured stage of the floor. */
export interface FloorStage {
  readonly name: string;
  readonly ms: number;
}

/**
 * Tokens up to and including the end of the reply's first sentence (the piece the engine sends to
 * TTS first), as the LLM stand-in streams them.
 * @example firstSentenceTokens('I see! Let me check.') === 2
 */
export function firstSentenceTokens(reply: string): number {
  const tokens = tokenize(reply);
  for (let i = 0; i < tokens.length; i++) if (/[.!?…]["'”’»)\]]*\s*$/.test(tokens[i]!)) return i + 1;
  return tokens.length;
}

/**
 * Floor of one answer = silence timeout + STT final delay + LLM time to the first sentence
 * (TTFT, then one token every 1/rate) + TTS time to first byte. `pipelinedFloorMs` is the same
 * with the STT final overlapping the silence wait (what a gateway that ends the STT utterance as
 * silence begins can reach without speculation); `speculativeFloorMs` is the best a gateway that
 * starts the LLM on the partial transcript as silence begins can reach.
 */
export function latencyFloor(timing: StackTiming, reply: string): { floorMs: number; pipelinedFloorMs: number; speculativeFloorMs: number; stages: FloorStage[] } {
  const tokens = firstSentenceTokens(reply);
  const stages: FloorStage[] = [
    { name: 'silence wait', ms: timing.silenceMs },
    { name: 'STT final', ms: timing.sttFinalMs },
    { name: 'LLM first token', ms: timing.llmTtftMs },
    { name: `LLM first sentence (${tokens} tokens)`, ms: ((tokens - 1) * 1000) / timing.llmTokensPerSec },
    { name: 'TTS first byte', ms: timing.ttsTtfbMs },
  ];
  const llmMs = timing.llmTtftMs + ((tokens - 1) * 1000) / timing.llmTokensPerSec;
  // A gateway that asks STT for its final as silence begins waits for the longer of the two only.
  const pipelinedFloorMs = Math.max(timing.silenceMs, timing.sttFinalMs) + llmMs + timing.ttsTtfbMs;
  // Perfect speculation: the answer is ready when the silence wait ends, or when LLM + TTS are done.
  const speculativeFloorMs = Math.max(timing.silenceMs, llmMs + timing.ttsTtfbMs);
  return { floorMs: stages.reduce((s, x) => s + x.ms, 0), pipelinedFloorMs, speculativeFloorMs, stages };
}
