/**
 * Schemas of a call as the API returns it and as the gateway receives it (SPEC §2).
 * Zod is the single source: TypeScript types are inferred from the schemas.
 */
import { z } from 'zod';

/** E.164 phone number: `+` then 6–15 digits, first digit not zero. */
export const PhoneNumber = z.string().regex(/^\+[1-9]\d{5,14}$/, 'must be an E.164 phone number like +33612345678');

/** Types a claim field's value can have. */
export const ClaimFieldType = z.enum(['text', 'datetime', 'email', 'phone_number']);
export type ClaimFieldType = z.infer<typeof ClaimFieldType>;

/** One field of the operator-defined claim form. */
export const ClaimField = z.strictObject({
  name: z.string().regex(/^[a-z_][a-z0-9_]{0,63}$/i, 'must be an identifier (letters, digits, underscore)'),
  type: ClaimFieldType,
  description: z.string().max(1000).optional(),
});
export type ClaimField = z.infer<typeof ClaimField>;

/** The three caller fields every claim has. */
export const DEFAULT_CLAIM_FIELDS: readonly ClaimField[] = [
  { name: 'policyholder_name', type: 'text', description: 'Full name of the caller' },
  { name: 'policyholder_email', type: 'email', description: 'Email address of the caller' },
  { name: 'policyholder_phone', type: 'phone_number', description: 'Phone number of the caller' },
];

/** A language the bot can speak. */
export const LanguageEntry = z.strictObject({
  short_code: z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a BCP-47 short code like en-US'),
  voice: z.string().min(1),
  pronunciations_en: z.array(z.string()).default([]),
  custom_voice_endpoint_id: z.string().optional(),
});
export type LanguageEntry = z.infer<typeof LanguageEntry>;

/** Languages of a call: the default and those the caller may switch to. */
export const CallLanguages = z
  .strictObject({
    default_short_code: z.string(),
    availables: z.array(LanguageEntry).min(1),
  })
  .refine((l) => l.availables.some((a) => a.short_code === l.default_short_code), {
    message: 'default_short_code must be one of availables[].short_code',
    path: ['default_short_code'],
  });
export type CallLanguages = z.infer<typeof CallLanguages>;

/** Body of `POST /call`; also the `initiate` of a call, with defaults applied. */
export const CallInitiate = z.strictObject({
  phone_number: PhoneNumber,
  bot_company: z.string().min(1).max(200),
  bot_name: z.string().min(1).max(100),
  agent_phone_number: PhoneNumber.optional(),
  task: z.string().max(10_000).optional(),
  claim: z
    .array(ClaimField)
    .max(100)
    .default([])
    .refine((fields) => new Set(fields.map((f) => f.name)).size === fields.length, {
      message: 'claim field names must be unique',
    }),
  lang: CallLanguages.optional(),
  prosody_rate: z.number().min(0.75).max(1.25).default(1),
});
export type CallInitiate = z.infer<typeof CallInitiate>;
export type CallInitiateInput = z.input<typeof CallInitiate>;

export const Persona = z.enum(['human', 'assistant']);
export const MessageAction = z.enum(['call', 'talk', 'sms', 'hangup']);
export const Style = z.enum(['none', 'cheerful', 'sad']);
export type Style = z.infer<typeof Style>;

/** A tool call the model made during a turn, with what it returned. */
export const ToolCall = z.strictObject({
  tool_id: z.string(),
  function_name: z.string(),
  function_arguments: z.string(),
  content: z.string().default(''),
});
export type ToolCall = z.infer<typeof ToolCall>;

/** One message of the conversation. */
export const Message = z.strictObject({
  created_at: z.string().datetime({ offset: true }),
  persona: Persona,
  action: MessageAction,
  content: z.string(),
  style: Style.default('none'),
  lang_short_code: z.string().optional(),
  tool_calls: z.array(ToolCall).default([]),
  /** Set on an assistant message the caller interrupted: content is what they heard. */
  interrupted: z.boolean().optional(),
});
export type Message = z.infer<typeof Message>;

/** A reminder; `title` is unique within a call. */
export const Reminder = z.strictObject({
  title: z.string().min(1).max(200),
  description: z.string().max(2000),
  due_date_time: z.string().datetime({ offset: true }),
  owner: z.string().min(1).max(100),
  created_at: z.string().datetime({ offset: true }),
});
export type Reminder = z.infer<typeof Reminder>;

export const Satisfaction = z.enum(['terrible', 'low', 'partial', 'high', 'unknown']);
export const Synthesis = z.strictObject({
  short: z.string(),
  long: z.string(),
  satisfaction: Satisfaction,
  improvement_suggestions: z.string(),
});
export type Synthesis = z.infer<typeof Synthesis>;

export const NextAction = z.enum([
  'case_closed',
  'commercial_offer',
  'customer_will_send_info',
  'high_priority',
  'propose_new_contract',
  'requires_expertise',
]);
export const Next = z.strictObject({ action: NextAction, justification: z.string() });
export type Next = z.infer<typeof Next>;

/** Per-turn stage timings in milliseconds (SPEC §6); absent stages were not measured. */
export const TurnTimings = z.strictObject({
  turn_id: z.string(),
  endpoint_ms: z.number().nonnegative().optional(),
  stt_final_ms: z.number().nonnegative().optional(),
  llm_ttft_ms: z.number().nonnegative().optional(),
  llm_first_sentence_ms: z.number().nonnegative().optional(),
  tts_ttfb_ms: z.number().nonnegative().optional(),
  answer_latency_ms: z.number().nonnegative().optional(),
  speculative: z.boolean().optional(),
  bargein: z.boolean().optional(),
});
export type TurnTimings = z.infer<typeof TurnTimings>;

/** Claim values: field name → value (strings; validated per field type on update). */
export const ClaimValues = z.record(z.string(), z.string().nullable());
export type ClaimValues = z.infer<typeof ClaimValues>;

/** A call as stored and returned by the API. */
export const Call = z.strictObject({
  call_id: z.string().uuid(),
  created_at: z.string().datetime({ offset: true }),
  updated_at: z.string().datetime({ offset: true }),
  in_progress: z.boolean(),
  /** Carrier of the call: `acs`, `twilio` or `softphone`. */
  carrier: z.enum(['acs', 'twilio', 'softphone']),
  /** Where the call is in its life: ringing until media connects, then connected, then ended. */
  state: z.enum(['ringing', 'connected', 'ended']),
  direction: z.enum(['outbound', 'inbound']),
  initiate: CallInitiate,
  claim: ClaimValues,
  messages: z.array(Message),
  reminders: z.array(Reminder),
  synthesis: Synthesis.nullable(),
  next: Next.nullable(),
  turns: z.array(TurnTimings),
  lang_short_code: z.string().optional(),
  /** Carrier's id of the call connection (ACS `callConnectionId`), once known. */
  connection_id: z.string().optional(),
  /** Ids of events already applied, so that re-delivered events change nothing. */
  applied_event_ids: z.array(z.string()),
  /** Storage revision; bumped by every update (optimistic concurrency). */
  revision: z.number().int().nonnegative(),
});
export type Call = z.infer<typeof Call>;
