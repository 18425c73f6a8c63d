import { describe, expect, it } from 'vitest';
import { DEFAULT_TIMING } from '../harness/stack.ts';
import { firstSentenceTokens, latencyFloor } from './floor.ts';

describe('latency floor', () => {
  it('counts the tokens of the first sentence as the stand-in streams them', () => {
    expect(firstSentenceTokens('I am sorry to hear that! Let me note it.')).toBe(6);
    expect(firstSentenceTokens('Okay. Next.')).toBe(1);
    expect(firstSentenceTokens('no terminator here')).toBe(3);
  });

  it('adds silence, STT, LLM to the first sentence and TTS', () => {
    const { floorMs, pipelinedFloorMs, speculativeFloorMs, stages } = latencyFloor(DEFAULT_TIMING, 'I am sorry to hear that! Let me note it.');
    // 500 + 150 + 300 + 5 tokens at 50/s (100) + 120
    expect(floorMs).toBe(1170);
    expect(stages.map((s) => s.ms)).toEqual([500, 150, 300, 100, 120]);
    // STT's 150 ms hide inside the 500 ms silence wait.
    expect(pipelinedFloorMs).toBe(1020);
    // LLM to the first sentence (400) + TTS (120) outlast the silence wait (500).
    expect(speculativeFloorMs).toBe(520);
  });
});
