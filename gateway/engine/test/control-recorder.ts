/**
 * A tiny local HTTP server speaking control's internal API (events and actions), validating every
 * body against the contract and recording what it received, so engine tests use the real
 * `ControlClient`. Events are applied once per `event_id`, as control does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionRequest, EventBatch, type ActionResult, type ConversationEvent } from '../../../control/contract/index.ts';

export interface ControlRecorder {
  readonly baseUrl: string;
  /** Events applied, in order (duplicates by id are dropped). */
  readonly events: ConversationEvent[];
  readonly actions: ActionRequest[];
  /** Bodies that did not match the contract. */
  readonly rejected: string[];
  duplicates: number;
  close(): Promise<void>;
}

/** Starts the recorder; `onAction` decides each action's result (default: ok). */
export async function startControlRecorder(onAction: (req: ActionRequest) => ActionResult = () => ({ ok: true })): Promise<ControlRecorder> {
  const events: ConversationEvent[] = [];
  const actions: ActionRequest[] = [];
  const rejected: string[] = [];
  const applied = new Set<string>();
  const recorder = { events, actions, rejected, duplicates: 0 } as ControlRecorder & { duplicates: number };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        rejected.push(text);
        return send(400, { error: { message: 'bad json', details: [] } });
      }
      if (req.method === 'POST' && /\/internal\/calls\/[^/]+\/events$/.test(req.url ?? '')) {
        const parsed = EventBatch.safeParse(json);
        if (!parsed.success) {
          rejected.push(`${text} → ${parsed.error.message}`);
          return send(422, { error: { message: 'invalid events', details: [parsed.error.message] } });
        }
        for (const e of parsed.data.events) {
          if (applied.has(e.event_id)) recorder.duplicates++;
          else {
            applied.add(e.event_id);
            events.push(e);
          }
        }
        return send(200, { applied: parsed.data.events.length });
      }
      if (req.method === 'POST' && /\/internal\/calls\/[^/]+\/actions$/.test(req.url ?? '')) {
        const parsed = ActionRequest.safeParse(json);
        if (!parsed.success) {
          rejected.push(text);
          return send(422, { error: { message: 'invalid action', details: [parsed.error.message] } });
        }
        actions.push(parsed.data);
        return send(200, onAction(parsed.data));
      }
      send(404, { error: { message: 'not found', details: [] } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  Object.assign(recorder, {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
  return recorder;
}
