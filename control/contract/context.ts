/**
 * What the gateway fetches from control when a media connection opens: everything it needs to
 * run the conversation, and nothing of control's storage internals.
 */
import { z } from 'zod';
import { CallInitiate, ClaimValues, Message, Reminder } from './call.ts';

export const CallContext = z.strictObject({
  call_id: z.string().uuid(),
  carrier: z.enum(['acs', 'twilio', 'softphone']),
  direction: z.enum(['outbound', 'inbound']),
  initiate: CallInitiate,
  claim: ClaimValues,
  messages: z.array(Message),
  reminders: z.array(Reminder),
  lang_short_code: z.string().optional(),
  /** True when this call continues an earlier conversation (callback window): recap it. */
  resumed: z.boolean(),
  /** ISO time the caller's conversation started, for prompts. */
  created_at: z.string().datetime({ offset: true }),
});
export type CallContext = z.infer<typeof CallContext>;

/** Paths of the control plane's internal (gateway-facing) API. */
export const INTERNAL_PATHS = {
  context: (callId: string) => `/internal/calls/${encodeURIComponent(callId)}/context`,
  events: (callId: string) => `/internal/calls/${encodeURIComponent(callId)}/events`,
  actions: (callId: string) => `/internal/calls/${encodeURIComponent(callId)}/actions`,
} as const;
