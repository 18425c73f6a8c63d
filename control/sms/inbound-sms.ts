/**
 * Inbound SMS (SPEC §4): added to the sender's latest call (a new one if they never called) and
 * answered by a queued job, so a slow model or SMS provider never holds the webhook.
 */
import type { ControlDeps } from '../deps.ts';
import { inboundInitiate, newCall } from '../calls/call-factory.ts';
import { recordMessage } from '../calls/record.ts';

/** One received SMS. */
export interface ReceivedSms {
  readonly messageId: string;
  readonly from: string;
  readonly text: string;
  readonly receivedAt: string;
}

/** Records the SMS in the conversation and queues its answer. Re-delivery changes nothing. */
export async function receiveSms(deps: ControlDeps, sms: ReceivedSms): Promise<string> {
  let call = await deps.store.latestByPhone(sms.from);
  if (call === undefined) {
    const fresh = newCall({ initiate: inboundInitiate(deps.config, sms.from), carrier: deps.carriers.outbound.kind, direction: 'inbound', nowMs: deps.now() });
    call = await deps.store.create({ ...fresh, in_progress: false, state: 'ended' });
  }
  await recordMessage(deps.store, call.call_id, `sms:${sms.messageId}`, { persona: 'human', action: 'sms', content: sms.text, at: sms.receivedAt });
  await deps.jobs.smsReply(call.call_id, sms.messageId);
  deps.logger.info({ call_id: call.call_id }, 'inbound SMS recorded');
  return call.call_id;
}
