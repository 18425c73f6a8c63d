/**
 * Post-call insights against the LLM stand-in, run by control's in-process worker: synthesis,
 * next action and SMS summary with the slow model and a JSON-schema response format; re-prompt
 * on invalid output; skipped without interaction; idempotent; Azure OpenAI; reminder callbacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmStandin, type ChatRequest, type LlmStandin, type ScriptedReply } from '../../bench/standins/index.ts';
import { Call, INTERNAL_PATHS } from '../contract/index.ts';
import { runPostCall } from '../insights/post-call.ts';
import { createLlmModel } from '../insights/llm.ts';
import { EXAMPLE_CALL, eventually, startTestControl, type TestControl } from './helpers/harness.ts';

const INSIGHTS = {
  synthesis: {
    short: 'The customer reported a broken laptop screen.',
    long: 'The laptop screen of the customer flickers since Monday; they work in building B.',
    satisfaction: 'high',
    improvement_suggestions: 'Ask for the asset tag earlier.',
  },
  next: { action: 'requires_expertise', justification: 'A technician must replace the screen.' },
  sms_summary: 'We logged your broken screen; a technician will contact you.',
};

/** Scripted replies per call (by phone number in the prompt); default: the valid insights. */
const scripts = new Map<string, ScriptedReply[]>();
function respond(req: ChatRequest): ScriptedReply {
  const text = JSON.stringify(req.messages);
  for (const [phone, replies] of scripts) if (text.includes(phone) && replies.length > 0) return replies.shift()!;
  return { content: JSON.stringify(INSIGHTS) };
}

let llm: LlmStandin;
let t: TestControl;
/** Real time plus an offset the test advances (reminders become due without waiting). */
let offsetMs = 0;
const clock = () => Date.now() + offsetMs;
beforeAll(async () => {
  llm = await startLlmStandin({ ttftMs: 5, tokensPerSec: 5000, respond });
  t = await startTestControl(
    { llm: { slow: { endpoint: llm.url, api_key: 'k', model: 'slow-model' }, fast: { endpoint: llm.url, api_key: 'k', model: 'fast-model' } } },
    { clock },
  );
});
afterAll(async () => {
  await t?.close();
  await llm?.close();
});

const iso = (plusMs = 0) => new Date(clock() + plusMs).toISOString();

async function callWithConversation(phone: string, human = true): Promise<Call> {
  const res = await t.request('/call', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...EXAMPLE_CALL, phone_number: phone }) });
  const call = (await res.json()) as Call;
  const events = [
    { type: 'call_connected', event_id: 'c', at: iso() },
    { type: 'message_added', event_id: 'm1', at: iso(1), message: { created_at: iso(1), persona: 'assistant', action: 'talk', content: 'Hello, this is Amélie from Contoso.' } },
    ...(human ? [{ type: 'message_added', event_id: 'm2', at: iso(2), message: { created_at: iso(2), persona: 'human', action: 'talk', content: 'My laptop screen flickers.' } }] : []),
  ];
  expect((await t.internal(INTERNAL_PATHS.events(call.call_id), { events })).status).toBe(200);
  return call;
}

const endCall = (callId: string) => t.internal(INTERNAL_PATHS.events(callId), { events: [{ type: 'call_ended', event_id: 'end', at: iso(3), reason: 'caller_hangup' }] });
const stored = async (id: string) => Call.parse(await (await t.request(`/call/${id}`)).json());
const requestsFor = (phone: string) => llm.requests.filter((r) => JSON.stringify(r.messages).includes(phone));

