/**
 * A conversation through the real gateway path: a WebSocket client speaks the ACS protocol and
 * plays espeak-ng speech in real time; uWebSockets.js, the DSP/Silero turn machine and the
 * outbound pacer are the gateway's own; the conversation engine runs on the LLM, STT and TTS
 * stand-ins; control is the stub. The caller is greeted, is answered (speculatively), interrupts
 * the answer, and the stored assistant message is cut to what was heard.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlmStandin, type LlmStandin } from '../../bench/standins/llm-server.ts';
import { startSttStandin, type SttStandin } from '../../bench/standins/stt-server.ts';
import { startTtsStandin, type TtsStandin } from '../../bench/standins/tts-server.ts';
import { EventBatch, type ConversationEvent, type Message } from '../../control/contract/index.ts';
import type { CallEngineFactory } from '../call/engine-port.ts';
import { createEngineFactory, silentLogger } from '../engine/index.ts';
import { startHarness, type Harness } from './harness.ts';
import { buildFixture, type SpeechFixture } from './speech-fixture.ts';
import { playAsAcs } from './realtime.ts';
import { MediaClient } from './ws-client.ts';

const S1 = 'I would like to report a broken laptop';
const S2 = 'Wait, stop, I have another question';
const ANSWER =
  'I am sorry to hear about your laptop. Let me open a claim for you right away. ' +
  'First I will need the model of the laptop and when it stopped working. ' +
  'Then I will check whether the warranty still covers the damage, which usually takes a few minutes. ' +
  'Finally we will agree on how the repair or the replacement will be organised for you.';

let h: Harness;
let llm: LlmStandin;
let stt: SttStandin;
let tts: TtsStandin;
let fixture: SpeechFixture;
let playStart = 0;
const given = new Set<number>();
const turnEvents: Array<{ atMs: number; type: string }> = [];

/** The text of the fixture sentence being played when the recognizer hears voice (once each). */
function transcriptNow(): string {
  const t = performance.now() - playStart;
  const texts = [S1, S2];
  for (const [i, seg] of fixture.segments.entries()) {
    if (t >= seg.startMs - 300 && t <= seg.endMs + 800 && !given.has(i)) {
      given.add(i);
      return texts[i] ?? '';
    }
  }
  return '';
}

beforeAll(async () => {
  fixture = buildFixture([2500, `${S1}.`, 2600, `${S2}.`, 2500]);
  llm = await startLlmStandin({
    ttftMs: 150,
    tokensPerSec: 80,
    respond: (req) => {
      const last = String(req.messages.at(-1)?.content ?? '');
      return { content: last.includes('laptop') ? ANSWER : 'Of course, go ahead.' };
    },
  });
  stt = await startSttStandin({ finalDelayMs: 100, transcript: () => transcriptNow() });
  tts = await startTtsStandin({ ttfbMs: 60, realtimeFactor: 4, msPerChar: 20 });
  let factory: CallEngineFactory | undefined;
  h = await startHarness(
    {
      llm: { fast: { model: 'fast', endpoint: llm.url, api_key: 'k' }, slow: { model: 'slow', endpoint: llm.url, api_key: 'k' } },
      stt: { provider: 'standin', standin: { url: stt.url } },
      tts: { provider: 'standin', standin: { url: tts.url } },
      features: { speculative_turns: true },
    },
    { engineFactory: (ports) => (factory as CallEngineFactory)(ports), observer: { onTurnEvent: (_id, e) => turnEvents.push({ atMs: Math.round(performance.now() - playStart), type: e.type }) } },
  );
  factory = createEngineFactory(h.config, { log: silentLogger, search: null });
});

afterAll(async () => {
  await h?.close();
  await Promise.all([llm?.close(), stt?.close(), tts?.close()]);
});

function postedEvents(callId: string): ConversationEvent[] {
  return h.control.requests
    .filter((r) => r.method === 'POST' && r.path.endsWith(`/calls/${callId}/events`))
    .flatMap((r) => EventBatch.parse(r.body).events);
}

describe('conversation through the real gateway (ACS protocol, Silero, pacer, engine, stand-ins)', () => {
  it('greets, answers speculatively, is interrupted, and keeps only what the caller heard', async () => {
    const callId = randomUUID();
    const client = await MediaClient.connect(h.mediaUrl('acs', callId));
    await client.waitFor((m) => m.text?.startsWith('{"kind":"audioData"') === true); // the greeting
    await playAsAcs(client, fixture.pcm, { markSilent: false, onStart: (t) => (playStart = t) });
    const messages = () => postedEvents(callId).flatMap((e) => (e.type === 'message_added' ? [e.message] : []));
    await expect.poll(() => messages().length, { timeout: 20_000 }).toBeGreaterThanOrEqual(5).catch((e: unknown) => {
      console.log(JSON.stringify({ messages: messages(), events: postedEvents(callId).map((e) => e.type), stt: stt.sessions, llm: llm.requests.map((r) => r.messages.at(-1)), tts: tts.requests.map((r) => r.text) }, null, 1));
      throw e;
    });

    const [hello, human1, answer1, human2, answer2] = messages() as [Message, Message, Message, Message, Message];
    expect(hello).toMatchObject({ persona: 'assistant', content: 'Hello, this is Amélie from Contoso. How can I help you?' });
    expect(human1).toMatchObject({ persona: 'human', content: S1 });
    // Cut by the caller: a heard prefix of the answer, marked interrupted.
    expect(answer1.persona).toBe('assistant');
    expect(answer1.interrupted).toBe(true);
    expect(answer1.content.length).toBeGreaterThan(10);
    expect(answer1.content.length).toBeLessThan(ANSWER.length - 40);
    expect(ANSWER.startsWith(answer1.content.replace(/[.,]?$/, ''))).toBe(true);
    expect(human2).toMatchObject({ persona: 'human', content: S2 });
    expect(answer2).toMatchObject({ persona: 'assistant', content: 'Of course, go ahead.' });

    // The model never saw the unheard rest of the first answer.
    const second = llm.requests.find((r) => JSON.stringify(r.messages).includes(S2));
    expect(JSON.stringify(second?.messages)).not.toContain('Finally we will agree');

    const timings = postedEvents(callId).flatMap((e) => (e.type === 'turn_timings' ? [e.timings] : []));
    expect(timings[0]).toMatchObject({ bargein: true });
    expect(timings[0]?.llm_ttft_ms).toBeGreaterThan(0);
    // The carrier was told to stop, and the metrics have the engine's stages.
    expect(client.messages.some((m) => m.text === '{"kind":"stopAudio","stopAudio":{}}')).toBe(true);
    const metrics = await (await fetch(`http://127.0.0.1:${h.gateway.port}/metrics`)).text();
    expect(metrics).toMatch(/call_llm_ttft_count\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/call_tts_ttfb_count\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/call_answer_latency_count\{[^}]*\} [1-9]/);
    expect(stt.sessions.find((s) => s.callId === callId)).toBeDefined();
    client.close();
    await client.closed;
  }, 60_000);
});
