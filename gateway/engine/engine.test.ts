import { afterEach, describe, expect, it } from 'vitest';
import { EngineHarness } from './test/harness.ts';

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('conversation engine: basics', () => {
  it('greets, answers a caller turn sentence by sentence, and stores both sides', async () => {
    h = await EngineHarness.create({ replies: [{ content: '[cheerful] Hello Jane! How can I help you today? I am listening.' }] });
    await h.engine.start();
    await h.until(() => h!.messages().length === 1);
    expect(h.messages()[0]).toMatchObject({ persona: 'assistant', content: 'Hello, this is Amélie from Contoso. How can I help you?' });
    h.speak('Hi, this is Jane');
    await h.turns(1);
    expect(h.spoken().slice(1)).toEqual(['Hello Jane!', 'How can I help you today?', 'I am listening.']);
    expect(h.tts.requests[1]?.style).toBe('cheerful');
    const msgs = h.messages();
    expect(msgs.map((m) => [m.persona, m.content])).toEqual([
      ['assistant', 'Hello, this is Amélie from Contoso. How can I help you?'],
      ['human', 'Hi, this is Jane'],
      ['assistant', 'Hello Jane! How can I help you today? I am listening.'],
    ]);
    const req = h.llm.requests[0]!;
    expect(req.messages[0]?.role).toBe('system');
    expect(String(req.messages[0]?.content)).toContain('Amélie');
    expect(req.messages.at(-1)).toMatchObject({ role: 'user', content: 'Hi, this is Jane' });
    const timings = h.eventsOf('turn_timings')[0]!.timings;
    expect(timings.speculative).toBe(false);
    expect(timings.llm_ttft_ms).toBeGreaterThanOrEqual(0);
    expect(h.stages.map((s) => s.metric)).toEqual(expect.arrayContaining(['call.llm.ttft', 'call.llm.first_sentence.latency', 'call.tts.ttfb', 'call.answer.latency', 'call.stt.final.latency']));
    expect(h.control.rejected).toEqual([]);
  });
});