describe('post-call job', () => {
  it('writes synthesis, next action and an SMS summary with the slow model and a JSON schema', async () => {
    const phone = '+33700000401';
    const call = await callWithConversation(phone);
    expect((await endCall(call.call_id)).status).toBe(200);
    const done = await eventually(async () => {
      const c = await stored(call.call_id);
      return c.synthesis !== null && c.messages.some((m) => m.action === 'sms') ? c : undefined;
    }, 20_000, 'post-call insights');
    expect(done.synthesis).toEqual(INSIGHTS.synthesis);
    expect(done.next).toEqual(INSIGHTS.next);
    expect(done.messages.at(-1)).toMatchObject({ persona: 'assistant', action: 'sms', content: INSIGHTS.sms_summary });
    const [request, ...more] = requestsFor(phone);
    expect(more).toEqual([]);
    expect(request?.model).toBe('slow-model');
    expect(request?.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'post_call_insights', strict: true, schema: { type: 'object', required: expect.arrayContaining(['synthesis', 'next', 'sms_summary']) } } });
    expect(JSON.stringify(request?.messages)).toMatch(/My laptop screen flickers/);

    // Idempotent: running it again changes nothing and asks nothing.
    const { deps } = t.control;
    const outcome = await runPostCall({ store: deps.store, sms: deps.sms, llm: createLlmModel(deps.config.llm.slow), logger: deps.logger, now: deps.now }, call.call_id);
    expect(outcome).toBe('already_done');
    expect(requestsFor(phone).length).toBe(1);
    expect((await stored(call.call_id)).revision).toBe(done.revision);
  });

  it('re-prompts when the model answers invalid output', async () => {
    const phone = '+33700000402';
    scripts.set(phone, [{ content: '{"synthesis": "not an object"}' }, { content: 'not json at all' }]);
    const call = await callWithConversation(phone);
    await endCall(call.call_id);
    const done = await eventually(async () => {
      const c = await stored(call.call_id);
      return c.synthesis !== null ? c : undefined;
    }, 20_000, 'insights after re-prompts');
    expect(done.next?.action).toBe('requires_expertise');
    const requests = requestsFor(phone);
    expect(requests.length).toBe(3);
    expect(JSON.stringify(requests[1]?.messages)).toMatch(/not valid: .*synthesis/);
    expect(JSON.stringify(requests[2]?.messages)).toMatch(/not valid: it is not JSON/);
  });

  it('is skipped when nobody spoke to the agent', async () => {
    const phone = '+33700000403';
    const call = await callWithConversation(phone, false);
    await endCall(call.call_id);
    const { deps } = t.control;
    // The job has run (or runs now): either way it asks the model nothing and saves nothing.
    await eventually(async () => ((await deps.queue.enqueue({ id: `post_call:${call.call_id}`, kind: 'post_call', payload: {} })) ? undefined : true));
    const outcome = await runPostCall({ store: deps.store, sms: deps.sms, llm: createLlmModel(deps.config.llm.slow), logger: deps.logger, now: deps.now }, call.call_id);
    expect(outcome).toBe('no_interaction');
    expect(requestsFor(phone)).toEqual([]);
    expect((await stored(call.call_id)).synthesis).toBeNull();
  });
});

describe('reminder callbacks', () => {
  it('calls the customer back when a reminder owned by the assistant is due', async () => {
    const phone = '+33700000404';
    const call = await callWithConversation(phone);
    const due = iso(3_600_000);
    const reminder = { title: 'Call back about the screen', description: 'Check the repair date', due_date_time: due, owner: 'assistant', created_at: iso() };
    await t.internal(INTERNAL_PATHS.events(call.call_id), { events: [{ type: 'reminder_upserted', event_id: 'r1', at: iso(), reminder }] });
    await endCall(call.call_id);
    await eventually(async () => ((await stored(call.call_id)).synthesis !== null ? true : undefined), 20_000, 'post-call before the callback');
    expect((await stored(call.call_id)).in_progress).toBe(false);
    offsetMs += 3_600_000 + 1000; // the reminder is due
    const back = await eventually(async () => {
      const c = await stored(call.call_id);
      return c.in_progress ? c : undefined;
    }, 20_000, 'callback');
    expect(back).toMatchObject({ state: 'ringing', direction: 'outbound', carrier: 'softphone' });
    const ringing = (await (await t.request('/softphone/ringing')).json()) as { calls: Array<{ call_id: string }> };
    expect(ringing.calls.map((c) => c.call_id)).toContain(call.call_id);
    // The gateway recaps the earlier conversation.
    const ctx = (await (await t.internal(INTERNAL_PATHS.context(call.call_id))).json()) as { resumed: boolean };
    expect(ctx.resumed).toBe(true);
  });
});

describe('Azure OpenAI', () => {
  it('uses the deployment route and the api-key header', async () => {
    const azure = await startTestControl({ llm: { slow: { provider: 'azure_openai', endpoint: llm.azureEndpoint, api_key: 'azure-key', model: 'gpt-4.1', deployment: 'insights-deploy' } } });
    try {
      const phone = '+33700000405';
      const res = await azure.request('/call', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...EXAMPLE_CALL, phone_number: phone }) });
      const call = (await res.json()) as Call;
      const at = new Date().toISOString();
      await azure.internal(INTERNAL_PATHS.events(call.call_id), {
        events: [
          { type: 'message_added', event_id: 'm', at, message: { created_at: at, persona: 'human', action: 'talk', content: 'Hello' } },
          { type: 'call_ended', event_id: 'e', at, reason: 'caller_hangup' },
        ],
      });
      await eventually(async () => (((await (await azure.request(`/call/${call.call_id}`)).json()) as Call).synthesis ? true : undefined), 20_000, 'azure insights');
      const request = requestsFor(phone)[0];
      expect(request?.path).toBe('/openai/deployments/insights-deploy/chat/completions');
      expect(request?.headers['api-key']).toBe('azure-key');
    } finally {
      await azure.close();
    }
  });
});
