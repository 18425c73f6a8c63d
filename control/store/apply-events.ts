/**
 * Applies conversation events to a call. Pure: the input call is not modified. Shared by every
 * store so that SQLite and Cosmos DB give the same result for the same events.
 */
import { DEFAULT_CLAIM_FIELDS, type Call, type ClaimValues, type ConversationEvent, type Message } from '../contract/index.ts';

/**
 * How many applied event ids a call remembers. Senders retry within seconds, so only recent ids
 * can be re-delivered; 5,000 covers hours of conversation (a turn emits a handful of events)
 * while keeping the stored document small. Older ids are forgotten, oldest first.
 */
export const MAX_APPLIED_EVENT_IDS = 5_000;

/**
 * Returns `call` with the events whose ids are not yet in `applied_event_ids` applied in order,
 * and their ids recorded. An event id seen twice (in the call or in the batch) applies once.
 *
 * @example
 * const next = applyEvents(call, [{ type: 'call_connected', event_id: 'e1', at: now }]);
 * applyEvents(next, [{ type: 'call_connected', event_id: 'e1', at: now }]); // unchanged copy
 */
export function applyEvents(call: Call, events: readonly ConversationEvent[]): Call {
  const seen = new Set(call.applied_event_ids);
  const fresh = events.filter((e) => {
    if (seen.has(e.event_id)) return false;
    seen.add(e.event_id);
    return true;
  });
  if (fresh.length === 0) return call;
  let next: Call = structuredClone(call);
  for (const event of fresh) next = applyOne(next, event);
  const ids = [...next.applied_event_ids, ...fresh.map((e) => e.event_id)];
  next.applied_event_ids = ids.length > MAX_APPLIED_EVENT_IDS ? ids.slice(ids.length - MAX_APPLIED_EVENT_IDS) : ids;
  return next;
}

/** Applies one event to a call the caller owns (mutated in place and returned). */
function applyOne(call: Call, event: ConversationEvent): Call {
  switch (event.type) {
    case 'message_added':
      insertMessage(call.messages, structuredClone(event.message));
      return call;
    case 'claim_updated':
      call.claim = { ...call.claim, ...event.updates };
      return call;
    case 'claim_reset':
      call.claim = emptyClaim(call);
      return call;
    case 'reminder_upserted': {
      const i = call.reminders.findIndex((r) => r.title === event.reminder.title);
      const existing = i >= 0 ? call.reminders[i] : undefined;
      if (existing) call.reminders[i] = { ...event.reminder, created_at: existing.created_at };
      else call.reminders.push({ ...event.reminder });
      return call;
    }
    case 'turn_timings': {
      const i = call.turns.findIndex((t) => t.turn_id === event.timings.turn_id);
      const existing = i >= 0 ? call.turns[i] : undefined;
      if (existing) call.turns[i] = { ...existing, ...event.timings };
      else call.turns.push({ ...event.timings });
      return call;
    }
    case 'language_changed':
      call.lang_short_code = event.lang_short_code;
      return call;
    case 'call_connected':
      // A late "connected" after "ended" (events can be retried out of order) must not revive it.
      if (call.state !== 'ended') call.state = 'connected';
      return call;
    case 'call_ended':
      call.in_progress = false;
      call.state = 'ended';
      return call;
  }
}

/** Every claim field of the call (operator fields and the three caller fields) set to null. */
export function emptyClaim(call: Pick<Call, 'initiate'>): ClaimValues {
  const claim: ClaimValues = {};
  for (const field of DEFAULT_CLAIM_FIELDS) claim[field.name] = null;
  for (const field of call.initiate.claim) claim[field.name] = null;
  return claim;
}

/** Inserts after the last message created at or before it: ordered by time, stable for ties. */
function insertMessage(messages: Message[], message: Message): void {
  const t = Date.parse(message.created_at);
  let i = messages.length;
  while (i > 0 && Date.parse(messages[i - 1]!.created_at) > t) i--;
  messages.splice(i, 0, message);
}
