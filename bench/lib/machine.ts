/**
 * What the machine was doing around a bench run: cores and load average, and warnings when the
 * figures cannot be trusted (other work on the machine, callers that could not keep real time).
 */
import { availableParallelism, loadavg } from 'node:os';

/** Cores and 1-minute load average at the start and end of a run. */
export interface MachineLoad {
  readonly cores: number;
  readonly load_avg_1m: { readonly start: number; readonly end: number };
}

/** Starts watching: call the returned function at the end of the run. */
export function watchMachine(): () => MachineLoad {
  const start = loadavg()[0]!;
  return () => ({ cores: availableParallelism(), load_avg_1m: { start: Math.round(start * 100) / 100, end: Math.round(loadavg()[0]! * 100) / 100 } });
}

/**
 * Reasons the run's figures are skewed (empty when none).
 * @param callerLatenessP99Ms how late the callers sent their frames (p99, ms)
 * @param lateShare share of the gateway's frames that missed their deadline in steady state
 * @param ownProcesses processes of the bench itself (callers, gateway, control, TTS): load up to this is ours
 */
export function runWarnings(machine: MachineLoad, callerLatenessP99Ms: number, lateShare: number | null, ownProcesses: number): string[] {
  const warnings: string[] = [];
  const load = Math.max(machine.load_avg_1m.start, machine.load_avg_1m.end);
  if (load > machine.cores + ownProcesses) warnings.push(`the machine was busy with other work (load average ${load} on ${machine.cores} cores)`);
  if (callerLatenessP99Ms > 20) warnings.push(`the callers could not keep real time (frame send lateness p99 ${callerLatenessP99Ms.toFixed(1)} ms): latencies include the bench's own delay`);
  if (lateShare !== null && lateShare > 0.001) warnings.push(`the gateway missed deadlines on ${(lateShare * 100).toFixed(2)} % of frames: it is overloaded at this call count`);
  return warnings;
}
