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

describe('conversation engine: time', () => {
  it('says a filler after the soft timeout and gives up with an apology after the hard timeout', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    h = await EngineHarness.create({
      replies: async () => {
        await held;
        return { content: 'Too late.' };
      },
      config: { features: { answer_soft_timeout_sec: 4, answer_hard_timeout_sec: 15 }, llm: { first_token_timeout_ms: 120_000 } },
    });
    h.speak('What is the status of my claim?');
    await h.until(() => h!.llm.requests.length === 1);
    h.advance(3990);
    expect(h.spoken()).toEqual([]);
    h.advance(20);
    await h.until(() => h!.spoken().includes('One moment, please.'));
    h.advance(11_000);
    await h.turns(1);
    await h.until(() => h!.spoken().includes('Sorry, I am having trouble. Let me try again.'));
    await h.until(() => h!.llm.abandoned.length === 1);
    expect(h.messages().map((m) => m.persona)).toEqual(['human']);
    release();
  });

  it('prompts a silent caller, then says goodbye and hangs up only once the goodbye was heard', async () => {
    h = await EngineHarness.create({ autoPlay: false, config: { features: { phone_silence_timeout_sec: 20, recognition_retry_max: 2 } } });
    await h.engine.start();
    await h.until(() => h!.outbound.backlogMs > 0);
    h.advance(2000); // the greeting plays out
    await h.until(() => h!.clock.pending === 1); // silence timer armed after the greeting
    for (let prompt = 1; prompt <= 2; prompt++) {
      h.advance(19_999);
      expect(h.spoken().filter((t) => t === 'Are you still there?')).toHaveLength(prompt - 1);
      h.advance(1);
      await h.until(() => h!.spoken().filter((t) => t === 'Are you still there?').length === prompt && h!.outbound.backlogMs > 0);
      h.advance(2000);
      await h.until(() => h!.clock.pending === 1);
    }
    h.advance(20_000);
    await h.until(() => h!.spoken().at(-1) === 'Thank you for calling. Goodbye!' && h!.outbound.backlogMs > 0);
    expect(h.hangups).toEqual([]);
    h.advance(h.outbound.backlogMs - 100);
    expect(h.hangups).toEqual([]);
    h.advance(200);
    await h.until(() => h!.hangups.length === 1);
    expect(h.hangups).toEqual(['timeout']);
    expect(h.messages().at(-1)).toMatchObject({ persona: 'assistant', content: 'Thank you for calling. Goodbye!' });
  });

  it('resets the silence prompts when the caller speaks', async () => {
    h = await EngineHarness.create({ replies: [{ content: 'Yes?' }], config: { features: { phone_silence_timeout_sec: 10, recognition_retry_max: 1 } } });
    await h.engine.start();
    await h.until(() => h!.clock.pending === 1);
    h.advance(10_000);
    await h.until(() => h!.spoken().includes('Are you still there?'));
    await h.until(() => h!.clock.pending === 1);
    h.speak('Yes I am here');
    await h.turns(1);
    await h.until(() => h!.clock.pending === 1);
    h.advance(10_000);
    await h.until(() => h!.spoken().filter((t) => t === 'Are you still there?').length === 2);
    expect(h.hangups).toEqual([]);
  });
});

describe('conversation engine: barge-in', () => {
  it('stores only what the caller heard, stops the LLM, and never feeds unheard text back', async () => {
    const long = 'First sentence here. The second sentence is much longer than the first one, really it is. ' + 'Then a third sentence nobody will hear. '.repeat(8);
    h = await EngineHarness.create({ autoPlay: false, ttsMsPerChar: 70, replies: [{ content: long, tokensPerSec: 40 }, { content: 'Sure, go ahead.' }] });
    h.speak('Tell me about my options');
    await h.until(() => new Set(h!.outbound.writes.map((w) => w.segmentId)).size >= 2);
    const [s1, s2] = [...new Set(h.outbound.writes.map((w) => w.segmentId))] as [number, number];
    await h.until(() => h!.outbound.queuedMs(s2) > 4000);
    h.advance(h.outbound.queuedMs(s1) + h.outbound.queuedMs(s2) * 0.55);
    expect(h.outbound.heardMs(s1)).toBe(h.outbound.queuedMs(s1));
    h.bargeIn();
    await h.turns(1);
    await h.until(() => h!.llm.abandoned.length === 1);
    const assistant = h.messages().at(-1)!;
    expect(assistant.persona).toBe('assistant');
    expect(assistant.interrupted).toBe(true);
    const words = 'The second sentence is much longer than the first one, really it is.'.split(' ');
    expect(assistant.content).toBe(`First sentence here. ${words.slice(0, Math.floor(words.length * 0.55)).join(' ')}`);
    expect(h.eventsOf('turn_timings')[0]?.timings.bargein).toBe(true);
    h.speak('Wait, one question');
    await h.playUntil(() => h!.eventsOf('turn_timings').length === 2);
    const context = JSON.stringify(h.llm.requests[1]?.messages);
    expect(context).toContain(assistant.content);
    expect(context).not.toContain('really it is');
    expect(context).not.toContain('third sentence');
  });
});

