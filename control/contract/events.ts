/**
 * Conversation events the gateway sends to control as they happen (SPEC §3, issue "engine":
 * persisted turn by turn). Every event has an `event_id` chosen by the sender; control applies
 * each id at most once, so a retried POST changes nothing.
 */
import { z } from 'zod';
import { Message, Reminder, TurnTimings } from './call.ts';

const base = {
  /** Sender-chosen unique id (e.g. `${turnId}:msg:assistant`); re-delivery is a no-op. */
  event_id: z.string().min(1).max(200),
  /** When it happened, ISO 8601. */
  at: z.string().datetime({ offset: true }),
};

export const MessageAddedEvent = z.strictObject({ ...base, type: z.literal('message_added'), message: Message });
export const ClaimUpdatedEvent = z.strictObject({
  ...base,
  type: z.literal('claim_updated'),
  /** Field → new value (already validated by the gateway against the field type). */
  updates: z.record(z.string(), z.string().nullable()),
});
export const ClaimResetEvent = z.strictObject({ ...base, type: z.literal('claim_reset') });
export const ReminderUpsertedEvent = z.strictObject({ ...base, type: z.literal('reminder_upserted'), reminder: Reminder });
export const TurnTimingsEvent = z.strictObject({ ...base, type: z.literal('turn_timings'), timings: TurnTimings });
export const LanguageChangedEvent = z.strictObject({ ...base, type: z.literal('language_changed'), lang_short_code: z.string() });
export const CallConnectedEvent = z.strictObject({ ...base, type: z.literal('call_connected') });
export const CallEndedEvent = z.strictObject({
  ...base,
  type: z.literal('call_ended'),
  reason: z.enum(['caller_hangup', 'agent_hangup', 'transfer', 'timeout', 'error', 'shutdown']),
});

/** Any conversation event. */
export const ConversationEvent = z.discriminatedUnion('type', [
  MessageAddedEvent,
  ClaimUpdatedEvent,
  ClaimResetEvent,
  ReminderUpsertedEvent,
  TurnTimingsEvent,
  LanguageChangedEvent,
  CallConnectedEvent,
  CallEndedEvent,
]);
export type ConversationEvent = z.infer<typeof ConversationEvent>;
export type ConversationEventInput = z.input<typeof ConversationEvent>;

/** Body of `POST /internal/calls/{call_id}/events`: a batch applied in order. */
export const EventBatch = z.strictObject({ events: z.array(ConversationEvent).min(1).max(100) });
export type EventBatch = z.infer<typeof EventBatch>;
