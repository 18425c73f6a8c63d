import { describe, expect, it } from 'vitest';
import type { ConversationEvent, Message, Reminder } from '../contract/index.ts';
import { applyEvents, MAX_APPLIED_EVENT_IDS } from './apply-events.ts';
import { sampleCall } from './store.contract.ts';

const T0 = '2026-01-01T10:00:00.000Z';
const call = () => sampleCall('+33612345678', T0);
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
const msg = (content: string, createdAt: string): Message => ({
  created_at: createdAt,
  persona: 'assistant',
  action: 'talk',
  content,
  style: 'none',
  tool_calls: [],
});
const reminder = (title: string, description: string, createdAt: string): Reminder => ({
  title,
  description,
  due_date_time: at(3600),
  owner: 'assistant',
  created_at: createdAt,
});
let seq = 0;
type EventBody<E = ConversationEvent> = E extends ConversationEvent ? Omit<E, 'event_id' | 'at'> & { event_id?: string } : never;
const ev = (e: EventBody): ConversationEvent => ({ event_id: `e${seq++}`, at: at(0), ...e }) as ConversationEvent;

describe('applyEvents', () => {
  it('does not modify its input', () => {
    const before = call();
    const copy = structuredClone(before);
    const after = applyEvents(before, [ev({ type: 'message_added', message: msg('hi', at(1)) }), ev({ type: 'call_ended', reason: 'caller_hangup' })]);
    expect(before).toEqual(copy);
    expect(after.messages).toHaveLength(1);
  });

  it('keeps messages ordered by created_at, stable for ties and offsets', () => {
    const c = applyEvents(call(), [
      ev({ type: 'message_added', message: msg('b', at(2)) }),
      ev({ type: 'message_added', message: msg('a', at(1)) }),
      ev({ type: 'message_added', message: msg('c', at(2)) }),
      // 11:00:00+01:00 is 10:00:00Z: before everything else.
      ev({ type: 'message_added', message: msg('first', '2026-01-01T11:00:00.000+01:00') }),
      ev({ type: 'message_added', message: msg('last', at(3)) }),
    ]);
    expect(c.messages.map((m) => m.content)).toEqual(['first', 'a', 'b', 'c', 'last']);
  });

  it('merges claim updates and resets to the declared fields', () => {
    let c = applyEvents(call(), [ev({ type: 'claim_updated', updates: { policyholder_name: 'Ada', counter: '3' } })]);
    c = applyEvents(c, [ev({ type: 'claim_updated', updates: { counter: '4', extra: 'x' } })]);
    expect(c.claim).toEqual({ policyholder_name: 'Ada', policyholder_email: null, policyholder_phone: null, counter: '4', extra: 'x' });
    c = applyEvents(c, [ev({ type: 'claim_reset' })]);
    expect(c.claim).toEqual({ policyholder_name: null, policyholder_email: null, policyholder_phone: null, counter: null });
  });

  it('upserts reminders by title, keeping the original created_at', () => {
    const c = applyEvents(call(), [
      ev({ type: 'reminder_upserted', reminder: reminder('call back', 'v1', at(1)) }),
      ev({ type: 'reminder_upserted', reminder: reminder('send form', 'v1', at(2)) }),
      ev({ type: 'reminder_upserted', reminder: reminder('call back', 'v2', at(5)) }),
    ]);
    expect(c.reminders.map((r) => [r.title, r.description, r.created_at])).toEqual([
      ['call back', 'v2', at(1)],
      ['send form', 'v1', at(2)],
    ]);
  });

  it('merges turn timings by turn id', () => {
    const c = applyEvents(call(), [
      ev({ type: 'turn_timings', timings: { turn_id: 't1', endpoint_ms: 500 } }),
      ev({ type: 'turn_timings', timings: { turn_id: 't2', endpoint_ms: 400 } }),
      ev({ type: 'turn_timings', timings: { turn_id: 't1', llm_ttft_ms: 200, endpoint_ms: 510 } }),
    ]);
    expect(c.turns).toEqual([
      { turn_id: 't1', endpoint_ms: 510, llm_ttft_ms: 200 },
      { turn_id: 't2', endpoint_ms: 400 },
    ]);
  });

  it('follows the call life: language, connected, ended; a late connected does not revive it', () => {
    let c = applyEvents(call(), [ev({ type: 'language_changed', lang_short_code: 'fr-FR' }), ev({ type: 'call_connected' })]);
    expect([c.lang_short_code, c.state, c.in_progress]).toEqual(['fr-FR', 'connected', true]);
    c = applyEvents(c, [ev({ type: 'call_ended', reason: 'agent_hangup' }), ev({ type: 'call_connected' })]);
    expect([c.state, c.in_progress]).toEqual(['ended', false]);
  });

  it('applies an id once, across batches and within one batch', () => {
    const e = ev({ type: 'message_added', message: msg('once', at(1)) });
    const c1 = applyEvents(call(), [e, e]);
    expect(c1.messages).toHaveLength(1);
    expect(c1.applied_event_ids).toEqual([e.event_id]);
    const c2 = applyEvents(c1, [e]);
    expect(c2).toBe(c1);
  });

  it(`remembers the last ${MAX_APPLIED_EVENT_IDS} ids, forgetting the oldest`, () => {
    const events = Array.from({ length: MAX_APPLIED_EVENT_IDS + 10 }, (_, i) =>
      ev({ event_id: `id-${i}`, type: 'turn_timings', timings: { turn_id: 't', endpoint_ms: i } }),
    );
    const c = applyEvents(call(), events);
    expect(c.applied_event_ids).toHaveLength(MAX_APPLIED_EVENT_IDS);
    expect(c.applied_event_ids[0]).toBe('id-10');
    expect(c.applied_event_ids.at(-1)).toBe(`id-${MAX_APPLIED_EVENT_IDS + 9}`);
    expect(c.turns).toEqual([{ turn_id: 't', endpoint_ms: MAX_APPLIED_EVENT_IDS + 9 }]);
  });
});