describe('conversation engine: speculative turns', () => {
  it('answers during the silence wait and releases the held audio when the turn ends with the same words', async () => {
    h = await EngineHarness.create({ config: { features: { speculative_turns: true } }, replies: [{ content: 'I am sorry to hear that. Let us block it.' }] });
    await h.greet();
    const greeting = h.outbound.writes.length;
    h.speak('I lost my phone', { end: false });
    await h.until(() => h!.llm.requests.length === 1);
    await h.until(() => h!.tts.requests.length === 3);
    expect(h.outbound.writes.length).toBe(greeting); // synthesized ahead, not sent
    expect(h.messages()).toHaveLength(1);
    h.clock.advance(500);
    h.endTurn();
    await h.turns(1);
    expect(h.llm.requests).toHaveLength(1);
    expect(h.outbound.writes.length).toBeGreaterThan(0);
    const timings = h.eventsOf('turn_timings')[0]!.timings;
    expect(timings.speculative).toBe(true);
    expect(timings.answer_latency_ms).toBe(500); // the silence wait only: the answer was ready
    expect(h.messages().slice(1).map((m) => m.content)).toEqual(['I lost my phone', 'I am sorry to hear that. Let us block it.']);
  });

  it('discards the speculative answer when the caller goes on, and answers the whole turn', async () => {
    h = await EngineHarness.create({
      config: { features: { speculative_turns: true } },
      replies: (req) => {
        const last = req.messages.at(-1);
        return { content: `Answer to: ${String(last?.content)}.`, tokensPerSec: 200 };
      },
    });
    await h.greet();
    const greeting = new Set(h.outbound.writes.map((w) => w.turnId));
    h.speak('I lost my phone', { end: false });
    await h.until(() => h!.llm.requests.length === 1);
    h.event({ type: 'speech_resumed', atMs: h.clock.now() });
    h.speak('and my wallet', { end: false });
    await h.until(() => h!.llm.requests.some((r) => JSON.stringify(r.messages.at(-1)) .includes('I lost my phone and my wallet')));
    h.endTurn();
    await h.turns(1);
    const turnIds = new Set(h.outbound.writes.map((w) => w.turnId).filter((t) => !greeting.has(t)));
    expect(turnIds.size).toBe(1);
    expect(h.messages().slice(1).map((m) => m.content)).toEqual(['I lost my phone and my wallet', 'Answer to: I lost my phone and my wallet.']);
    expect(h.eventsOf('turn_timings')).toHaveLength(1);
  });

  it('does not run tools of a speculative answer before the turn is confirmed', async () => {
    h = await EngineHarness.create({
      config: { features: { speculative_turns: true } },
      replies: [{ tool_calls: [{ name: 'updated_claim', arguments: { updates: [{ field: 'policyholder_name', value: 'Jane Doe' }] } }] }, { content: 'Noted, Jane.' }],
    });
    await h.greet();
    h.speak('My name is Jane Doe', { end: false });
    await h.until(() => h!.llm.requests.length === 1);
    await h.until(() => h!.llm.requests.length === 1 && h!.llm.abandoned.length === 0);
    expect(h.eventsOf('claim_updated')).toEqual([]);
    h.endTurn();
    await h.turns(1);
    expect(h.eventsOf('claim_updated')[0]?.updates).toEqual({ policyholder_name: 'Jane Doe' });
  });
});

