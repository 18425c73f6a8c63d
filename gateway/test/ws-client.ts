/**
 * A WebSocket client for tests (the `ws` package, as a carrier would connect), recording every
 * message with its arrival time, plus raw upgrade requests for refusal checks.
 */
import { createRequire } from 'node:module';
import { request } from 'node:http';

interface WsSocket {
  on(event: 'open', fn: () => void): void;
  on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', fn: (code: number, reason: Buffer) => void): void;
  on(event: 'error', fn: (error: Error) => void): void;
  on(event: 'unexpected-response', fn: (req: unknown, res: { statusCode: number }) => void): void;
  send(data: string | Uint8Array, cb?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  readonly readyState: number;
  readonly _socket?: { destroy(): void; pause(): void; resume(): void };
}
type WsCtor = new (url: string, options?: { headers?: Record<string, string>; maxPayload?: number }) => WsSocket;

const WebSocketImpl = createRequire(import.meta.url)('ws') as WsCtor;

/** A received message. */
export interface Received {
  readonly text: string | undefined;
  readonly bytes: Buffer;
  readonly binary: boolean;
  readonly atMs: number;
}

/** A connected (or refused) test client. */
export class MediaClient {
  readonly messages: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WsSocket;
  readonly #waiters: Array<{ test: (m: Received) => boolean; resolve: (m: Received) => void }> = [];

  private constructor(ws: WsSocket) {
    this.#ws = ws;
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => {
      const m: Received = { text: isBinary ? undefined : data.toString(), bytes: data, binary: isBinary, atMs: performance.now() };
      this.messages.push(m);
      for (let i = this.#waiters.length - 1; i >= 0; i--) {
        const w = this.#waiters[i]!;
        if (w.test(m)) {
          this.#waiters.splice(i, 1);
          w.resolve(m);
        }
      }
    });
  }

  /** Connects; rejects with the HTTP status if the upgrade is refused. */
  static connect(url: string, headers?: Record<string, string>): Promise<MediaClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocketImpl(url, { headers, maxPayload: 1 << 20 });
      const client = new MediaClient(ws);
      ws.on('open', () => resolve(client));
      ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.on('error', (error) => reject(error));
    });
  }

  /** Resolves with the first message (already received or future) that passes `test`. */
  waitFor(test: (m: Received) => boolean): Promise<Received> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  send(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.#ws.send(data, (error) => (error ? reject(error) : resolve())));
  }

  /** Sends without waiting for the write callback. */
  post(data: string | Uint8Array): void {
    this.#ws.send(data);
  }

  close(code = 1000, reason = 'bye'): void {
    this.#ws.close(code, reason);
  }

  /** Abrupt: no close frame. */
  terminate(): void {
    this.#ws.terminate();
  }

  /** Abrupt: destroys the TCP socket under the client. */
  destroySocket(): void {
    this.#ws._socket?.destroy();
  }

  get open(): boolean {
    return this.#ws.readyState === 1;
  }
}

/** Sends a raw HTTP upgrade request and returns the status code of the answer (101 if upgraded). */
export function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': Buffer.from('0123456789abcdef').toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
