/**
 * Call-control actions: the gateway asks control to act on the carrier (transfer, hang up,
 * play, send SMS, notify emergencies). Control owns the carrier REST APIs.
 */
import { z } from 'zod';
import { PhoneNumber } from './call.ts';

export const TransferAction = z.strictObject({
  type: z.literal('transfer'),
  /** Defaults to the call's `agent_phone_number`. */
  target: PhoneNumber.optional(),
});
export const HangupAction = z.strictObject({ type: z.literal('hangup') });
export const PlayAction = z.strictObject({ type: z.literal('play'), text: z.string().min(1).max(2000), lang_short_code: z.string().optional() });
export const SendSmsAction = z.strictObject({ type: z.literal('send_sms'), message: z.string().min(1).max(1600) });
export const NotifyEmergenciesAction = z.strictObject({
  type: z.literal('notify_emergencies'),
  reason: z.string().min(1),
  location: z.string().min(1),
  contact: z.string().min(1),
  service: z.enum(['police', 'firefighters', 'pharmacy', 'veterinarian', 'hospital']),
});

/** Any call-control action. */
export const CallAction = z.discriminatedUnion('type', [TransferAction, HangupAction, PlayAction, SendSmsAction, NotifyEmergenciesAction]);
export type CallAction = z.infer<typeof CallAction>;

/** Body of `POST /internal/calls/{call_id}/actions`. `action_id` makes retries idempotent. */
export const ActionRequest = z.strictObject({ action_id: z.string().min(1).max(200), action: CallAction });
export type ActionRequest = z.infer<typeof ActionRequest>;

/** Control's answer to an action. `ok: false` carries why, e.g. the transfer target refused. */
export const ActionResult = z.strictObject({ ok: z.boolean(), detail: z.string().optional() });
export type ActionResult = z.infer<typeof ActionResult>;
