/**
 * Many synthetic callers at once: each gets its own call, voice, first phrase, seed and frame
 * phase; connections are spread over a ramp so they do not all arrive in the same millisecond.
 */
import { runCaller, type CallerOptions, type CallerReport, type CallerUtterance } from './caller.ts';
import type { FramePacer } from './pacer.ts';

/** A call to place: its id and media URL. */
export interface FleetCall {
  readonly callId: string;
  readonly url: string;
}

export interface FleetOptions {
  readonly calls: readonly FleetCall[];
  /** Utterance sets (one per voice); caller `i` uses set `i % sets.length`, starting at phrase `i`. */
  readonly voices: ReadonlyArray<readonly CallerUtterance[]>;
  readonly pacer: FramePacer;
  /** Length of each call (ms). */
  readonly durationMs: number;
  /** Connections are spread evenly over this long (ms). */
  readonly rampMs?: number;
  /** See {@link CallerOptions.onTranscript}. */
  readonly onTranscript?: (callId: string, text: string) => void;
  /** Options applied to every caller. */
  readonly caller?: Partial<Omit<CallerOptions, 'url' | 'callId' | 'utterances' | 'pacer' | 'durationMs' | 'onTranscript' | 'seed' | 'phaseMs'>>;
  /** Seed of the whole run. */
  readonly seed?: number;
  /** Called as each call ends. */
  readonly onReport?: (report: CallerReport) => void;
}

/**
 * Runs every call to its end; resolves with their reports in call order.
 * @example const reports = await runFleet({ calls, voices, pacer, durationMs: 30_000 });
 */
export async function runFleet(options: FleetOptions): Promise<CallerReport[]> {
  const n = options.calls.length;
  const ramp = options.rampMs ?? Math.min(5000, n * 20);
  return Promise.all(
    options.calls.map(async (call, i) => {
      const delay = n > 1 ? (ramp * i) / n : 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const set = options.voices[i % options.voices.length]!;
      const rotated = set.map((_, k) => set[(k + i) % set.length]!);
      const report = await runCaller({
        ...options.caller,
        url: call.url,
        callId: call.callId,
        utterances: rotated,
        pacer: options.pacer,
        durationMs: options.durationMs,
        seed: (options.seed ?? 1) * 7919 + i,
        // Phases spread across the 20 ms period, like independent carrier streams.
        phaseMs: ((i * 20) / Math.max(1, n)) % 20,
        ...(options.onTranscript ? { onTranscript: options.onTranscript } : {}),
      });
      options.onReport?.(report);
      return report;
    }),
  );
}
