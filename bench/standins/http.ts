/**
 * Small HTTP helpers shared by the stand-in services: listening on a loopback port, reading a
 * bounded body, closing with every open connection, and timers that stop with the request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request body larger than this is refused: stand-ins never need more (audio uploads ≤ 25 MB like OpenAI). */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

/** A stand-in HTTP server listening on loopback. */
export interface ListeningServer {
  readonly server: Server;
  readonly port: number;
  readonly baseUrl: string;
  /** Closes the listener and every open connection; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts `handler` on `127.0.0.1:port` (0 picks a free port). Handler errors become a 500 JSON answer.
 */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  port = 0,
): Promise<ListeningServer> {
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: { message: String((error as Error)?.message ?? error), type: 'server_error' } });
        else res.destroy();
      });
  });
  // Streams stay open for minutes in bench runs; no idle cut-off on our side.
  server.requestTimeout = 0;
  server.headersTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    server,
    port: actual,
    baseUrl: `http://127.0.0.1:${actual}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Reads the whole body, refusing more than `limit` bytes. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new HttpError(413, `body larger than ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Reads and parses a JSON body; a bad body is a 400. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = (await readBody(req)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

/** An error with the HTTP status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Writes a JSON answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Resolves after `ms`, or rejects when `signal` aborts (the client went away). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    if (ms <= 0) return resolve();
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Resolves at `atMs` on the `performance.now()` clock (at once when it has passed), or rejects when
 * `signal` aborts. Steps scheduled from one start time keep their configured timing even when one
 * timer fires late, instead of adding every lateness to the steps after it.
 */
export function waitUntil(atMs: number, signal: AbortSignal): Promise<void> {
  return wait(atMs - performance.now(), signal);
}

/**
 * How late a stand-in delivered what it promised (ms after the configured instant): a stand-in that
 * shares a loaded machine with the bench adds its own delay to every latency measured through it.
 */
export class Lateness {
  #samples: number[] = [];

  /** Records one delivery due at `dueMs` (`performance.now()` clock) and made now. */
  record(dueMs: number): void {
    this.#samples.push(Math.max(0, performance.now() - dueMs));
  }

  /** The samples recorded since the last take (one per answer: a run's worth is small). */
  take(): number[] {
    const out = this.#samples;
    this.#samples = [];
    return out;
  }
}

/** An AbortSignal aborted when the client closes the connection before the answer is complete. */
export function requestSignal(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client closed the connection'));
  });
  req.on('error', () => controller.abort(new Error('request error')));
  return controller.signal;
}

/** Writes a chunk and waits for `drain` when the socket buffer is full (slow client). */
export async function writeChunk(res: ServerResponse, chunk: string | Uint8Array, signal: AbortSignal): Promise<void> {
  if (signal.aborted) throw signal.reason;
  if (res.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    res.once('drain', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
