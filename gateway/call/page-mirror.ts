/**
 * For softphone calls: the conversation events the engine sends to control are mirrored to the
 * page (transcript lines, claim), so the person calling from the browser sees the conversation
 * as it is recorded. Other carriers get the control client unchanged.
 */
import type { ControlClient, ConversationEventInput } from '../../control/contract/index.ts';
import type { PageMessage } from '../carriers/index.ts';

/** What a conversation event shows on the page, if anything. */
export function pageMessagesOf(event: ConversationEventInput): PageMessage[] {
  if (event.type === 'message_added') {
    const m = event.message;
    if (m.action !== 'talk' || m.content === '') return [];
    return [{ type: 'transcript', persona: m.persona, text: m.content, final: true }];
  }
  if (event.type === 'claim_updated') return [{ type: 'claim', claim: event.updates }];
  return [];
}

/**
 * A control client whose `postEvents` also shows the events on the page, once control has
 * accepted them (what the page shows is what is stored).
 */
export function mirrorToPage(control: ControlClient, send: (message: PageMessage) => void): ControlClient {
  return new Proxy(control, {
    get(target, prop) {
      if (prop === 'postEvents') {
        return async (callId: string, events: readonly ConversationEventInput[], signal?: AbortSignal) => {
          await target.postEvents(callId, events, signal);
          for (const event of events) for (const message of pageMessagesOf(event)) send(message);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
