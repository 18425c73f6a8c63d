/**
 * The other two carriers end to end: Twilio (μ-law 8 kHz in and out, resampled for the VAD, `clear`
 * on barge-in with the stream id) and the softphone page protocol (binary PCM both ways, `clear`,
 * DTMF and the latency event). Real speech through real Silero, in real time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mulawEncode } from '../../dsp/codecs/index.ts';
import { Resampler } from '../../dsp/resample/index.ts';
import type { CallEngineFactory, TurnEvent } from '../call/engine-port.ts';
import { BargeInError } from '../call/errors.ts';
import { startHarness, type Harness } from './harness.ts';
import { buildFixture, speak, type SpeechFixture } from './speech-fixture.ts';
import { realTime } from './realtime.ts';
import { MediaClient } from './ws-client.ts';

let h: Harness;
let fixture: SpeechFixture;
let agentVoice: Int16Array;
const events = new Map<string, TurnEvent[]>();

const engineFactory: CallEngineFactory = (ports) => {
  let turn: AbortController | undefined;
  return {
    start: async () => {},
    pushCallerAudio: () => {},
    onTurnEvent: (event) => {
      if (event.type === 'turn_end' && turn === undefined) {
        const ctl = new AbortController();
        turn = ctl;
        void (async () => {
          for (let i = 0; i + 1600 <= agentVoice.length; i += 1600) await ports.outbound.write(agentVoice.subarray(i, i + 1600), { turnId: 'a1', segmentId: 1 }, ctl.signal);
        })().catch(() => {});
      }
      if (event.type === 'bargein') turn?.abort(new BargeInError(event.onsetMs));
    },
    close: async () => turn?.abort(),
  };
};

beforeAll(async () => {
  fixture = buildFixture([600, 'Hello, my phone line is dead.', 2800, 'Hold on, let me check something.', 1200]);
  agentVoice = speak('I am sorry about that. Let me look at your line. Could you tell me since when it has been dead, and whether other phones in the house work?');
  h = await startHarness(
    {},
    {
      engineFactory,
      observer: { onTurnEvent: (id, e) => (events.get(id) ?? events.set(id, []).get(id)!).push(e) },
    },
  );
});
afterAll(() => h.close());

const types = (id: string) => (events.get(id) ?? []).map((e) => e.type).filter((t) => t !== 'speech_resumed' && t !== 'silence_start');

describe('Twilio Media Streams', () => {
  it('hears μ-law speech, answers in μ-law with the stream id, and sends clear on barge-in', async () => {
    const callId = crypto.randomUUID();
    const client = await MediaClient.connect(h.mediaUrl('twilio', callId));
    const sid = 'MZ00000000000000000000000000000001';
    await client.send(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }));
    await client.send(
      JSON.stringify({ event: 'start', sequenceNumber: '1', start: { streamSid: sid, callSid: 'CA1', tracks: ['inbound'], mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } }, streamSid: sid }),
    );
    const down = new Resampler(16000, 8000);
    const pcm8 = new Int16Array(down.maxOutputLength(320));
    const mu = new Uint8Array(pcm8.length);
    await realTime(Math.floor(fixture.pcm.length / 320), (f) => {
      const n = down.process(fixture.pcm.subarray(f * 320, (f + 1) * 320), pcm8);
      mulawEncode(pcm8.subarray(0, n), mu.subarray(0, n));
      const payload = Buffer.from(mu.subarray(0, n)).toString('base64');
      client.post(JSON.stringify({ event: 'media', sequenceNumber: String(f + 2), media: { track: 'inbound', chunk: String(f + 1), timestamp: String(f * 20), payload }, streamSid: sid }));
    });
    await expect.poll(() => types(callId).filter((t) => t === 'turn_end').length, { timeout: 10_000 }).toBe(2);
    expect(types(callId)).toEqual(['speech_start', 'turn_end', 'bargein', 'speech_start', 'turn_end']);
    const media = client.messages.filter((m) => m.text?.startsWith('{"event":"media"'));
    expect(media.length).toBeGreaterThan(20);
    const first = JSON.parse(media[0]!.text!);
    expect(first.streamSid).toBe(sid);
    const bytes = Buffer.from(first.media.payload, 'base64');
    expect(bytes.length).toBe(160); // 20 ms of 8 kHz μ-law
    const clear = await client.waitFor((m) => m.text?.startsWith('{"event":"clear"') === true);
    expect(JSON.parse(clear.text!)).toEqual({ event: 'clear', streamSid: sid });
    expect(client.messages.filter((m) => m.text?.startsWith('{"event":"media"') && m.atMs > clear.atMs)).toEqual([]);
    await client.send(JSON.stringify({ event: 'stop', sequenceNumber: '999', streamSid: sid, stop: { callSid: 'CA1' } }));
    expect((await client.closed).code).toBe(1000);
  }, 60_000);
});

describe('softphone page protocol', () => {
  it('takes binary PCM, answers in binary PCM, clears on barge-in, reports latency and DTMF', async () => {
    const callId = crypto.randomUUID();
    const client = await MediaClient.connect(h.mediaUrl('softphone', callId));
    await client.send('{"type":"hello"}');
    await client.send('{"type":"dtmf","digit":"4"}');
    await realTime(Math.floor(fixture.pcm.length / 320), (f) => client.post(new Uint8Array(fixture.pcm.buffer, fixture.pcm.byteOffset + f * 640, 640)));
    await expect.poll(() => types(callId).filter((t) => t === 'turn_end').length, { timeout: 10_000 }).toBe(2);
    expect(types(callId)).toEqual(['dtmf', 'speech_start', 'turn_end', 'bargein', 'speech_start', 'turn_end']);
    const audio = client.messages.filter((m) => m.binary);
    expect(audio.length).toBeGreaterThan(20);
    expect(audio.every((m) => m.bytes.length === 640)).toBe(true);
    const clear = await client.waitFor((m) => m.text === '{"type":"clear"}');
    expect(client.messages.filter((m) => m.binary && m.atMs > clear.atMs)).toEqual([]);
    const latency = client.messages.find((m) => m.text?.includes('"type":"latency"'));
    expect(JSON.parse(latency!.text!).answer_ms).toBeGreaterThan(400); // from the last voiced frame: includes the 500 ms silence wait
    await client.send('{"type":"hangup"}');
    expect((await client.closed).code).toBe(1000);
  }, 60_000);
});
