/**
 * Twilio: outbound calls through the real SDK (against a REST stand-in), webhooks verified with
 * `X-Twilio-Signature`, TwiML streaming the call to the gateway with a signed token, status
 * callbacks ending calls, transfer and hang-up by updating the live call.
 */
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionResult, Call, INTERNAL_PATHS, verifyMediaToken } from '../contract/index.ts';
import { EXAMPLE_CALL, startTestControl, TEST_MEDIA_KEY, type TestControl } from './helpers/harness.ts';
import { startTwilioStandin, type TwilioStandin } from './twilio-standin.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'twilio-auth-token-for-tests';
const PUBLIC = 'https://control.example.test';

let t: TestControl;
let tw: TwilioStandin;
beforeAll(async () => {
  tw = await startTwilioStandin(SID, TOKEN);
  t = await startTestControl(
    { control: { public_url: PUBLIC }, gateway: { public_url: 'wss://gateway.example.test' }, twilio: { account_sid: SID, auth_token: TOKEN, phone_number: '+15550002222' }, sms: { provider: 'twilio' } },
    { twilioClientOptions: { httpClient: tw.httpClient } },
  );
});
afterAll(async () => {
  await t?.close();
  await tw?.close();
});

/** Posts a webhook as Twilio does: form body, signature over the public URL and the params. */
function webhook(pathAndQuery: string, params: Record<string, string>, signature?: string) {
  const sig = signature ?? twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}${pathAndQuery}`, params);
  return t.request(pathAndQuery, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig }, body: new URLSearchParams(params).toString() });
}

function streamOf(twiml: string): URL {
  const match = /<Stream url="([^"]+)"/.exec(twiml);
  expect(match).not.toBeNull();
  return new URL(match![1]!.replace(/&amp;/g, '&'));
}

describe('Twilio', () => {
  let call: Call;

  it('places an outbound call through the REST API with the voice and status webhooks', async () => {
    const res = await t.request('/call', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...EXAMPLE_CALL, phone_number: '+33700000601' }) });
    expect(res.status).toBe(201);
    call = Call.parse(await res.json());
    expect(call.carrier).toBe('twilio');
    const create = tw.requests.find((r) => r.path.endsWith('/Calls.json'))!;
    expect(create.form).toMatchObject({ To: '+33700000601', From: '+15550002222', Url: `${PUBLIC}/webhooks/twilio/voice?call_id=${call.call_id}`, StatusCallback: `${PUBLIC}/webhooks/twilio/status?call_id=${call.call_id}` });
    expect(call.connection_id).toMatch(/^CA/);
  });

  it('answers the voice webhook with TwiML streaming to the gateway with a signed token', async () => {
    const params = { CallSid: call.connection_id!, AccountSid: SID, From: '+15550002222', To: '+33700000601', Direction: 'outbound-api', CallStatus: 'in-progress' };
    const res = await webhook(`/webhooks/twilio/voice?call_id=${call.call_id}`, params);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/xml/);
    const twiml = await res.text();
    expect(twiml).toMatch(/<Response><Connect><Stream url="wss:\/\/gateway\.example\.test\/media\/twilio\//);
    const url = streamOf(twiml);
    expect(url.pathname).toBe(`/media/twilio/${call.call_id}`);
    expect(verifyMediaToken(TEST_MEDIA_KEY, url.searchParams.get('token')!, { callId: call.call_id, carrier: 'twilio' }, Math.floor(Date.now() / 1000)).ok).toBe(true);
    expect(twiml).toContain(`<Parameter name="token" value="${url.searchParams.get('token')}"/>`);
  });

  it('refuses webhooks with a wrong or missing signature', async () => {
    const params = { CallSid: 'CAffff', From: '+33700000602', To: '+15550002222' };
    expect((await webhook('/webhooks/twilio/voice', params, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(401);
    const unsigned = await t.request('/webhooks/twilio/voice', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(unsigned.status).toBe(401);
    // Signed for other parameters: refused.
    const sig = twilio.getExpectedTwilioSignature(TOKEN, `${PUBLIC}/webhooks/twilio/voice`, { ...params, From: '+33700000699' });
    expect((await webhook('/webhooks/twilio/voice', params, sig)).status).toBe(401);
    expect((await (await t.request('/call?phone_number=%2B33700000602')).json()) as unknown[]).toEqual([]);
  });

  it('answers an inbound call and ends it on the status callback', async () => {
    const sid = 'CA00000000000000000000000000000603';
    const res = await webhook('/webhooks/twilio/voice', { CallSid: sid, AccountSid: SID, From: '+33700000603', To: '+15550002222', Direction: 'inbound', CallStatus: 'ringing' });
    expect(res.status).toBe(200);
    const callId = streamOf(await res.text()).pathname.split('/').at(-1)!;
    const inbound = Call.parse(await (await t.request(`/call/${callId}`)).json());
    expect(inbound).toMatchObject({ direction: 'inbound', carrier: 'twilio', connection_id: sid });
    expect((await webhook('/webhooks/twilio/status', { CallSid: sid, AccountSid: SID, CallStatus: 'completed' })).status).toBe(204);
    expect(Call.parse(await (await t.request(`/call/${callId}`)).json())).toMatchObject({ state: 'ended', in_progress: false });
  });

  it('transfers and hangs up by updating the live call', async () => {
    const transfer = ActionResult.parse(await (await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'tw-tr', action: { type: 'transfer' } })).json());
    expect(transfer.ok).toBe(true);
    const update = tw.requests.filter((r) => r.path.endsWith(`/Calls/${call.connection_id}.json`));
    expect(update.at(-1)?.form.Twiml).toBe(`<Response><Dial>${EXAMPLE_CALL.agent_phone_number}</Dial></Response>`);
    const hangup = ActionResult.parse(await (await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'tw-hang', action: { type: 'hangup' } })).json());
    expect(hangup.ok).toBe(true);
    expect(tw.requests.at(-1)?.form.Status).toBe('completed');
  });

  it('sends SMS through Twilio', async () => {
    const sms = ActionResult.parse(await (await t.internal(INTERNAL_PATHS.actions(call.call_id), { action_id: 'tw-sms', action: { type: 'send_sms', message: 'See you soon.' } })).json());
    expect(sms).toEqual({ ok: true, detail: 'sent via twilio' });
    expect(tw.requests.at(-1)).toMatchObject({ path: `/2010-04-01/Accounts/${SID}/Messages.json`, form: { To: '+33700000601', From: '+15550002222', Body: 'See you soon.' } });
  });
});
