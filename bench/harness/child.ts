/**
 * Starting a bench child process (a `.ts` entry run through tsx) with its output in a log file,
 * waiting for its `ready` message, and stopping it: politely over IPC, then SIGTERM, then SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { ChildChannel, type ChildMessage } from './ipc.ts';

/** A started child. */
export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  readonly channel: ChildChannel;
  readonly process: ChildProcess;
  /** Stops the child; idempotent. */
  close(): Promise<void>;
}

/**
 * Spawns `node --import tsx <entry>` with `env` added, output appended to `logFile`. Extra Node
 * flags for the children (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the gateway under
 * load) come from `BENCH_CHILD_NODE_FLAGS`, read here because this is the bench's entry side.
 * @throws when the child fails to start or is not ready within `readyTimeoutMs`.
 */
export async function startChild(name: string, entry: string, env: Record<string, string>, logFile: string, readyTimeoutMs = 60_000): Promise<BenchChild> {
  const log = openSync(logFile, 'a');
  const flags = (process.env.BENCH_CHILD_NODE_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', entry], {
    stdio: ['ignore', log, log, 'ipc'],
    env: { ...process.env, ...env },
  });
  closeSync(log);
  const channel = new ChildChannel(child);
  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
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
        resolve({ url: msg.url, port: msg.port });
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
