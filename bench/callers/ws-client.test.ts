import { afterEach, describe, expect, it } from 'vitest';
import uWS from 'uWebSockets.js';
import { WsClient, WsConnectError } from './ws-client.ts';

interface Server {
  port: number;
  close(): void;
}

/** A real uWS server: echoes messages, answers "close-me" by closing with 4001, refuses /deny with 401. */
function startServer(): Promise<Server> {
  const app = uWS.App();
  app.ws('/*', {
    maxPayloadLength: 4 * 1024 * 1024,
    upgrade: (res, req, context) => {
      if (req.getUrl() === '/deny') {
        res.writeStatus('401 Unauthorized').end('bad media token');
        return;
      }
      res.upgrade({}, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    message: (ws, message, isBinary) => {
      const text = Buffer.from(message).toString();
      if (!isBinary && text === 'close-me') return ws.end(4001, 'asked to');
      if (!isBinary && text === 'big') return void ws.send('x'.repeat(200_000), false);
      ws.send(message, isBinary);
    },
  });
  return new Promise((resolve, reject) => {
    app.listen('127.0.0.1', 0, (token) => {
      if (!token) return reject(new Error('listen failed'));
      resolve({ port: uWS.us_socket_local_port(token), close: () => uWS.us_listen_socket_close(token) });
    });
  });
}

let server: Server | undefined;
afterEach(() => server?.close());

function nextMessage(collect: Array<string | Buffer>, count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (collect.length >= count ? resolve() : setImmediate(check));
    check();
  });
}

describe('WsClient against uWebSockets.js', () => {
  it('exchanges text and binary messages of every length encoding', async () => {
    server = await startServer();
    const got: Array<string | Buffer> = [];
    const ws = await WsClient.connect(`ws://127.0.0.1:${server.port}/media/acs/1?token=x`, { onMessage: (m) => got.push(m) });
    const medium = 'm'.repeat(1000);
    const large = Buffer.alloc(70_000, 7);
    ws.sendText('hello');
    ws.sendText(medium);
    ws.sendBinary(large);
    ws.sendText('big');
    await nextMessage(got, 4);
    expect(got[0]).toBe('hello');
    expect(got[1]).toBe(medium);
    expect(Buffer.isBuffer(got[2])).toBe(true);
    expect((got[2] as Buffer).equals(large)).toBe(true);
    expect(got[3]).toHaveLength(200_000);
    await ws.close();
    expect(ws.closed).toBe(true);
    expect(ws.sendText('after close')).toBe(false);
  });

  it('reports a server-side close with its code and reason', async () => {
    server = await startServer();
    const closed = new Promise<[number, string]>((resolve) => {
      void WsClient.connect(`ws://127.0.0.1:${server!.port}/x`, { onClose: (code, reason) => resolve([code, reason]) }).then((ws) => ws.sendText('close-me'));
    });
    expect(await closed).toEqual([4001, 'asked to']);
  });

  it('keeps the status of a refused upgrade', async () => {
    server = await startServer();
    const error = await WsClient.connect(`ws://127.0.0.1:${server.port}/deny`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WsConnectError);
    expect((error as WsConnectError).status).toBe(401);
    expect((error as Error).message).toMatch(/401/);
  });

  it('fails clearly when nothing listens', async () => {
    server = await startServer();
    const port = server.port;
    server.close();
    server = undefined;
    await expect(WsClient.connect(`ws://127.0.0.1:${port}/x`)).rejects.toThrow(/cannot connect/);
  });
});
