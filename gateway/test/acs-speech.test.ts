/**
 * End to end over the ACS protocol with real speech through real Silero: a WebSocket client plays
 * an espeak-ng recording (speech, known silence, speech) in real time as ACS AudioData frames;
 * a stand-in engine answers the first turn with spoken audio, and the second sentence barges in
 * (2.3 s into the answer: past the echo canceller's learning window on a line without echo).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallEngineFactory, TurnEvent } from '../call/engine-port.ts';
import { BargeInError } from '../call/errors.ts';
import { buildFixture, mergeSegments, speak, type SpeechFixture } from './speech-fixture.ts';
import { startHarness, type Harness } from './harness.ts';
import { playAsAcs } from './realtime.ts';
import { MediaClient } from './ws-client.ts';

let h: Harness;
let fixture: SpeechFixture;
const events: TurnEvent[] = [];
const segments: Array<{ startMs: number; endMs: number }> = [];
const bargeIns: Array<{ decisionMs: number; stopSentMs: number; onsetMs: number; perfMs: number }> = [];
let callerAudioSamples = 0;

let agentVoice: Int16Array;

/** A stand-in engine: answers the first turn with ~4 s of espeak speech, aborts on barge-in. */
const engineFactory: CallEngineFactory = (ports) => {
  let answered = false;
  let turn: AbortController | undefined;
  return {
    start: async () => {},
    pushCallerAudio: (pcm) => (callerAudioSamples += pcm.length),
    onTurnEvent: (event) => {
      if (event.type === 'turn_end' && !answered) {
        answered = true;
        const ctl = new AbortController();
        turn = ctl;
        void (async () => {
          for (let i = 0; i + 1600 <= agentVoice.length && i < 40 * 1600; i += 1600) {
            await ports.outbound.write(agentVoice.subarray(i, i + 1600), { turnId: 'answer-1', segmentId: 1 }, ctl.signal);
          }
          await ports.outbound.endSegment({ turnId: 'answer-1', segmentId: 1 }, ctl.signal);
        })().catch(() => {});
      }
      if (event.type === 'bargein') turn?.abort(new BargeInError(event.onsetMs));
    },
    close: async () => turn?.abort(),
  };
};

beforeAll(async () => {
  fixture = buildFixture([1000, 'Hello, I would like to report a broken laptop.', 2800, 'Wait, I have another question about my account.', 1500]);
  agentVoice = speak('I am sorry to hear that. Could you tell me the model of the laptop, when it stopped working, and whether it shows any light at all, please?');
  h = await startHarness(
    {},
    {
      engineFactory,
      observer: {
        onTurnEvent: (_id, e) => events.push(e),
        onVadSegment: (_id, s) => segments.push({ ...s }),
        onBargeIn: (_id, info) => bargeIns.push({ ...info, perfMs: performance.now() }),
      },
    },
  );
});
afterAll(() => h.close());

describe('ACS call with real speech through Silero', () => {
  it('detects speech within ±100 ms of the truth, ends turns, and stops the agent within one frame of a barge-in', async () => {
    const client = await MediaClient.connect(h.mediaUrl('acs'));
    await playAsAcs(client, fixture.pcm, { markSilent: true });
    await expect.poll(() => events.filter((e) => e.type === 'turn_end').length, { timeout: 10_000 }).toBe(2);

    // 1. Speech segments (media time) match the truth.
    const detected = mergeSegments(segments, 300);
    expect(detected.length).toBe(fixture.segments.length);
    fixture.segments.forEach((truth, i) => {
      expect(Math.abs(detected[i]!.startMs - truth.startMs), `segment ${i} start`).toBeLessThanOrEqual(100);
      expect(Math.abs(detected[i]!.endMs - truth.endMs), `segment ${i} end`).toBeLessThanOrEqual(100);
    });

    // 2. The turns: speech, end of turn, the agent answers, the caller barges in, end of turn.
    const types = events.map((e) => e.type).filter((t) => t !== 'speech_resumed' && t !== 'silence_start');
    expect(types).toEqual(['speech_start', 'turn_end', 'bargein', 'speech_start', 'turn_end']);
    const firstEnd = events.find((e) => e.type === 'turn_end') as Extract<TurnEvent, { type: 'turn_end' }>;
    expect(firstEnd.atMs - firstEnd.lastVoicedMs).toBeGreaterThanOrEqual(500);

    // 3. Barge-in: agent audio was playing, StopAudio went out at the decision, nothing after it.
    expect(bargeIns.length).toBe(1);
    const b = bargeIns[0]!;
    expect(b.stopSentMs - b.decisionMs).toBeLessThanOrEqual(20);
    const stop = await client.waitFor((m) => m.text?.startsWith('{"kind":"stopAudio"') === true);
    expect(stop.text).toBe('{"kind":"stopAudio","stopAudio":{}}');
    const audioBefore = client.messages.filter((m) => m.text?.startsWith('{"kind":"audioData"') && m.atMs < stop.atMs);
    const audioAfter = client.messages.filter((m) => m.text?.startsWith('{"kind":"audioData"') && m.atMs > stop.atMs);
    expect(audioBefore.length).toBeGreaterThan(10);
    expect(audioAfter).toEqual([]);
    // Seen from the carrier: StopAudio arrives within a frame of the decision (same process clock).
    const decisionPerf = b.perfMs - (b.stopSentMs - b.decisionMs);
    expect(stop.atMs - decisionPerf).toBeLessThanOrEqual(20);
    // The caller spoke ≥ 250 ms (vad_cutoff_timeout_ms) before the decision.
    expect(b.decisionMs - b.onsetMs).toBeGreaterThanOrEqual(250);

    // 4. The engine got the caller's 16 kHz audio; the metrics have the latencies.
    expect(callerAudioSamples).toBeGreaterThan(fixture.pcm.length * 0.9);
    const metrics = await (await fetch(`http://127.0.0.1:${h.gateway.port}/metrics`)).text();
    expect(metrics).toMatch(/call_answer_latency_count\{carrier="acs"[^}]*\} 1/);
    expect(metrics).toMatch(/call_bargein_latency_count\{carrier="acs"[^}]*\} 1/);
    expect(metrics).toMatch(/call_turn_endpoint_latency_count\{carrier="acs"[^}]*\} 2/);
    client.close();
    await client.closed;
  }, 60_000);
});
