/**
 * Echo-aware barge-in end to end: the caller's phone plays the agent's audio back into its
 * microphone (120 ms later, 10 dB down), as a handset without echo cancellation would. The echo
 * alone must not interrupt the agent; the caller really talking over it must.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEngineFactory, TurnEvent } from '../call/engine-port.ts';
import { BargeInError } from '../call/errors.ts';
import { startHarness, type Harness } from './harness.ts';
import { buildFixture, speak, type SpeechFixture } from './speech-fixture.ts';
import { acsMetadata, realTime } from './realtime.ts';
import { MediaClient } from './ws-client.ts';

let h: Harness;
let fixture: SpeechFixture;
let agentVoice: Int16Array;
const events: TurnEvent[] = [];
let agentStartedAtMs = -1;

const engineFactory: CallEngineFactory = (ports) => {
  let turn: AbortController | undefined;
  return {
    start: async () => {},
    pushCallerAudio: () => {},
    onTurnEvent: (event) => {
      if (event.type === 'turn_end' && turn === undefined) {
        const ctl = new AbortController();
        turn = ctl;
        agentStartedAtMs = event.atMs;
        void (async () => {
          for (let i = 0; i + 1600 <= agentVoice.length; i += 1600) await ports.outbound.write(agentVoice.subarray(i, i + 1600), { turnId: 'a1', segmentId: 1 }, ctl.signal);
          await ports.outbound.endSegment({ turnId: 'a1', segmentId: 1 }, ctl.signal);
        })().catch(() => {});
      }
      if (event.type === 'bargein') turn?.abort(new BargeInError(event.onsetMs));
    },
    close: async () => turn?.abort(),
  };
};

beforeAll(async () => {
  fixture = buildFixture([800, 'Hello, my laptop does not start.', 3200, 'Wait, that is not what I asked.', 1500]);
  agentVoice = speak(
    'I am sorry to hear that. Let us try a few things together. First, hold the power button for ten seconds, then release it and press it again once.',
  );
  h = await startHarness({}, { engineFactory, observer: { onTurnEvent: (_id, e) => events.push(e) } });
});
afterAll(() => h.close());

describe('echo-aware barge-in', () => {
  it('ignores the agent echo and barges in on the caller', async () => {
    const client = await MediaClient.connect(h.mediaUrl('acs'));
    // The handset: plays received agent audio in real time, and its microphone picks it up again.
    const playing: Int16Array[] = [];
    let played: Int16Array = new Int16Array(0);
    const echoLine = new Int16Array(320 * 6); // 120 ms acoustic + network delay
    client.waitFor((m) => {
      if (m.text?.startsWith('{"kind":"audioData"')) {
        const b = Buffer.from(JSON.parse(m.text).audioData.data, 'base64');
        playing.push(new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)));
      }
      if (m.text?.startsWith('{"kind":"stopAudio"')) playing.length = 0;
      return false;
    });
    await client.send(acsMetadata());
    const frame = new Int16Array(320);
    await realTime(Math.floor(fixture.pcm.length / 320), (f) => {
      // 20 ms of what the handset's speaker plays now.
      const speaker = new Int16Array(320);
      let filled = 0;
      while (filled < 320) {
        if (played.length === 0) {
          const next = playing.shift();
          if (next === undefined) break;
          played = next;
        }
        const n = Math.min(320 - filled, played.length);
        speaker.set(played.subarray(0, n), filled);
        played = played.subarray(n);
        filled += n;
      }
      echoLine.copyWithin(0, 320);
      echoLine.set(speaker, echoLine.length - 320);
      for (let i = 0; i < 320; i++) frame[i] = Math.max(-32768, Math.min(32767, (fixture.pcm[f * 320 + i] as number) + Math.round((echoLine[i] as number) * 0.316)));
      client.post(JSON.stringify({ kind: 'AudioData', audioData: { data: Buffer.from(frame.buffer).toString('base64'), silent: false } }));
    });
    await expect.poll(() => events.filter((e) => e.type === 'turn_end').length, { timeout: 10_000 }).toBe(2);
    const bargeins = events.filter((e) => e.type === 'bargein') as Array<Extract<TurnEvent, { type: 'bargein' }>>;
    expect(bargeins.length).toBe(1);
    // Not the echo: the barge-in is the caller's second sentence (media ≈ call clock here).
    const second = fixture.segments[1]!;
    expect(agentStartedAtMs).toBeGreaterThan(0);
    expect(bargeins[0]!.onsetMs).toBeGreaterThan(second.startMs - 150);
    expect(bargeins[0]!.onsetMs).toBeLessThan(second.startMs + 300);
    client.close();
    await client.closed;
  }, 60_000);
});
