/**
 * Answers an inbound SMS (SPEC §4, §9: "inbound SMS get no answer" was a defect): the model
 * writes a reply from the conversation so far; it is sent and recorded. Idempotent: the reply's
 * message in the conversation marks it done.
 */
import type { Logger } from 'pino';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Call } from '../contract/index.ts';
import type { CallStore } from '../store/types.ts';
import type { SmsSender } from '../sms/sms-sender.ts';
import { recordMessage } from '../calls/record.ts';
import { LlmError, textCompletion, type LlmModel } from './llm.ts';
import { smsReplyPrompt } from './prompts.ts';

/** What the job needs. */
export interface SmsReplyDeps {
  readonly store: CallStore;
  readonly sms: SmsSender;
  /** The chat model, then the fallback used when it fails. */
  readonly llm: readonly LlmModel[];
  readonly logger: Logger;
  readonly now: () => number;
}

/** SMS are short: the reply is cut at 600 characters (four SMS segments). */
const MAX_REPLY_CHARS = 600;

function history(call: Call): ChatCompletionMessageParam[] {
  return call.messages
    .filter((m) => m.content.trim() !== '')
    .slice(-40)
    .map((m) => ({ role: m.persona === 'human' ? ('user' as const) : ('assistant' as const), content: m.action === 'sms' ? `(SMS) ${m.content}` : m.content }));
}

/**
 * Replies to message `messageId` of the call.
 * @throws LlmError (retryable) so that the queue retries.
 */
export async function runSmsReply(deps: SmsReplyDeps, callId: string, messageId: string): Promise<'missing' | 'already_done' | 'llm_not_configured' | 'done'> {
  const call = await deps.store.get(callId);
  if (call === undefined) return 'missing';
  const eventId = `sms_reply:${messageId}`;
  if (call.applied_event_ids.includes(eventId)) return 'already_done';
  if (deps.llm.length === 0) {
    deps.logger.warn({ call_id: callId }, 'inbound SMS not answered: no LLM configured');
    return 'llm_not_configured';
  }
  const messages: ChatCompletionMessageParam[] = [{ role: 'system', content: smsReplyPrompt(call) }, ...history(call)];
  let reply = '';
  let lastError: unknown;
  for (const model of deps.llm) {
    try {
      reply = (await textCompletion(model, messages)).slice(0, MAX_REPLY_CHARS);
      if (reply !== '') break;
    } catch (error) {
      lastError = error;
    }
  }
  if (reply === '') throw lastError instanceof LlmError ? lastError : new LlmError('the model gave an empty SMS reply', true, { cause: lastError });
  const result = await deps.sms.send(call.initiate.phone_number, reply);
  if (!result.sent && result.provider !== 'none') throw new LlmError(`SMS reply not sent: ${result.detail}`, true);
  await recordMessage(deps.store, callId, eventId, { persona: 'assistant', action: 'sms', content: reply, at: new Date(deps.now()).toISOString(), lang: call.lang_short_code });
  deps.logger.info({ call_id: callId }, 'inbound SMS answered');
  return 'done';
}
