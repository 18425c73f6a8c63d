/** Writing control's own entries into a call's conversation, idempotently (by event id). */
import type { Call, Message, ToolCall } from '../contract/index.ts';
import type { CallStore } from '../store/types.ts';

/** Appends one message as a `message_added` event; a repeated `eventId` changes nothing. */
export async function recordMessage(
  store: CallStore,
  callId: string,
  eventId: string,
  message: { persona: Message['persona']; action: Message['action']; content: string; at: string; toolCalls?: ToolCall[]; lang?: string | undefined },
): Promise<Call> {
  const msg: Message = {
    created_at: message.at,
    persona: message.persona,
    action: message.action,
    content: message.content,
    style: 'none',
    tool_calls: message.toolCalls ?? [],
    ...(message.lang === undefined ? {} : { lang_short_code: message.lang }),
  };
  return store.appendEvents(callId, [{ type: 'message_added', event_id: eventId, at: message.at, message: msg }]);
}
