import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpTransportError, httpStream, httpText } from './http-transport.ts';

let server: Server;
let base: string;
const sockets = new Set<unknown>();

beforeAll(async () => {
  server = createServer((req, res) => {
    sockets.add(req.socket);
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/echo') {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null }));
      } else if (req.url === '/hang') {
        // never answers
      } else if (req.url === '/drip') {
        res.writeHead(200);
        res.write('a');
        // the rest never comes
      } else {
        res.writeHead(404);
        res.end('nope');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('http transport', () => {
  it('sends the body and headers and reads the status and text; keeps the connection alive', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await httpText(new URL('/echo', base), { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: '{"a":"é"}', timeoutMs: 2000 });
      expect(res.status).toBe(201);
      expect(JSON.parse(res.text)).toEqual({ method: 'POST', body: '{"a":"é"}', auth: 'Bearer t' });
    }
    expect(sockets.size).toBe(1);
    expect((await httpText(new URL('/missing', base), { method: 'GET', timeoutMs: 2000 })).status).toBe(404);
  });

  it('times out a request without an answer, and one whose body stalls', async () => {
    const hang = await httpText(new URL('/hang', base), { method: 'GET', timeoutMs: 100 }).catch((e: unknown) => e);
    expect(hang).toBeInstanceOf(HttpTransportError);
    expect((hang as HttpTransportError).timedOut).toBe(true);
    const drip = await httpText(new URL('/drip', base), { method: 'GET', timeoutMs: 100 }).catch((e: unknown) => e);
    expect((drip as HttpTransportError).timedOut).toBe(true);
  });

  it('rejects with the abort reason, before and during the request, and while streaming', async () => {
    const reason = new Error('call over');
    const before = new AbortController();
    before.abort(reason);
    await expect(httpText(new URL('/echo', base), { method: 'GET', signal: before.signal, timeoutMs: 2000 })).rejects.toBe(reason);
    const during = new AbortController();
    const pending = httpText(new URL('/hang', base), { method: 'GET', signal: during.signal, timeoutMs: 2000 });
    during.abort(reason);
    await expect(pending).rejects.toBe(reason);
    const streaming = new AbortController();
    const res = await httpStream(new URL('/drip', base), { method: 'GET', signal: streaming.signal, timeoutMs: 2000 });
    const read = (async () => {
      for await (const _ of res) streaming.abort(reason);
    })();
    await expect(read).rejects.toThrow();
  });

  it('does not queue a stream behind other open streams to the same origin', async () => {
    // 100 calls each holding a sentence of audio open: every one gets its headers at once.
    const opened = await Promise.all(Array.from({ length: 100 }, () => httpStream(new URL('/drip', base), { method: 'GET', timeoutMs: 2000 })));
    expect(opened.map((r) => r.statusCode)).toEqual(Array(100).fill(200));
    for (const r of opened) r.destroy();
  });

  it('reports an unreachable server as a transport error, not a timeout', async () => {
    const err = await httpText(new URL('http://127.0.0.1:9/x'), { method: 'GET', timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpTransportError);
    expect((err as HttpTransportError).timedOut).toBe(false);
  });
});
