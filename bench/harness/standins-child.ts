/**
 * The stand-in services (LLM, STT, TTS) as one bench child process. In the callers' process their
 * timers would wait behind a hundred callers' frames, and that delay would be counted as the
 * gateway's; here they keep their configured timing as long as the machine has a core free, and
 * report how late they were. Options come from `BENCH_STANDINS` (JSON {@link StandinsChildOptions}).
 *
 * What each caller will say next reaches the STT stand-in as `transcript` requests: a recognizer
 * utterance takes its text when its first voiced audio arrives, after the caller announced it.
 */
import { startLlmStandin, startSttStandin, startTtsStandin } from '../standins/index.ts';
import type { Lateness } from '../standins/http.ts';
import { round, summarize } from '../lib/stats.ts';
import { serveRequests, type ChildMessage, type LatenessSummary, type StandinLateness } from './ipc.ts';
import { ProcessMonitor } from './process-monitor.ts';

/** The stand-ins' delays and the agent's scripted reply. */
export interface StandinsChildOptions {
  readonly sttFinalMs: number;
  readonly llmTtftMs: number;
  readonly llmTokensPerSec: number;
  readonly ttsTtfbMs: number;
  readonly ttsRealtimeFactor: number;
  /** What the LLM answers every turn. */
  readonly reply: string;
}

async function main(): Promise<void> {
  const o = JSON.parse(process.env.BENCH_STANDINS ?? '{}') as StandinsChildOptions;
  if (typeof o.reply !== 'string') throw new Error('BENCH_STANDINS must name the reply and the delays');
  const said = new Map<string, string>();
  const llm = await startLlmStandin({ ttftMs: o.llmTtftMs, tokensPerSec: o.llmTokensPerSec, respond: () => ({ content: o.reply }) });
  const stt = await startSttStandin({ finalDelayMs: o.sttFinalMs, transcript: (u) => (u.callId === undefined ? '' : (said.get(u.callId) ?? '')) });
  const tts = await startTtsStandin({ ttfbMs: o.ttsTtfbMs, realtimeFactor: o.ttsRealtimeFactor });
  const monitor = new ProcessMonitor();
  // Each `lateness` request covers what came after the previous one (nulls when nothing came).
  const since = (l: Lateness): LatenessSummary => {
    const s = summarize(l.take());
    return { p50: round(s.p50, 2), p99: round(s.p99, 2), max: round(s.max, 2) };
  };
  serveRequests(async (req) => {
    switch (req.type) {
      case 'transcript':
        said.set(req.callId, req.text);
        return true;
      case 'lateness':
        return { stt_final: since(stt.finalLateness), llm_first_token: since(llm.firstTokenLateness), tts_first_byte: since(tts.firstByteLateness) } satisfies StandinLateness;
      case 'stats':
        return monitor.stats();
      case 'reset-stats':
        return monitor.reset();
      case 'close':
        await Promise.all([llm.close(), stt.close(), tts.close()]);
        setImmediate(() => process.exit(0));
        return true;
      default:
        throw new Error(`the stand-ins child does not handle ${req.type}`);
    }
  });
  process.send?.({ type: 'ready', url: llm.url, port: Number(new URL(llm.url).port), urls: { llm: llm.url, stt: stt.url, tts: tts.url } } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies ChildMessage);
  setImmediate(() => process.exit(1));
});
