import { describe, expect, it } from 'vitest';
import { turnBars } from './waterfall.tsx';

describe('turnBars', () => {
  it('ends TTS at the answer latency and the first sentence where TTS starts', () => {
    const bars = Object.fromEntries(
      turnBars({ turn_id: 't', endpoint_ms: 500, stt_final_ms: 120, llm_ttft_ms: 200, llm_first_sentence_ms: 300, tts_ttfb_ms: 100, answer_latency_ms: 900 }).map((b) => [b.stage, [b.startMs, b.endMs]]),
    );
    expect(bars).toEqual({ endpoint: [0, 500], stt: [0, 120], ttft: [500, 700], sentence: [500, 800], tts: [800, 900], answer: [0, 900] });
  });

  it('shows a speculative start as an LLM bar overlapping the silence wait', () => {
    const bars = turnBars({ turn_id: 't', endpoint_ms: 500, llm_first_sentence_ms: 300, tts_ttfb_ms: 100, answer_latency_ms: 600 });
    expect(bars.find((b) => b.stage === 'sentence')).toMatchObject({ startMs: 200, endMs: 500 });
  });

  it('lays stages out in sequence when the answer latency is missing, and draws nothing without timings', () => {
    const bars = turnBars({ turn_id: 't', endpoint_ms: 500, stt_final_ms: 600, llm_ttft_ms: 100, tts_ttfb_ms: 50 });
    expect(bars.find((b) => b.stage === 'ttft')).toMatchObject({ startMs: 600, endMs: 700 });
    expect(bars.find((b) => b.stage === 'tts')).toMatchObject({ startMs: 700, endMs: 750 });
    expect(turnBars({ turn_id: 'empty' })).toEqual([]);
  });
});
