/**
 * The call API on embedded defaults (SQLite store and queue, memory cache, softphone carrier),
 * through a real HTTP server on port 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Call, verifyMediaToken } from '../contract/index.ts';
import { EXAMPLE_CALL, startTestControl, TEST_MEDIA_KEY, TEST_SERVICE_TOKEN, type TestControl } from './helpers/harness.ts';

let t: TestControl;
beforeAll(async () => {
  t = await startTestControl();
});
afterAll(async () => {
  await t?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  t.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('POST /call', () => {
  it('lists every problem of a bad body in error.details (422)', async () => {
    const res = await post('/call', {
      phone_number: '0612',
      bot_name: '',
      prosody_rate: 3,
      claim: [
        { name: 'a b', type: 'text' },
        { name: 'x', type: 'number' },
      ],
      surprise: true,
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { message: string; details: string[] } };
    expect(body.error.message).toMatch(/invalid/);
    const details = body.error.details.join('\n');
    expect(details).toMatch(/^phone_number: .*E\.164/m);
    expect(details).toMatch(/^bot_company: /m);
    expect(details).toMatch(/^bot_name: /m);
    expect(details).toMatch(/^prosody_rate: /m);
    expect(details).toMatch(/^claim\.0\.name: /m);
    expect(details).toMatch(/^claim\.1\.type: /m);
    expect(details).toMatch(/^surprise: unknown field/m);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses invalid JSON with 400 and the envelope', async () => {
    const res = await post('/call', '{"phone_number": ');
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; details: string[] } };
    expect(body.error.message).toBe('request body is not valid JSON');
    expect(body.error.details.length).toBe(1);
  });

  it('refuses duplicate claim names and a non-object body', async () => {
    const dup = await post('/call', { ...EXAMPLE_CALL, claim: [{ name: 'a', type: 'text' }, { name: 'a', type: 'email' }] });
    expect(dup.status).toBe(422);
    expect(((await dup.json()) as { error: { details: string[] } }).error.details.join()).toMatch(/unique/);
    const arr = await post('/call', [1, 2]);
    expect(arr.status).toBe(422);
  });

  it('creates the call with defaults applied (201), rings the softphone, and GET /call/{id} returns it', async () => {
    const res = await post('/call', EXAMPLE_CALL);
    expect(res.status).toBe(201);
    const call = Call.parse(await res.json());
    expect(call.carrier).toBe('softphone');
    expect(call.state).toBe('ringing');
    expect(call.in_progress).toBe(true);
    expect(call.initiate.claim.map((f) => f.name)).toEqual(['policyholder_name', 'policyholder_email', 'policyholder_phone', 'hardware_info', 'first_seen', 'building_location']);
    expect(call.initiate.prosody_rate).toBe(1);
    expect(call.initiate.lang?.default_short_code).toBe('en-US');
    expect(Object.keys(call.claim).sort()).toEqual(['building_location', 'first_seen', 'hardware_info', 'policyholder_email', 'policyholder_name', 'policyholder_phone']);

    const got = await t.request(`/call/${call.call_id}`);
    expect(got.status).toBe(200);
    expect(Call.parse(await got.json()).call_id).toBe(call.call_id);

    const byPhone = await t.request(`/call/${encodeURIComponent(EXAMPLE_CALL.phone_number)}`);
    expect(byPhone.status).toBe(200);
    expect(((await byPhone.json()) as Call).call_id).toBe(call.call_id);

    const ringing = (await (await t.request('/softphone/ringing')).json()) as { calls: Array<{ call_id: string; media_url: string }> };
    const mine = ringing.calls.find((c) => c.call_id === call.call_id);
    expect(mine).toBeDefined();
    const url = new URL(mine!.media_url);
    expect(url.pathname).toBe(`/media/softphone/${call.call_id}`);
    const check = verifyMediaToken(TEST_MEDIA_KEY, url.searchParams.get('token') ?? '', { callId: call.call_id, carrier: 'softphone' }, Math.floor(Date.now() / 1000));
    expect(check.ok).toBe(true);
  });

  it('continues the same call for an identical request within the callback window, a new one otherwise', async () => {
    const body = { ...EXAMPLE_CALL, phone_number: '+33700000001' };
    const first = Call.parse(await (await post('/call', body)).json());
    // Still ringing: the identical request returns that call.
    const again = Call.parse(await (await post('/call', body)).json());
    expect(again.call_id).toBe(first.call_id);
    const other = Call.parse(await (await post('/call', { ...body, task: 'Something else' })).json());
    expect(other.call_id).not.toBe(first.call_id);
  });

  it('reopens an ended call for an identical request within the window, keeping its conversation', async () => {
    const body = { ...EXAMPLE_CALL, phone_number: '+33700000002' };
    const first = Call.parse(await (await post('/call', body)).json());
    const at = new Date().toISOString();
    const events = [
      { type: 'message_added', event_id: 'm1', at, message: { created_at: at, persona: 'human', action: 'talk', content: 'Call me back later.' } },
      { type: 'call_ended', event_id: 'end', at, reason: 'caller_hangup' },
    ];
    const headers = { authorization: `Bearer ${TEST_SERVICE_TOKEN}` };
    expect((await post(`/internal/calls/${first.call_id}/events`, { events }, headers)).status).toBe(200);
    const again = Call.parse(await (await post('/call', body)).json());
    expect(again).toMatchObject({ call_id: first.call_id, state: 'ringing', in_progress: true });
    expect(again.messages.map((m) => m.content)).toEqual(['Call me back later.']);
  });

  it('GET /call lists the latest calls, filtered by phone number; bad references are 4xx', async () => {
    const list = (await (await t.request('/call?phone_number=%2B33700000001')).json()) as Call[];
    expect(list.length).toBe(2);
    expect(list.every((c) => c.initiate.phone_number === '+33700000001')).toBe(true);
    expect((await t.request('/call?phone_number=123')).status).toBe(422);
    expect((await t.request('/call/not-a-call')).status).toBe(422);
    const missing = await t.request('/call/7d7ab0f6-6a63-4f0e-9d38-1f2b5b0a5f00');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/not found/);
  });
});

describe('health, metrics, errors', () => {
  it('is live and ready on embedded defaults', async () => {
    expect((await t.request('/health/liveness')).status).toBe(200);
    const ready = await t.request('/health/readiness');
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { checks: Record<string, { ok: boolean }> };
    expect(Object.keys(body.checks).sort()).toEqual(['acs', 'cache', 'llm', 'queue', 'store']);
  });

  it('answers unknown routes and oversized bodies with the envelope', async () => {
    const res = await t.request('/nope');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { details: string[] } }).error.details).toEqual([]);
    const big = await post('/call', JSON.stringify({ ...EXAMPLE_CALL, task: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
  });

  it('serves the softphone page at /', async () => {
    const res = await t.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/softphone\.js/);
  });
});
