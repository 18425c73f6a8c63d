/**
 * Bad input of every kind, over real sockets: each is counted, refused, or closes only the
 * offending call with a fitting close code; a healthy call on the same gateway carries on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.ts';
import { MediaClient } from './ws-client.ts';

let h: Harness;
let healthy: MediaClient;
const audio = (data: string) => JSON.stringify({ kind: 'AudioData', audioData: { data, silent: false } });
const GOOD = audio(Buffer.alloc(640).toString('base64'));

beforeAll(async () => {
  h = await startHarness();
  healthy = await MediaClient.connect(h.mediaUrl('acs'));
});
afterAll(async () => {
  healthy.close();
  await h.close();
});

async function rejected(reason: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${h.gateway.port}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^call_frames_rejected_total\\{[^}]*reason="${reason}"[^}]*\\} (\\d+)`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);
}

/** Sends then proves the call is still up by a round trip through its socket. */
async function stillOpen(client: MediaClient): Promise<boolean> {
  await client.send(GOOD);
  return client.open;
}

describe('bad input', () => {
  it('counts malformed JSON, bad base64, wrong sizes and unknown kinds, and keeps the call', async () => {
    const c = await MediaClient.connect(h.mediaUrl('acs'));
    for (const m of ['{"kind":"AudioData",', 'null', '[]', audio('@@@@'), audio('AAA'), audio('AAAA'), '{"kind":"NewKind"}', '{"audioData":{}}']) await c.send(m);
    expect(await stillOpen(c)).toBe(true);
    await expect.poll(() => rejected('bad_json'), { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(await rejected('bad_base64')).toBeGreaterThanOrEqual(2);
    expect(await rejected('bad_size')).toBeGreaterThanOrEqual(1);
    expect(await rejected('unknown_kind')).toBeGreaterThanOrEqual(1);
    expect(await rejected('bad_field')).toBeGreaterThanOrEqual(1);
    c.close();
    await c.closed;
  });

  it('closes a call that keeps sending garbage with 1007', async () => {
    const c = await MediaClient.connect(h.mediaUrl('acs'));
    for (let i = 0; i < 60 && c.open; i++) c.post('not json at all');
    expect((await c.closed).code).toBe(1007);
  });

  it('closes with 1003 on a binary frame to a text-only carrier', async () => {
    const c = await MediaClient.connect(h.mediaUrl('twilio'));
    await c.send(new Uint8Array(160));
    expect((await c.closed).code).toBe(1003);
  });

  it('refuses odd-sized softphone audio without closing', async () => {
    const c = await MediaClient.connect(h.mediaUrl('softphone'));
    await c.send(new Uint8Array(641));
    await c.send(new Uint8Array(640));
    expect(await stillOpen(c)).toBe(true);
    await expect.poll(() => rejected('bad_size'), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    c.close();
    await c.closed;
  });

  it('closes an oversized message with 1009, and cuts a huge one at the socket', async () => {
    const c = await MediaClient.connect(h.mediaUrl('acs'));
    c.post(audio(Buffer.alloc(30_000).toString('base64')));
    expect((await c.closed).code).toBe(1009);
    await expect.poll(() => rejected('too_big'), { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    const huge = await MediaClient.connect(h.mediaUrl('acs'));
    huge.post(new Uint8Array(200_000));
    expect((await huge.closed).code).toBe(1006); // uWS drops the connection before buffering it
  });

  it('closes a flood with 1008 after counting it', async () => {
    const c = await MediaClient.connect(h.mediaUrl('acs'));
    for (let i = 0; i < 400 && c.open; i++) c.post(GOOD);
    expect((await c.closed).code).toBe(1008);
    await expect.poll(() => rejected('flood'), { timeout: 10_000 }).toBeGreaterThanOrEqual(75);
  });

  it('never hurt the healthy call on the same gateway', async () => {
    expect(await stillOpen(healthy)).toBe(true);
    expect(h.gateway.activeCalls()).toBe(1);
  });
});
