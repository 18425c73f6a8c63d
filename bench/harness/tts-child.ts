/**
 * The TTS stand-in as a bench child process. Synthesising a sentence blocks for milliseconds; in
 * the callers' process that would delay their frames and skew the very latencies being measured.
 * Options come from `BENCH_TTS` (JSON `TtsStandinOptions`).
 */
import { startTtsStandin, type TtsStandinOptions } from '../standins/index.ts';
import { serveRequests, type ChildMessage } from './ipc.ts';
import { ProcessMonitor } from './process-monitor.ts';

async function main(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_TTS ?? '{}') as TtsStandinOptions;
  const tts = await startTtsStandin(options);
  const monitor = new ProcessMonitor();
  serveRequests(async (req) => {
    switch (req.type) {
      case 'stats':
        return { ...monitor.stats(), requests: tts.requests.length };
      case 'reset-stats':
        return monitor.reset();
      case 'close':
        await tts.close();
        setImmediate(() => process.exit(0));
        return true;
      default:
        throw new Error(`the TTS child does not handle ${req.type}`);
    }
  });
  process.send?.({ type: 'ready', url: tts.url, port: Number(new URL(tts.url).port) } satisfies ChildMessage);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'failed', message: String((error as Error)?.stack ?? error) } satisfies ChildMessage);
  setImmediate(() => process.exit(1));
});
