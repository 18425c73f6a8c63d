/**
 * The gateway-facing internal API: service-token authentication, the call context, events
 * applied once per event_id (metrics recorded once), actions run once per action_id.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionResult, CallContext, INTERNAL_PATHS, type Call } from '../contract/index.ts';
import { EXAMPLE_CALL, startTestControl, type TestControl } from './helpers/harness.ts';

let t: TestControl;
let hook: Server;
const hookBodies: unknown[] = [];
let hookStatus = 200;

beforeAll(async () => {
  hook = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hookBodies.push(JSON.parse(body));
      res.writeHead(hookStatus).end();
    });
  });
  await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
  const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/emergency`;
  t = await startTestControl({ emergency: { webhook_url: hookUrl } });
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => hook?.close(resolve));
});

async function newCall(phone: string): Promise<Call> {
  const res = await t.request('/call', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...EXAMPLE_CALL, phone_number: phone }) });
  expect(res.status).toBe(201);
  return (await res.json()) as Call;
}

const at = () => new Date().toISOString();

describe('authentication', () => {
  it('refuses requests without or with a wrong service token', async () => {
    const call = await newCall('+33700000100');
    expect((await t.request(INTERNAL_PATHS.context(call.call_id))).status).toBe(401);
    const wrong = await t.request(INTERNAL_PATHS.context(call.call_id), { headers: { authorization: 'Bearer not-the-token-not-the-token-not-the' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/service token/);
  });
});

describe('context and events', () => {
  it('returns the context, applies events once, records stage metrics once', async () => {
    const call = await newCall('+33700000101');
    const ctxRes = await t.internal(INTERNAL_PATHS.context(call.call_id));
    expect(ctxRes.status).toBe(200);
    const ctx = CallContext.parse(await ctxRes.json());
    expect(ctx).toMatchObject({ call_id: call.call_id, carrier: 'softphone', direction: 'outbound', resumed: false });

    const events = [
      { type: 'call_connected', event_id: 'e-connected', at: at() },
      { type: 'message_added', event_id: 'e-m1', at: at(), message: { created_at: at(), persona: 'human', action: 'talk', content: 'My laptop is broken.' } },
      { type: 'claim_updated', event_id: 'e-c1', at: at(), updates: { hardware_info: 'laptop' } },
      { type: 'turn_timings', event_id: 'e-t1', at: at(), timings: { turn_id: 't1', answer_latency_ms: 734, endpoint_ms: 500, stt_final_ms: 120, llm_ttft_ms: 180, tts_ttfb_ms: 90 } },
    ];
    const first = await t.internal(INTERNAL_PATHS.events(call.call_id), { events });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ applied: 4 });
    const again = await t.internal(INTERNAL_PATHS.events(call.call_id), { events });
    expect(await again.json()).toMatchObject({ applied: 0 });

    const stored = (await (await t.request(`/call/${call.call_id}`)).json()) as Call;
    expect(stored.state).toBe('connected');
    expect(stored.messages.length).toBe(1);
    expect(stored.claim.hardware_info).toBe('laptop');
    expect(stored.turns).toEqual([expect.objectContaining({ turn_id: 't1', answer_latency_ms: 734 })]);

    // A later event completing the same turn records only the stage it adds.
    const more = [{ type: 'turn_timings', event_id: 'e-t1b', at: at(), timings: { turn_id: 't1', answer_latency_ms: 734, llm_first_sentence_ms: 300 } }];
    expect(await (await t.internal(INTERNAL_PATHS.events(call.call_id), { events: more })).json()).toMatchObject({ applied: 1 });

    const metrics = await (await t.request('/metrics')).text();
    expect(metrics).toMatch(/call_llm_first_sentence_latency_count\{[^}]*\} 1\b/);
    expect(metrics).toMatch(/call_answer_latency_count\{[^}]*carrier="softphone"[^}]*\} 1\b/);
    expect(metrics).toMatch(/call_llm_ttft_count\{[^}]*\} 1\b/);
    expect(metrics).not.toMatch(/\+33700000101/);
  });

  it('refuses bad event batches with every problem listed, and unknown calls with 404', async () => {
    const call = await newCall('+33700000102');
    const bad = await t.internal(INTERNAL_PATHS.events(call.call_id), { events: [{ type: 'message_added', event_id: '', at: 'yesterday' }] });
    expect(bad.status).toBe(422);
    const details = ((await bad.json()) as { error: { details: string[] } }).error.details;
    expect(details.length).toBeGreaterThanOrEqual(2);
    const unknown = await t.internal(INTERNAL_PATHS.events('5b0f3c0e-9a4e-4d7c-8a53-2f0d7f3a9c11'), { events: [{ type: 'call_connected', event_id: 'x', at: at() }] });
    expect(unknown.status).toBe(404);
  });
});

describe('actions', () => {
  it('runs an action once per action_id, concurrent or repeated: one webhook call, one result', async () => {
    const call = await newCall('+33700000103');
    const before = hookBodies.length;
    const request = { action_id: 'a-once', action: { type: 'notify_emergencies', reason: 'Smoke', location: 'Lab 3', contact: '+33700000103', service: 'firefighters' } };
    const [r1, r2] = await Promise.all([t.internal(INTERNAL_PATHS.actions(call.call_id), request), t.internal(INTERNAL_PATHS.actions(call.call_id), request)]);
    const r3 = await t.internal(INTERNAL_PATHS.actions(call.call_id), request);
    const results = await Promise.all([r1, r2, r3].map(async (r) => ActionResult.parse(await r.json())));
    expect(results[0]?.ok).toBe(true);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(hookBodies.length - before).toBe(1);
  });

  it('accepts send_sms without an SMS provider (the gateway records it in the conversation)', async () => {
    const call = await newCall('+33700000106');
    const result = ActionResult.parse(await (await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'a-sms', action: { type: 'send_sms', message: 'Ticket 42.' } })).json());
    expect(result).toEqual({ ok: true, detail: expect.stringMatching(/no SMS provider/) });
    const stored = (await (await t.request(`/call/${call.call_id}`)).json()) as Call;
    expect(stored.messages).toEqual([]);
  });

  it('notifies emergencies through the webhook and records it; a failing webhook is ok:false', async () => {
    const call = await newCall('+33700000104');
    const action = { type: 'notify_emergencies', reason: 'Fire in the kitchen', location: '1 Main St', contact: '+33700000104', service: 'firefighters' };
    const ok = ActionResult.parse(await (await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'a-em-1', action })).json());
    expect(ok.ok).toBe(true);
    expect(hookBodies.at(-1)).toMatchObject({ call_id: call.call_id, service: 'firefighters', reason: 'Fire in the kitchen', location: '1 Main St' });
    const stored = (await (await t.request(`/call/${call.call_id}`)).json()) as Call;
    expect(stored.messages.at(-1)?.tool_calls[0]).toMatchObject({ function_name: 'notify_emergencies', tool_id: 'a-em-1' });

    hookStatus = 500;
    const failed = ActionResult.parse(await (await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'a-em-2', action })).json());
    hookStatus = 200;
    expect(failed.ok).toBe(false);
    expect(failed.detail).toMatch(/webhook failed.*500/);
  });

  it('answers what the softphone cannot do with ok:false, and validates actions', async () => {
    const call = await newCall('+33700000105');
    const transfer = ActionResult.parse(await (await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'a-tr', action: { type: 'transfer' } })).json());
    expect(transfer).toEqual({ ok: false, detail: expect.stringMatching(/softphone/) });
    const bad = await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'a-bad', action: { type: 'transfer', target: 'nobody' } });
    expect(bad.status).toBe(422);
  });
});