describe('conversation engine: languages and failures', () => {
  const langs = {
    default_short_code: 'en-US',
    availables: [
      { short_code: 'en-US', voice: 'en-US-AvaMultilingualNeural', pronunciations_en: ['English'] },
      { short_code: 'fr-FR', voice: 'fr-FR-DeniseNeural', pronunciations_en: ['French'] },
    ],
  };
  const phrases = {
    ivr_language: { 'en-US': ['For English, press {digit}.'], 'fr-FR': ['Pour le français, tapez {digit}.'] },
    hello: { 'en-US': ['Hello, this is {bot_name}.'], 'fr-FR': ['Bonjour, ici {bot_name}.'] },
  };

  it('offers an IVR with several languages and switches voice and recognition on a DTMF digit', async () => {
    h = await EngineHarness.create({ initiate: { lang: langs }, config: { conversation: { phrases } } });
    await h.engine.start();
    await h.until(() => h!.spoken().length === 2);
    expect(h.spoken()).toEqual(['For English, press 1.', 'Pour le français, tapez 2.']);
    expect(h.tts.requests.map((r) => r.voice)).toEqual(['en-US-AvaMultilingualNeural', 'fr-FR-DeniseNeural']);
    h.event({ type: 'dtmf', atMs: 0, digit: '2' });
    await h.until(() => h!.spoken().includes('Bonjour, ici Amélie.'));
    expect(h.tts.requests.at(-1)?.voice).toBe('fr-FR-DeniseNeural');
    await h.until(() => h!.eventsOf('language_changed').length === 1);
    expect(h.eventsOf('language_changed')[0]?.lang_short_code).toBe('fr-FR');
    expect(h.stt.sessions[0]?.langs).toEqual(['en-US', 'fr-FR']);
  });

  it('picks the language the caller names', async () => {
    h = await EngineHarness.create({ initiate: { lang: langs }, config: { conversation: { phrases } } });
    await h.engine.start();
    await h.until(() => h!.spoken().length === 2);
    h.speak('French please');
    await h.until(() => h!.spoken().includes('Bonjour, ici Amélie.'));
    await h.until(() => h!.messages().some((m) => m.lang_short_code === 'fr-FR'));
  });

  it('apologizes when every model fails, and keeps nothing the model did not say', async () => {
    h = await EngineHarness.create({ replies: () => ({ error: { status: 500 } }), config: { llm: { max_retries: 0 } } });
    h.speak('Hello?');
    await h.turns(1);
    await h.until(() => h!.spoken().includes('Sorry, I am having trouble. Let me try again.'));
    expect(h.llm.requests.map((r) => r.model)).toEqual(['fast-model', 'slow-model']);
    expect(h.messages().map((m) => m.persona)).toEqual(['human']);
  });

  it('answers a caller who spoke over the agent (below the barge-in threshold) after the current answer', async () => {
    h = await EngineHarness.create({ autoPlay: false, replies: [{ content: 'Let me explain the procedure in detail.' }, { content: 'Yes, you can.' }] });
    h.speak('How does it work?');
    await h.until(() => h!.outbound.backlogMs > 0);
    h.speak('Can I send photos?');
    await h.playUntil(() => h!.eventsOf('turn_timings').length >= 2);
    expect(h.messages().map((m) => m.content)).toEqual(['How does it work?', 'Let me explain the procedure in detail.', 'Can I send photos?', 'Yes, you can.']);
  });

  it('stores what was heard when the call ends mid-answer, and flushes the events', async () => {
    h = await EngineHarness.create({ autoPlay: false, ttsMsPerChar: 70, replies: [{ content: 'One. Two three four five six seven eight.' }] });
    h.speak('Count for me');
    await h.until(() => new Set(h!.outbound.writes.map((w) => w.segmentId)).size === 2);
    const first = h.outbound.writes[0]!.segmentId;
    h.advance(h.outbound.queuedMs(first));
    await h.engine.close();
    expect(h.messages().at(-1)).toMatchObject({ persona: 'assistant', content: 'One.', interrupted: true });
  });
});

describe('conversation engine: speech synthesis failures', () => {
  it('skips a sentence the TTS could not speak, goes on with the next, and does not store it as said', async () => {
    h = await EngineHarness.create({
      replies: [{ content: 'This one fails. This one works.' }],
      ttsFail: (r) => (r.text.includes('fails') ? { status: 400, message: 'bad SSML' } : undefined),
    });
    h.speak('Go on');
    await h.turns(1);
    expect(h.spoken()).toEqual(['This one fails.', 'This one works.']);
    expect(h.messages().at(-1)).toMatchObject({ persona: 'assistant', content: 'This one works.' });
    expect(h.messages().at(-1)?.interrupted).toBeUndefined();
  });
});
