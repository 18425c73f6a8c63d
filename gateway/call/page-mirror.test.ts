import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient } from '../../control/contract/index.ts';
import type { PageMessage } from '../carriers/index.ts';
import { mirrorToPage } from './page-mirror.ts';

let url = '';
let status = 200;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
});
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const at = '2026-01-01T10:00:00.000Z';
const events = [
  { type: 'message_added' as const, event_id: 'a', at, message: { created_at: at, persona: 'human' as const, action: 'talk' as const, content: 'Hello', style: 'none' as const, tool_calls: [] } },
  { type: 'message_added' as const, event_id: 'b', at, message: { created_at: at, persona: 'assistant' as const, action: 'talk' as const, content: '', style: 'none' as const, tool_calls: [] } },
  { type: 'claim_updated' as const, event_id: 'c', at, updates: { policyholder_name: 'Jane' } },
  { type: 'call_connected' as const, event_id: 'd', at },
];

describe('mirrorToPage', () => {
  it('shows stored messages and claim changes on the page, after control accepted them', async () => {
    status = 200;
    const sent: PageMessage[] = [];
    const client = mirrorToPage(new ControlClient({ baseUrl: url, serviceToken: 't' }), (m) => sent.push(m));
    await client.postEvents('call', events);
    expect(sent).toEqual([
      { type: 'transcript', persona: 'human', text: 'Hello', final: true },
      { type: 'claim', claim: { policyholder_name: 'Jane' } },
    ]);
  });

  it('shows nothing when control refused the events', async () => {
    status = 422;
    const sent: PageMessage[] = [];
    const client = mirrorToPage(new ControlClient({ baseUrl: url, serviceToken: 't', attempts: 1 }), (m) => sent.push(m));
    await expect(client.postEvents('call', events)).rejects.toThrow(/422/);
    expect(sent).toEqual([]);
  });
});
