/**
 * The post-call job (SPEC §4): synthesis, next action and an SMS summary to the caller, computed
 * with the slow model once the call has ended. Skipped without a real interaction (no human
 * message). Idempotent: once saved, re-running changes nothing; the SMS is sent at most once per
 * successful run (its message in the conversation marks it sent).
 */
import type { Logger } from 'pino';
import { z } from 'zod';
import { Next, PhoneNumber, Synthesis, type Call } from '../contract/index.ts';
import type { CallStore } from '../store/types.ts';
import type { SmsSender } from '../sms/sms-sender.ts';
import { recordMessage } from '../calls/record.ts';
import { LlmError, structuredCompletion, type LlmModel } from './llm.ts';
import { postCallPrompt, transcript } from './prompts.ts';

/** What the model returns. */
export const PostCallOutput = z.strictObject({
  synthesis: Synthesis,
  next: Next,
  sms_summary: z.string().min(1).max(640),
});
export type PostCallOutput = z.infer<typeof PostCallOutput>;

/** What the job needs. */
export interface PostCallDeps {
  readonly store: CallStore;
  readonly sms: SmsSender;
  readonly llm: LlmModel | undefined;
  readonly logger: Logger;
  readonly now: () => number;
}

/** Outcome, for logs and tests. */
export type PostCallOutcome = 'missing' | 'in_progress' | 'no_interaction' | 'llm_not_configured' | 'done' | 'already_done';

/** True when a person said something (voice or SMS): otherwise there is nothing to analyse. */
export function hadInteraction(call: Call): boolean {
  return call.messages.some((m) => m.persona === 'human' && m.content.trim() !== '');
}

/** Where the SMS summary goes: the policyholder's phone if valid, else the number called. */
export function smsRecipient(call: Call): string {
  const phone = call.claim.policyholder_phone;
  return phone && PhoneNumber.safeParse(phone).success ? phone : call.initiate.phone_number;
}

/**
 * Runs the post-call work for a call.
 * @throws LlmError (retryable) so that the queue retries.
 */
export async function runPostCall(deps: PostCallDeps, callId: string, leg?: string): Promise<PostCallOutcome> {
  const call = await deps.store.get(callId);
  if (call === undefined) return 'missing';
  // Resumed before this job ran: the new leg's end queues the analysis of the whole conversation.
  if (call.in_progress) return 'in_progress';
  if (!hadInteraction(call)) {
    deps.logger.info({ call_id: callId }, 'post-call skipped: no interaction');
    return 'no_interaction';
  }
  const smsEventId = `post_call:${callId}${leg === undefined ? '' : `:${leg}`}:sms`;
  const smsDone = call.applied_event_ids.includes(smsEventId);
  if (call.synthesis !== null && call.next !== null && smsDone) return 'already_done';
  if (deps.llm === undefined) {
    deps.logger.warn({ call_id: callId }, 'post-call skipped: llm.slow is not configured');
    return 'llm_not_configured';
  }
  let smsText = call.synthesis?.short;
  if (call.synthesis === null || call.next === null) {
    const output = await structuredCompletion(deps.llm, {
      name: 'post_call_insights',
      schema: PostCallOutput,
      messages: [
        { role: 'system', content: postCallPrompt(call) },
        { role: 'user', content: `Conversation:\n${transcript(call)}` },
      ],
    });
    await deps.store.mutate(callId, (c) => ({ ...c, synthesis: c.synthesis ?? output.synthesis, next: c.next ?? output.next }));
    smsText = output.sms_summary;
  }
  if (!smsDone && smsText !== undefined) {
    const to = smsRecipient(call);
    const result = await deps.sms.send(to, smsText);
    if (!result.sent && result.provider !== 'none') throw new LlmError(`summary SMS not sent: ${result.detail}`, true);
    await recordMessage(deps.store, callId, smsEventId, { persona: 'assistant', action: 'sms', content: smsText, at: new Date(deps.now()).toISOString(), lang: call.lang_short_code });
  }
  deps.logger.info({ call_id: callId }, 'post-call insights saved');
  return 'done';
}
