/**
 * Starting a bench child process (a `.ts` entry run through tsx) with its output in a log file,
 * waiting for its `ready` message, and stopping it: politely over IPC, then SIGTERM, then SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { closeSync, openSync, readdirSync } from 'node:fs';
import { ChildChannel, type ChildMessage } from './ipc.ts';

/** A started child. */
export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  /** Further URLs the child serves, by name (the stand-ins child's three services). */
  readonly urls: Readonly<Record<string, string>>;
  readonly channel: ChildChannel;
  readonly process: ChildProcess;
  /** Stops the child; idempotent. */
  close(): Promise<void>;
}

/**
 * Spawns `node --import tsx <entry>` with `env` added, output appended to `logFile`, optionally
 * pinned to `cpus` (a `taskset -c` list such as `1` or `0-1`) and run at niceness `nice` (every
 * thread of the child inherits it). Extra Node
 * flags for the children (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the gateway under
 * load) come from `BENCH_CHILD_NODE_FLAGS`, read here because this is the bench's entry side.
 * @throws when the child fails to start or is not ready within `readyTimeoutMs`.
 */
export async function startChild(
  name: string,
  entry: string,
  env: Record<string, string>,
  logFile: string,
  options: { readyTimeoutMs?: number; cpus?: string; nice?: number } = {},
): Promise<BenchChild> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const log = openSync(logFile, 'a');
  const flags = (process.env.BENCH_CHILD_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
  const node = [process.execPath, ...flags, '--import', 'tsx', entry];
  // `taskset -c` pins the child (all its threads) to the given CPUs; `nice -n` lowers their priority.
  const pinned = options.cpus === undefined ? node : ['taskset', '-c', options.cpus, ...node];
  const [command, ...argv] = options.nice === undefined || options.nice === 0 ? pinned : ['nice', '-n', String(options.nice), ...pinned];
  const child = spawn(command!, argv, {
    stdio: ['ignore', log, log, 'ipc'],
    env: { ...process.env, ...env },
  });
  closeSync(log);
  const channel = new ChildChannel(child);
  const ready = await new Promise<{ url: string; port: number; urls: Readonly<Record<string, string>> }>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} not ready within ${readyTimeoutMs} ms (log: ${logFile})`)), readyTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    child.on('message', (raw) => {
      const msg = raw as ChildMessage;
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve({ url: msg.url, port: msg.port, urls: msg.urls ?? {} });
      } else if (msg.type === 'failed') fail(new Error(`${name} failed to start: ${msg.message.split('\n').slice(0, 3).join(' | ')} (log: ${logFile})`));
    });
    child.once('exit', (code, signal) => fail(new Error(`${name} exited (${signal ?? code}) while starting (log: ${logFile})`)));
  });
  let closing: Promise<void> | undefined;
  return {
    name,
    pid: child.pid!,
    url: ready.url,
    port: ready.port,
    urls: ready.urls,
    channel,
    process: child,
    close() {
      closing ??= stopChild(child, channel);
      return closing;
    },
  };
}

async function stopChild(child: ChildProcess, channel: ChildChannel): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const escalate = (signal: NodeJS.Signals, ms: number) =>
    Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]).then((done) => {
      if (!done) child.kill(signal);
      return done;
    });
  await channel.request({ type: 'close' }, 15_000).catch(() => undefined);
  if (await escalate('SIGTERM', 5000)) return;
  if (await escalate('SIGKILL', 5000)) return;
  await exited;
}

/**
 * Parses a `taskset -c` list (`1`, `0-1`, `0,2-3`) into CPU numbers.
 * @throws Error naming the list when it is not one.
 */
export function parseCpuList(list: string): number[] {
  const cpus = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) throw new Error(`"${list}" is not a CPU list (e.g. 1, 0-1, 0,2)`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo) throw new Error(`"${list}" is not a CPU list (e.g. 1, 0-1, 0,2)`);
    for (let c = lo; c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** The CPUs of this machine not in `list`, as a `taskset -c` list; undefined when none are left. */
export function otherCpus(list: string, cores: number = availableParallelism()): string | undefined {
  const taken = new Set(parseCpuList(list));
  for (const c of taken) if (c >= cores) throw new Error(`CPU ${c} does not exist (this machine has ${cores})`);
  const rest = Array.from({ length: cores }, (_, i) => i).filter((c) => !taken.has(c));
  return rest.length === 0 ? undefined : rest.join(',');
}

/**
 * Sets the niceness of every thread of this process (Linux keeps one per thread; threads started
 * later inherit it from the thread that starts them). Raising it needs no privilege; lowering it
 * back does, so a process niced for a bench stays so until it exits.
 * @returns false when a thread's priority could not be set.
 */
export function niceThisProcess(nice: number): boolean {
  let tids: number[];
  try {
    tids = readdirSync('/proc/self/task').map(Number);
  } catch {
    tids = [0]; // no /proc: the calling thread only
  }
  let ok = true;
  for (const tid of tids) {
    try {
      setPriority(tid, nice);
    } catch {
      ok = false;
    }
  }
  return ok;
}

/** Pins every thread of this process to `list` (best effort: false when taskset fails). */
export function pinThisProcess(list: string): boolean {
  return spawnSync('taskset', ['-a', '-p', '-c', list, String(process.pid)], { stdio: 'ignore' }).status === 0;
}
