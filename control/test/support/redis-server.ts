/**
 * A real `redis-server` on a free loopback port for tests: no persistence, killed on close.
 *
 * @example
 * const redis = await startRedisServer();
 * const client = new Redis(redis.url);
 * // ...
 * await redis.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from './free-port.ts';

/** A running redis-server. */
export interface RedisTestServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Stops the server and waits for it to exit; idempotent. */
  close(): Promise<void>;
}

/** How long redis-server may take to answer its first PING. 15 s: a loaded 2-core CI box. */
const START_TIMEOUT_MS = 15_000;
/** Pause between PING attempts while it starts. */
const PING_RETRY_MS = 25;

/** One PING over a raw socket: resolves true on `+PONG`, false on any error. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function startOnce(port: number): Promise<RedisTestServer | 'port-in-use'> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4000)));
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (spawnError) throw new Error(`cannot start redis-server: ${spawnError.message}`, { cause: spawnError });
    if (child.exitCode !== null) {
      if (/already in use/i.test(output)) return 'port-in-use';
      throw new Error(`redis-server exited with code ${child.exitCode}: ${output}`);
    }
    if (await ping(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING within ${START_TIMEOUT_MS} ms: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, PING_RETRY_MS));
  }
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    close() {
      closing ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited(child);
      })();
      return closing;
    },
  };
}

/** Starts redis-server on a free loopback port and resolves once it answers PING. */
export async function startRedisServer(): Promise<RedisTestServer> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await startOnce(await freePort());
    if (started !== 'port-in-use') return started;
  }
  throw new Error('redis-server: no free port found after 5 attempts');
}
