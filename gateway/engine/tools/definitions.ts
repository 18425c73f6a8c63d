/**
 * The tools the model may call (SPEC §3), as zod schemas (validation) and JSON Schema (what the
 * model sees). Every tool takes an optional `customer_response`: the short sentence spoken to
 * the caller while it runs.
 */
import { z } from 'zod';
import type { LlmTool } from '../../providers/llm/index.ts';

const customerResponse = z
  .string()
  .max(300)
  .optional()
  .describe('One short sentence said to the caller while this runs, in their language, e.g. "I am noting that."');

export const TOOL_SCHEMAS = {
  updated_claim: z.object({
    updates: z
      .array(z.object({ field: z.string().describe('Claim field name'), value: z.string().nullable().describe('New value as said by the caller; null to clear') }))
      .min(1)
      .max(50),
    customer_response: customerResponse,
  }),
  new_or_updated_reminder: z.object({
    title: z.string().min(1).max(200).describe('Short unique title; an existing reminder with this title is replaced'),
    description: z.string().max(2000),
    due_date_time: z.string().describe('ISO 8601 date and time'),
    owner: z.string().min(1).max(100).describe('Who must act: "assistant", "customer" or a team name'),
    customer_response: customerResponse,
  }),
  search_document: z.object({
    queries: z.array(z.string().min(1).max(300)).min(1).max(5).describe('Search queries, each a few keywords'),
    customer_response: customerResponse,
  }),
  talk_to_human: z.object({ customer_response: customerResponse }),
  end_call: z.object({ customer_response: customerResponse }),
  new_claim: z.object({ customer_response: customerResponse }),
  send_sms: z.object({ message: z.string().min(1).max(1600).describe('The SMS text, sent to the caller'), customer_response: customerResponse }),
  speech_speed: z.object({ speed: z.number().describe('Speaking rate: 1 is normal, from 0.75 (slower) to 1.25 (faster)'), customer_response: customerResponse }),
  speech_lang: z.object({ lang: z.string().min(2).describe('Language short code, e.g. fr-FR'), customer_response: customerResponse }),
  notify_emergencies: z.object({
    reason: z.string().min(1),
    location: z.string().min(1),
    contact: z.string().min(1).describe('Phone number or name to call back'),
    service: z.enum(['police', 'firefighters', 'pharmacy', 'veterinarian', 'hospital']),
    customer_response: customerResponse,
  }),
} as const;

export type ToolName = keyof typeof TOOL_SCHEMAS;
export type ToolArgs<N extends ToolName> = z.infer<(typeof TOOL_SCHEMAS)[N]>;

const DESCRIPTIONS: Record<ToolName, string> = {
  updated_claim: 'Record or correct claim fields with what the caller said. Invalid values are reported back: ask the caller again.',
  new_or_updated_reminder: 'Create or update a reminder (a follow-up task with a due date).',
  search_document: 'Search the internal documents (procedures, coverage, FAQ) before answering a question about them.',
  talk_to_human: 'Transfer the caller to a human agent, when they ask for one or you cannot help.',
  end_call:
    'End the call. The first call only asks you to get confirmation: ask the caller whether they want to end the call, and call end_call again once they explicitly confirm.',
  new_claim: 'Start a new, empty claim (the caller wants to declare something else). The current claim is kept in history.',
  send_sms: 'Send an SMS to the caller, e.g. a summary, an address or a reference number.',
  speech_speed: 'Change how fast you speak, when the caller asks you to slow down or speed up.',
  speech_lang: 'Switch the conversation language (your voice and the recognition), when the caller speaks or asks for another language.',
  notify_emergencies: 'Alert emergency services when someone is in danger. Use only for real emergencies.',
};

/** Which tools speak `customer_response` before running (the others decide what to say themselves). */
export const ANNOUNCED: ReadonlySet<ToolName> = new Set([
  'updated_claim',
  'new_or_updated_reminder',
  'search_document',
  'talk_to_human',
  'new_claim',
  'send_sms',
  'speech_speed',
  'speech_lang',
  'notify_emergencies',
]);

let tools: readonly LlmTool[] | undefined;

/**
 * The tools as the model sees them. The same for every call, so built once and shared: rendering
 * the JSON schemas allocates ~80 KB, and the result (~7 KB) would otherwise be kept by every call.
 */
export function llmTools(): readonly LlmTool[] {
  tools ??= Object.freeze(
    (Object.keys(TOOL_SCHEMAS) as ToolName[]).map((name) => {
      const { $schema: _drop, ...parameters } = z.toJSONSchema(TOOL_SCHEMAS[name]) as Record<string, unknown>;
      return { name, description: DESCRIPTIONS[name], parameters };
    }),
  );
  return tools;
}

/** True for a known tool name. */
export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_SCHEMAS, name);
}
