/**
 * A tiny local stand-in for control's internal API (the three endpoints of INTERNAL_PATHS):
 * serves a valid call context for any UUID call id (404 for ids listed as unknown), accepts
 * events and actions, and records every request it got. Each response closes its connection so
 * no keep-alive socket outlives a test's resource checks.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallContext } from '../../control/contract/index.ts';

/** One request the stub received. */
export interface StubRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** A running stub. */
export interface ControlStub {
  readonly url: string;
  readonly token: string;
  readonly requests: StubRequest[];
  /** Call ids answered with 404. */
  readonly unknown: Set<string>;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A valid context for a call (the shape control serves). */
export function contextFor(callId: string, carrier: 'acs' | 'twilio' | 'softphone'): CallContext {
  return CallContext.parse({
    call_id: callId,
    carrier,
    direction: 'inbound',
    initiate: { phone_number: '+15555550123', bot_company: 'Contoso', bot_name: 'Amélie', task: 'Help the caller.' },
    claim: {},
    messages: [],
    reminders: [],
    resumed: false,
    created_at: new Date().toISOString(),
  });
}

/** Starts the stub on a free loopback port. */
export async function startControlStub(token = 's'.repeat(40)): Promise<ControlStub> {
  const requests: StubRequest[] = [];
  const unknown = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const path = req.url ?? '';
      requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body: text === '' ? undefined : JSON.parse(text) });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: { message: 'bad service token', details: [] } });
      const m = /^\/internal\/calls\/([^/]+)\/(context|events|actions)$/.exec(path);
      if (!m) return send(404, { error: { message: 'not found', details: [] } });
      const callId = decodeURIComponent(m[1] as string);
      if (!UUID.test(callId) || unknown.has(callId)) return send(404, { error: { message: 'unknown call', details: [] } });
      if (m[2] === 'context' && req.method === 'GET') return send(200, contextFor(callId, 'acs'));
      if (m[2] === 'events' && req.method === 'POST') return send(200, { applied: 1 });
      if (m[2] === 'actions' && req.method === 'POST') return send(200, { ok: true });
      send(405, { error: { message: 'method not allowed', details: [] } });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    unknown,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
