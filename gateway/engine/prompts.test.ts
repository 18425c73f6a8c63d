import { describe, expect, it } from 'vitest';
import { CallContext, ConfigSchema, ControlClient, type Message } from '../../control/contract/index.ts';
import { EventLog } from './event-log.ts';
import { silentLogger } from './logger.ts';
import { approxTokens, buildContext, systemPrompt, toLlmMessages } from './prompts.ts';
import { ConversationState } from './state.ts';

const msg = (persona: 'human' | 'assistant', content: string, extra: Partial<Message> = {}): Message => ({
  created_at: '2026-01-15T10:00:00.000Z',
  persona,
  action: 'talk',
  content,
  style: 'none',
  tool_calls: [],
  ...extra,
});

function state(messages: Message[]): ConversationState {
  const context = CallContext.parse({
    call_id: '0b6f1b4e-3f7a-4c1e-9a57-2d7c1c9b8a10',
    carrier: 'softphone',
    direction: 'inbound',
    initiate: { phone_number: '+33612345678', bot_company: 'Contoso', bot_name: 'Amélie', task: 'Collect the claim.', claim: [{ name: 'incident_date', type: 'datetime' }] },
    claim: { policyholder_name: 'Jane Doe' },
    messages,
    reminders: [{ title: 'Call back', description: 'd', due_date_time: '2026-01-16T09:00:00.000Z', owner: 'assistant', created_at: '2026-01-15T10:00:00.000Z' }],
    resumed: false,
    created_at: '2026-01-15T10:00:00.000Z',
  });
  // Never posts: these tests only read.
  const events = new EventLog(new ControlClient({ baseUrl: 'http://127.0.0.1:9', serviceToken: 's'.repeat(32) }), context.call_id, new AbortController().signal, silentLogger);
  return new ConversationState(context, { short_code: 'fr-FR', voice: 'v', pronunciations_en: [] }, events, () => new Date('2026-01-15T10:00:00.000Z'));
}

describe('prompts', () => {
  it('fills the system and task prompts with persona, date, claim, reminders and the language rule', () => {
    const conversation = ConfigSchema.parse({}).conversation;
    const s = state([]);
    const text = systemPrompt(conversation, CallContext.parse({ call_id: '0b6f1b4e-3f7a-4c1e-9a57-2d7c1c9b8a10', carrier: 'acs', direction: 'inbound', initiate: { phone_number: '+33612345678', bot_company: 'Contoso', bot_name: 'Amélie', task: 'Collect the claim.' }, claim: {}, messages: [], reminders: [], resumed: false, created_at: '2026-01-15T10:00:00.000Z' }), s, new Date('2026-01-15T10:00:00.000Z'));
    expect(text).toContain('You are Amélie, a phone agent for Contoso. Today is 2026-01-15 10:00 UTC. The caller phones from +33612345678.');
    expect(text).toContain('Your objective: Collect the claim.');
    expect(text).toContain('"policyholder_name":{"type":"text"');
    expect(text).toContain('"value":"Jane Doe"');
    expect(text).toContain('"incident_date":{"type":"datetime","value":null}');
    expect(text).toContain('"title":"Call back"');
    expect(text).toContain('Speak fr-FR');
  });

  it('keeps the most recent history that fits the window (chars / 4), leaving out moderated turns', () => {
    const history = Array.from({ length: 30 }, (_, i) => msg(i % 2 === 0 ? 'human' : 'assistant', `${i}:${'x'.repeat(400)}`));
    const s = state(history);
    s.excluded.add(s.messages[29]!);
    const out = buildContext('system', s, 1000, [{ role: 'user', content: 'now' }]);
    expect(out[0]).toEqual({ role: 'system', content: 'system' });
    expect(out.at(-1)).toEqual({ role: 'user', content: 'now' });
    const kept = out.slice(1, -1).map((m) => String(m.content).split(':')[0]);
    expect(kept.length).toBeGreaterThan(3);
    expect(kept.length).toBeLessThan(10);
    expect(kept.at(-1)).toBe('28'); // 29 was moderated out
    const tokens = out.reduce((n, m) => n + approxTokens(JSON.stringify(m)), 0);
    expect(tokens).toBeLessThanOrEqual(750);
    // Only messages that existed when the turn began.
    expect(buildContext('system', s, 100_000, [], 2).slice(1).map((m) => String(m.content).split(':')[0])).toEqual(['0', '1']);
  });

  it('turns a stored tool turn back into the call and its results, and skips empty or non-talk messages', () => {
    const m = msg('assistant', '', { tool_calls: [{ tool_id: 'call_1', function_name: 'updated_claim', function_arguments: '{"updates":[]}', content: 'Saved.' }] });
    expect(toLlmMessages(m)).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'updated_claim', arguments: '{"updates":[]}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'Saved.' },
    ]);
    expect(toLlmMessages(msg('assistant', 'Your code is 42', { action: 'sms' }))).toEqual([{ role: 'assistant', content: '(SMS sent) Your code is 42' }]);
    expect(toLlmMessages(msg('human', '   '))).toEqual([]);
    expect(toLlmMessages(msg('assistant', 'bye', { action: 'hangup' }))).toEqual([]);
  });
});
