/**
 * Inbound ACS flows: the Event Grid subscription handshake, `IncomingCall` answered through the
 * SDK with media streaming to the gateway, and `SMSReceived` added to the caller's conversation
 * and answered by the model through ACS SMS (LLM and ACS stand-ins).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmStandin, type LlmStandin } from '../../bench/standins/index.ts';
import { Call, CallContext, INTERNAL_PATHS, verifyMediaToken } from '../contract/index.ts';
import { ACS_NUMBER, API_KEY, GATEWAY_URL, startAcsEnv, type AcsEnv } from './helpers/acs-env.ts';
import { eventually, TEST_MEDIA_KEY } from './helpers/harness.ts';

let env: AcsEnv;
let llm: LlmStandin;
beforeAll(async () => {
  llm = await startLlmStandin({ ttftMs: 5, tokensPerSec: 2000, respond: () => ({ content: 'Thanks for your message! A colleague will call you back tomorrow morning.' }) });
  env = await startAcsEnv({
    sms: { provider: 'acs' },
    llm: { fast: { endpoint: llm.url, api_key: 'test-llm-key', model: 'fast-model' }, slow: { endpoint: llm.url, api_key: 'test-llm-key', model: 'slow-model' } },
  });
});
afterAll(async () => {
  await env?.close();
  await llm?.close();
});

const grid = (events: unknown[], query = `?code=${API_KEY}`) =>
  env.t.request(`/webhooks/eventgrid${query}`, { method: 'POST', headers: { 'content-type': 'application/json', 'aeg-event-type': 'Notification' }, body: JSON.stringify(events) });

function gridEvent(eventType: string, data: Record<string, unknown>, id = crypto.randomUUID()) {
  return { id, topic: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Communication/communicationServices/acs', subject: 'test', eventType, eventTime: new Date().toISOString(), dataVersion: '1.0', metadataVersion: '1', data };
}

describe('Event Grid', () => {
  it('answers the subscription validation handshake', async () => {
    const res = await grid([gridEvent('Microsoft.EventGrid.SubscriptionValidationEvent', { validationCode: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6', validationUrl: 'https://example.invalid' })]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ validationResponse: '512d38b6-c7b8-40c8-89fe-f46f9e9622b6' });
  });

  it('refuses deliveries without the key, and malformed bodies', async () => {
    expect((await grid([gridEvent('Microsoft.EventGrid.SubscriptionValidationEvent', { validationCode: 'x' })], '')).status).toBe(401);
    expect((await grid([gridEvent('Microsoft.EventGrid.SubscriptionValidationEvent', { validationCode: 'x' })], '?code=nope')).status).toBe(401);
    const res = await env.t.request(`/webhooks/eventgrid?code=${API_KEY}`, { method: 'POST', body: '[{"id":' });
    expect(res.status).toBe(400);
  });

  it('answers an incoming call with media streaming to the gateway, once per event', async () => {
    const caller = '+33700000301';
    const event = gridEvent('Microsoft.Communication.IncomingCall', {
      to: { kind: 'phoneNumber', rawId: `4:${ACS_NUMBER}`, phoneNumber: { value: ACS_NUMBER } },
      from: { kind: 'phoneNumber', rawId: `4:${caller}`, phoneNumber: { value: caller } },
      serverCallId: 'server-abc',
      callerDisplayName: '',
      incomingCallContext: 'eyJhbGciOiJub25lIn0.incoming-call-context',
      correlationId: crypto.randomUUID(),
    });
    expect((await grid([event])).status).toBe(200);
    expect((await grid([event])).status).toBe(200); // re-delivered: answered once
    const answers = env.acs.requests.filter((r) => r.op === 'answerCall');
    expect(answers.length).toBe(1);
    const answer = answers[0]!;
    expect(answer.body.incomingCallContext).toBe('eyJhbGciOiJub25lIn0.incoming-call-context');
    const media = answer.body.mediaStreamingOptions as Record<string, string | boolean>;
    expect(media).toMatchObject({ transportType: 'websocket', contentType: 'audio', audioChannelType: 'mixed', startMediaStreaming: true, enableBidirectional: true, audioFormat: 'Pcm16KMono' });
    const transport = new URL(String(media.transportUrl));
    expect(transport.origin.replace('https', 'wss')).toBe(GATEWAY_URL);
    const callId = transport.pathname.split('/').at(-1)!;
    expect(verifyMediaToken(TEST_MEDIA_KEY, transport.searchParams.get('token')!, { callId, carrier: 'acs' }, Math.floor(Date.now() / 1000)).ok).toBe(true);

    const call = Call.parse(await (await env.api(`/call/${callId}`)).json());
    expect(call).toMatchObject({ direction: 'inbound', carrier: 'acs', state: 'ringing' });
    expect(call.initiate.phone_number).toBe(caller);
    expect(call.initiate.bot_company).toBe('Contoso');
    expect(call.initiate.claim.slice(0, 3).map((f) => f.name)).toEqual(['policyholder_name', 'policyholder_email', 'policyholder_phone']);
    const connectionId = [...env.acs.connections.values()].find((c) => c.operationContext === callId)!.connectionId;
    expect(call.connection_id).toBe(connectionId);

    // The gateway's view, then the callback that connects the call.
    const ctx = CallContext.parse(await (await env.t.internal(INTERNAL_PATHS.context(callId))).json());
    expect(ctx).toMatchObject({ direction: 'inbound', carrier: 'acs', resumed: false });
    expect(await env.acs.emit(connectionId, 'CallConnected')).toBe(204);
    expect(Call.parse(await (await env.api(`/call/${callId}`)).json()).state).toBe('connected');
  });

  it('adds an inbound SMS to the caller conversation and answers it by SMS', async () => {
    const sender = '+33700000302';
    const before = env.acs.requests.filter((r) => r.op === 'sms').length;
    const event = gridEvent('Microsoft.Communication.SMSReceived', { messageId: 'Incoming_20260101-1', from: sender, to: ACS_NUMBER, message: 'Hello, where is my claim?', receivedTimestamp: new Date().toISOString() });
    expect((await grid([event])).status).toBe(200);
    const call = await eventually(async () => {
      const c = Call.parse(await (await env.api(`/call/${encodeURIComponent(sender)}`)).json());
      return c.messages.length >= 2 ? c : undefined;
    }, 20_000, 'SMS reply');
    expect(call.messages.map((m) => [m.persona, m.action, m.content])).toEqual([
      ['human', 'sms', 'Hello, where is my claim?'],
      ['assistant', 'sms', 'Thanks for your message! A colleague will call you back tomorrow morning.'],
    ]);
    const sent = env.acs.requests.filter((r) => r.op === 'sms').slice(before);
    expect(sent.length).toBe(1);
    expect(sent[0]?.body).toMatchObject({ from: ACS_NUMBER, smsRecipients: [{ to: sender }], message: 'Thanks for your message! A colleague will call you back tomorrow morning.' });
    // The model saw the SMS; the fast model answers chat.
    const chat = llm.requests.at(-1)!;
    expect(chat.model).toBe('fast-model');
    expect(JSON.stringify(chat.messages)).toMatch(/where is my claim/);
  });
});
