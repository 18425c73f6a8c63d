/**
 * ACS flows through the real Call Automation SDK against the REST stand-in: outbound call with
 * media streaming to the gateway, callback verification (JWT + per-call secret), transfer
 * (accepted, failed), hang-up, recording, and the language menu.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionResult, Call, INTERNAL_PATHS, verifyMediaToken } from '../contract/index.ts';
import { ACS_NUMBER, API_KEY, GATEWAY_URL, PUBLIC_URL, startAcsEnv, type AcsEnv } from './helpers/acs-env.ts';
import { EXAMPLE_CALL, eventually, TEST_MEDIA_KEY } from './helpers/harness.ts';

let env: AcsEnv;
beforeAll(async () => {
  env = await startAcsEnv();
});
afterAll(async () => {
  await env?.close();
});

async function placeCall(body: Record<string, unknown> = EXAMPLE_CALL): Promise<{ call: Call; connectionId: string; callbackUri: URL }> {
  const res = await env.api('/call', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  const call = Call.parse(await res.json());
  const create = env.acs.requests.filter((r) => r.op === 'createCall').at(-1);
  expect(create?.body.operationContext).toBe(call.call_id);
  const connectionId = call.connection_id ?? '';
  expect(env.acs.connections.has(connectionId)).toBe(true);
  return { call, connectionId, callbackUri: new URL(String(create?.body.callbackUri)) };
}

const getCall = async (id: string): Promise<Call> => Call.parse(await (await env.api(`/call/${id}`)).json());

describe('API key', () => {
  it('is required once configured (X-API-Key or Bearer)', async () => {
    expect((await env.t.request('/call')).status).toBe(401);
    expect((await env.t.request('/call', { headers: { 'x-api-key': 'wrong' } })).status).toBe(401);
    expect((await env.t.request('/call', { headers: { authorization: `Bearer ${API_KEY}` } })).status).toBe(200);
    expect((await env.t.request('/health/readiness')).status).toBe(200);
  });
});

describe('outbound call', () => {
  it('creates the call through the SDK with media streaming to the gateway and a per-call callback secret', async () => {
    const { call, callbackUri } = await placeCall();
    expect(call.carrier).toBe('acs');
    const create = env.acs.requests.filter((r) => r.op === 'createCall').at(-1)!;
    expect(create.apiVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
    // The SDK signed with the connection string's access key, and the stand-in checked it.
    expect(env.acs.unauthorized).toEqual([]);
    expect(create.body.targets).toEqual([expect.objectContaining({ phoneNumber: expect.objectContaining({ value: EXAMPLE_CALL.phone_number }) })]);
    expect(create.body.sourceCallerIdNumber).toEqual(expect.objectContaining({ value: ACS_NUMBER }));
    const media = create.body.mediaStreamingOptions as Record<string, unknown>;
    expect(media).toMatchObject({ transportType: 'websocket', contentType: 'audio', audioChannelType: 'mixed', startMediaStreaming: true, enableBidirectional: true, audioFormat: 'Pcm16KMono' });
    const transport = new URL(String(media.transportUrl));
    expect(`${transport.protocol}//${transport.host}`).toBe(GATEWAY_URL);
    expect(transport.pathname).toBe(`/media/acs/${call.call_id}`);
    const token = verifyMediaToken(TEST_MEDIA_KEY, transport.searchParams.get('token') ?? '', { callId: call.call_id, carrier: 'acs' }, Math.floor(Date.now() / 1000));
    expect(token.ok).toBe(true);
    expect(`${callbackUri.origin}${callbackUri.pathname}`).toBe(`${PUBLIC_URL}/webhooks/acs/${call.call_id}`);
    expect(callbackUri.searchParams.get('secret')?.length).toBeGreaterThanOrEqual(40);

    // Each call gets its own secret.
    const other = await placeCall({ ...EXAMPLE_CALL, phone_number: '+33700000201' });
    expect(other.callbackUri.searchParams.get('secret')).not.toBe(callbackUri.searchParams.get('secret'));
  });

  it('records the connection and starts recording on CallConnected', async () => {
    const { call, connectionId } = await placeCall({ ...EXAMPLE_CALL, phone_number: '+33700000202' });
    expect(await env.acs.emit(connectionId, 'CallConnected')).toBe(204);
    const stored = await getCall(call.call_id);
    expect(stored.state).toBe('connected');
    expect(stored.connection_id).toBe(connectionId);
    const recording = env.acs.requests.filter((r) => r.op === 'startRecording').at(-1);
    expect(recording?.body).toMatchObject({ callLocator: { kind: 'serverCallLocator', serverCallId: env.acs.connections.get(connectionId)?.serverCallId }, recordingContentType: 'audio' });
  });
});

describe('callback verification', () => {
  it('refuses forged, expired, wrong-audience, wrong-issuer and missing tokens, and wrong secrets: 401, nothing changed', async () => {
    const { call, connectionId, callbackUri } = await placeCall({ ...EXAMPLE_CALL, phone_number: '+33700000203' });
    const now = Math.floor(Date.now() / 1000);
    const tokens = {
      forged: await env.jwks.sign({ forged: true }),
      expired: await env.jwks.sign({ expSec: now - 120 }),
      audience: await env.jwks.sign({ audience: 'someone-else' }),
      issuer: await env.jwks.sign({ issuer: 'https://evil.example' }),
    };
    for (const [why, token] of Object.entries(tokens)) {
      expect(await env.acs.emit(connectionId, 'CallConnected', {}, { token }), why).toBe(401);
    }
    expect(await env.acs.emit(connectionId, 'CallConnected', {}, { token: null })).toBe(401);
    // A valid token with a wrong or missing secret.
    const good = await env.jwks.sign();
    const path = `/webhooks/acs/${call.call_id}`;
    const body = JSON.stringify([{ id: 'x1', type: 'Microsoft.Communication.CallDisconnected', data: { callConnectionId: connectionId } }]);
    for (const query of ['?secret=not-the-secret', '', `?secret=${callbackUri.searchParams.get('secret')}x`]) {
      const res = await env.t.request(`${path}${query}`, { method: 'POST', headers: { authorization: `Bearer ${good}`, 'content-type': 'application/json' }, body });
      expect(res.status).toBe(401);
    }
    // Another call's secret does not open this call.
    const other = await placeCall({ ...EXAMPLE_CALL, phone_number: '+33700000204' });
    const cross = await env.t.request(`${path}?secret=${other.callbackUri.searchParams.get('secret')}`, { method: 'POST', headers: { authorization: `Bearer ${good}` }, body });
    expect(cross.status).toBe(401);
    const bogus = await env.t.request(`/webhooks/acs/${'x'.repeat(300)}?secret=s`, { method: 'POST', headers: { authorization: `Bearer ${good}` }, body });
    expect(bogus.status).toBe(401);
    const stored = await getCall(call.call_id);
    expect(stored).toMatchObject({ state: 'ringing', in_progress: true, revision: call.revision });
    // The real thing passes.
    expect(await env.acs.emit(connectionId, 'CallConnected')).toBe(204);
    expect((await getCall(call.call_id)).state).toBe('connected');
  });
});

describe('transfer and hang-up', () => {
  async function connectedCall(phone: string) {
    const placed = await placeCall({ ...EXAMPLE_CALL, phone_number: phone });
    expect(await env.acs.emit(placed.connectionId, 'CallConnected')).toBe(204);
    return placed;
  }
  const act = (callId: string, actionId: string, action: unknown) => env.t.internal(INTERNAL_PATHS.actions(callId), { action_id: actionId, action });

  it('transfers to the agent and reports CallTransferAccepted', async () => {
    const { call, connectionId } = await connectedCall('+33700000205');
    const pending = act(call.call_id, 'tr-ok', { type: 'transfer' });
    const request = await eventually(async () => env.acs.requests.find((r) => r.op === 'transferToParticipant' && r.connectionId === connectionId), 20_000, 'transfer request');
    expect(request.body).toMatchObject({ targetParticipant: { phoneNumber: { value: EXAMPLE_CALL.agent_phone_number } }, operationContext: 'tr-ok' });
    expect(await env.acs.emit(connectionId, 'CallTransferAccepted', { operationContext: 'tr-ok', resultInformation: { code: 200, subCode: 7015, message: 'The transfer operation completed successfully.' } })).toBe(204);
    expect(ActionResult.parse(await (await pending).json())).toEqual({ ok: true, detail: 'transfer accepted' });
  });

  it('reports CallTransferFailed with the carrier reason', async () => {
    const { call, connectionId } = await connectedCall('+33700000206');
    const pending = act(call.call_id, 'tr-ko', { type: 'transfer', target: '+33611111111' });
    await eventually(async () => env.acs.requests.find((r) => r.op === 'transferToParticipant' && r.connectionId === connectionId), 20_000, 'transfer request');
    expect(await env.acs.emit(connectionId, 'CallTransferFailed', { operationContext: 'tr-ko', resultInformation: { code: 500, subCode: 8522, message: 'Call declined by the target.' } })).toBe(204);
    const result = ActionResult.parse(await (await pending).json());
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/declined/);
  });

  it('hangs up for everyone; CallDisconnected ends the call and queues its post-call job', async () => {
    const { call, connectionId } = await connectedCall('+33700000207');
    const result = ActionResult.parse(await (await act(call.call_id, 'hang-1', { type: 'hangup' })).json());
    expect(result.ok).toBe(true);
    expect(env.acs.requests.filter((r) => r.op === 'terminate' && r.connectionId === connectionId).length).toBe(1);
    expect(await env.acs.emit(connectionId, 'CallDisconnected')).toBe(204);
    const ended = await getCall(call.call_id);
    expect(ended).toMatchObject({ state: 'ended', in_progress: false });
    // The job exists: enqueueing its id again adds nothing.
    expect(await env.t.control.deps.queue.enqueue({ id: `post_call:${call.call_id}`, kind: 'post_call', payload: { call_id: call.call_id } })).toBe(false);
  });

  it('plays text with the call voice', async () => {
    const { call, connectionId } = await connectedCall('+33700000208');
    const result = ActionResult.parse(await (await act(call.call_id, 'play-1', { type: 'play', text: 'Please hold.' })).json());
    expect(result.ok).toBe(true);
    const play = env.acs.requests.filter((r) => r.op === 'play' && r.connectionId === connectionId).at(-1);
    expect(play?.body).toMatchObject({ playSources: [{ kind: 'text', text: { text: 'Please hold.', voiceName: 'en-US-AvaMultilingualNeural', sourceLocale: 'en-US' } }] });
  });

  it('reports a carrier refusal of the call as 502 with the envelope', async () => {
    env.acs.failNext('createCall', 403);
    const res = await env.api('/call', { method: 'POST', body: JSON.stringify({ ...EXAMPLE_CALL, phone_number: '+33700000209' }) });
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: { message: string; details: string[] } };
    expect(body.error.details.join()).toMatch(/403/);
  });
});

describe('language menu (IVR)', () => {
  it('defers media streaming, asks for the language by DTMF or speech, records the choice, then streams', async () => {
    const lang = {
      default_short_code: 'en-US',
      availables: [
        { short_code: 'en-US', voice: 'en-US-AvaMultilingualNeural', pronunciations_en: ['English'] },
        { short_code: 'fr-FR', voice: 'fr-FR-VivienneMultilingualNeural', pronunciations_en: ['French', 'Français'] },
      ],
    };
    const { call, connectionId } = await placeCall({ ...EXAMPLE_CALL, phone_number: '+33700000210', lang });
    const create = env.acs.requests.filter((r) => r.op === 'createCall').at(-1)!;
    expect((create.body.mediaStreamingOptions as { startMediaStreaming: boolean }).startMediaStreaming).toBe(false);
    expect(await env.acs.emit(connectionId, 'CallConnected')).toBe(204);
    const recognize = env.acs.requests.filter((r) => r.op === 'recognize' && r.connectionId === connectionId).at(-1);
    expect(recognize?.body).toMatchObject({
      recognizeInputType: 'choices',
      operationContext: 'ivr:language',
      recognizeOptions: {
        targetParticipant: { phoneNumber: { value: '+33700000210' } },
        choices: [
          { label: 'en-US', phrases: ['English'], tone: 'one' },
          { label: 'fr-FR', phrases: ['French', 'Français'], tone: 'two' },
        ],
      },
      playPrompt: { kind: 'text', text: { text: 'For English, press 1. For French, press 2.' } },
    });
    expect(await env.acs.emit(connectionId, 'RecognizeCompleted', { operationContext: 'ivr:language', recognitionType: 'choices', choiceResult: { label: 'fr-FR', recognizedPhrase: 'two' } })).toBe(204);
    expect((await getCall(call.call_id)).lang_short_code).toBe('fr-FR');
    expect(env.acs.requests.filter((r) => r.op === 'startMediaStreaming' && r.connectionId === connectionId).length).toBe(1);
  });
});
