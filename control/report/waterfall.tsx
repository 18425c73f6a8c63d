/**
 * Per-turn latency waterfall: where the time between the end of the caller's speech and the
 * first byte of the answer went (silence wait, STT, LLM first token and first sentence, TTS).
 * Bars are positioned on one time axis per page; stages measured from the LLM's start are placed
 * so that TTS ends at the answer latency, which shows speculative starts as overlaps.
 */
import type { FC } from 'hono/jsx';
import type { TurnTimings } from '../contract/index.ts';

/** One bar: a stage's start and end, in ms after the end of the caller's speech. */
export interface Bar {
  readonly stage: 'endpoint' | 'stt' | 'ttft' | 'sentence' | 'tts' | 'answer';
  readonly label: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** Lays a turn's stages out on the time axis. */
export function turnBars(t: TurnTimings): Bar[] {
  const bars: Bar[] = [];
  if (t.endpoint_ms !== undefined) bars.push({ stage: 'endpoint', label: 'Endpointing (silence)', startMs: 0, endMs: t.endpoint_ms });
  if (t.stt_final_ms !== undefined) bars.push({ stage: 'stt', label: 'STT final', startMs: 0, endMs: t.stt_final_ms });
  const heard = Math.max(t.endpoint_ms ?? 0, t.stt_final_ms ?? 0);
  const sentence = t.llm_first_sentence_ms ?? t.llm_ttft_ms;
  // TTS ends at the answer; the LLM's first sentence ends where TTS starts.
  const ttsEnd = t.answer_latency_ms ?? heard + (sentence ?? 0) + (t.tts_ttfb_ms ?? 0);
  const ttsStart = ttsEnd - (t.tts_ttfb_ms ?? 0);
  const llmStart = Math.max(0, ttsStart - (sentence ?? 0));
  if (t.llm_ttft_ms !== undefined) bars.push({ stage: 'ttft', label: 'LLM first token', startMs: llmStart, endMs: llmStart + t.llm_ttft_ms });
  if (t.llm_first_sentence_ms !== undefined) bars.push({ stage: 'sentence', label: 'LLM first sentence', startMs: llmStart, endMs: llmStart + t.llm_first_sentence_ms });
  if (t.tts_ttfb_ms !== undefined) bars.push({ stage: 'tts', label: 'TTS first byte', startMs: Math.max(0, ttsStart), endMs: ttsEnd });
  if (t.answer_latency_ms !== undefined) bars.push({ stage: 'answer', label: 'Answer latency', startMs: 0, endMs: t.answer_latency_ms });
  return bars;
}

const COLORS: Record<Bar['stage'], string> = { endpoint: '#9aa7bd', stt: '#5b8def', ttft: '#f0a030', sentence: '#e0662f', tts: '#2fa37a', answer: '#1f3a5f' };

const pct = (ms: number, scale: number): string => `${Math.min(100, Math.max(0, (ms / scale) * 100)).toFixed(2)}%`;

/** The waterfall of every turn, on a shared axis. */
export const Waterfall: FC<{ turns: readonly TurnTimings[] }> = ({ turns }) => {
  const laid = turns.map((t) => ({ turn: t, bars: turnBars(t) })).filter((x) => x.bars.length > 0);
  if (laid.length === 0) return <p class="muted">No turn timings were recorded for this call.</p>;
  const scale = Math.max(100, ...laid.flatMap((x) => x.bars.map((b) => b.endMs)));
  return (
    <div>
      <div class="legend">
        {(Object.keys(COLORS) as Bar['stage'][]).map((s) => (
          <span style={`--c:${COLORS[s]}`}>{{ endpoint: 'endpointing', stt: 'STT', ttft: 'LLM 1st token', sentence: 'LLM 1st sentence', tts: 'TTS 1st byte', answer: 'answer' }[s]}</span>
        ))}
        <span class="muted">axis: 0 – {Math.round(scale)} ms after the caller stopped speaking</span>
      </div>
      {laid.map(({ turn, bars }, i) => (
        <div class="wf-turn" data-turn={turn.turn_id}>
          <div class="wf-title">
            Turn {i + 1}
            {turn.answer_latency_ms === undefined ? '' : ` — answered in ${Math.round(turn.answer_latency_ms)} ms`}
            {turn.speculative ? ' · speculative' : ''}
            {turn.bargein ? ' · barge-in' : ''}
          </div>
          {bars.map((b) => (
            <div class="wf-row">
              <span>{b.label}</span>
              <div class="wf-lane">
                <div class={`wf-bar s-${b.stage}`} data-stage={b.stage} style={`left:${pct(b.startMs, scale)};width:${pct(b.endMs - b.startMs, scale)}`} title={`${Math.round(b.startMs)}–${Math.round(b.endMs)} ms`} />
              </div>
              <span class="wf-ms">{Math.round(b.endMs - b.startMs)} ms</span>
            </div>
          ))}
        </div>
      ))}
    </div>
  );
};
