/**
 * `notify_emergencies` really notifies (SPEC §9): a JSON POST to `emergency.webhook_url` and/or
 * an SMS to `emergency.sms_number`, recorded in the conversation as a tool call and logged.
 */
import type { ActionResult, Call, CallAction } from '../contract/index.ts';
import type { ControlDeps } from '../deps.ts';
import { recordMessage } from '../calls/record.ts';

type NotifyAction = Extract<CallAction, { type: 'notify_emergencies' }>;

/** The webhook must answer within 5 s: an emergency cannot wait, and the caller is on the line. */
const WEBHOOK_TIMEOUT_MS = 5_000;

/** Sends the notification on every configured channel; `ok` only if at least one succeeded and none failed. */
export async function notifyEmergencies(deps: ControlDeps, call: Call, action: NotifyAction, actionId: string): Promise<ActionResult> {
  const { reason, location, contact, service } = action;
  const payload = { call_id: call.call_id, caller: call.initiate.phone_number, service, reason, location, contact, at: new Date(deps.now()).toISOString() };
  const outcomes: string[] = [];
  let failed = false;
  let sent = false;
  const { webhook_url: webhook, sms_number: smsNumber } = deps.config.emergency;
  if (webhook !== undefined) {
    try {
      const res = await deps.fetch(webhook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
      sent = true;
      outcomes.push('webhook notified');
    } catch (error) {
      failed = true;
      outcomes.push(`webhook failed: ${(error as Error).message}`);
    }
  }
  if (smsNumber !== undefined) {
    const text = `EMERGENCY (${service}) ${reason}. Location: ${location}. Contact: ${contact}. Call ${call.call_id}.`;
    const result = await deps.sms.send(smsNumber, text);
    if (result.sent) {
      sent = true;
      outcomes.push(`SMS sent to the emergency number via ${result.provider}`);
    } else {
      failed = true;
      outcomes.push(`emergency SMS not sent: ${result.detail}`);
    }
  }
  if (webhook === undefined && smsNumber === undefined) outcomes.push('no emergency channel configured (emergency.webhook_url or emergency.sms_number)');
  const ok = sent && !failed;
  const detail = outcomes.join('; ');
  const log = { call_id: call.call_id, service, outcome: detail };
  if (ok) deps.logger.warn(log, 'emergency services notified');
  else deps.logger.error(log, 'emergency notification failed');
  const at = new Date(deps.now()).toISOString();
  await recordMessage(deps.store, call.call_id, `action:${actionId}:notify_emergencies`, {
    persona: 'assistant',
    action: 'talk',
    content: ok ? `Emergency services (${service}) notified.` : `Emergency services (${service}) could not be notified.`,
    at,
    toolCalls: [{ tool_id: actionId, function_name: 'notify_emergencies', function_arguments: JSON.stringify({ reason, location, contact, service }), content: detail }],
  });
  return ok ? { ok: true, detail } : { ok: false, detail };
}
