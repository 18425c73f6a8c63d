/**
 * CPU time and resident memory of a process read from `/proc` (Linux), so a bench can charge the
 * gateway's own process for its CPU and memory while callers run elsewhere.
 */
import { readFileSync } from 'node:fs';

/** A reading of one process. */
export interface ProcSample {
  /** Wall clock of the reading (ms, `performance.now()`). */
  readonly atMs: number;
  /** User + system CPU time consumed so far (ms). */
  readonly cpuMs: number;
  /** Resident set size (MB). */
  readonly rssMb: number;
}

/** Clock ticks per second of `/proc/<pid>/stat` times; 100 on every Linux we run on. */
const CLK_TCK = 100;

/**
 * Reads CPU time and RSS of `pid` (default: this process).
 * @throws when the process is gone or `/proc` is unavailable.
 */
export function readProc(pid: number = process.pid): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmRSS:\s+(\d+) kB/.exec(status);
  return { atMs: performance.now(), cpuMs: ((utime + stime) * 1000) / CLK_TCK, rssMb: rss ? Number(rss[1]) / 1024 : Number.NaN };
}

/** CPU use between two readings, in percent of one core. */
export function cpuPercent(before: ProcSample, after: ProcSample): number {
  const wall = after.atMs - before.atMs;
  return wall > 0 ? ((after.cpuMs - before.cpuMs) / wall) * 100 : Number.NaN;
}
