/**
 * Runs one tool call: parses and validates its arguments, applies it (claim, reminders, call
 * actions through control), persists what changed, and returns the text the model gets back.
 * Bad arguments never throw: they are explained to the model in the result.
 */
import type { ActionResult, CallAction, LanguageEntry } from '../../../control/contract/index.ts';
import type { DocumentSearch } from '../../providers/rag/index.ts';
import type { Phrases } from '../phrases.ts';
import type { ConversationState } from '../state.ts';
import { validateClaimValue, normalizeDatetime } from './claim-validation.ts';
import { isToolName, TOOL_SCHEMAS, type ToolArgs, type ToolName } from './definitions.ts';

/** What a tool may use. */
export interface ToolRuntime {
  readonly state: ConversationState;
  readonly phrases: Phrases;
  readonly languages: readonly LanguageEntry[];
  readonly agentPhoneNumber: string | undefined;
  readonly search: DocumentSearch | undefined;
  readonly searchTopK: number;
  /** Asks control to act; `actionId` makes a retry idempotent. */
  act(action: CallAction, actionId: string): Promise<ActionResult>;
  /** Switches TTS voice and STT language. */
  switchLanguage(lang: LanguageEntry, eventId: string): void;
  readonly signal: AbortSignal;
}

/** How the conversation goes on after a tool. */
export interface ToolOutcome {
  /** Returned to the model as the tool message. */
  readonly content: string;
  /** Said to the caller after the tool (instead of more model output when `end` is set). */
  readonly say?: string | undefined;
  /** The call ends once `say` (and everything before it) has been heard. */
  readonly end?: 'agent_hangup' | 'transfer' | undefined;
}

/** The `customer_response` of a call's arguments, if it parses. */
export function customerResponseOf(argsJson: string): string | undefined {
  try {
    const v = (JSON.parse(argsJson) as { customer_response?: unknown }).customer_response;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a tool call.
 * @param id unique per call (event and action ids derive from it)
 */
export async function runTool(name: string, argsJson: string, id: string, rt: ToolRuntime): Promise<ToolOutcome> {
  if (!isToolName(name)) return { content: `Unknown tool "${name}".` };
  let raw: unknown;
  try {
    raw = argsJson.trim() === '' ? {} : JSON.parse(argsJson);
  } catch {
    return { content: 'Invalid arguments: not valid JSON. Call the tool again with correct arguments.' };
  }
  const parsed = TOOL_SCHEMAS[name].safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(arguments)'}: ${i.message}`).join('; ');
    return { content: `Invalid arguments: ${problems}. Call the tool again with correct arguments.` };
  }
  return HANDLERS[name](parsed.data as never, id, rt);
}

type Handler<N extends ToolName> = (args: ToolArgs<N>, id: string, rt: ToolRuntime) => Promise<ToolOutcome> | ToolOutcome;

const HANDLERS: { [N in ToolName]: Handler<N> } = {
  updated_claim(args, id, rt) {
    const saved: Record<string, string | null> = {};
    const errors: string[] = [];
    for (const { field, value } of args.updates) {
      const def = rt.state.fields.find((f) => f.name === field);
      if (def === undefined) {
        errors.push(`${field}: unknown field (fields are ${rt.state.fields.map((f) => f.name).join(', ')})`);
        continue;
      }
      const v = validateClaimValue(def, value);
      if (v.ok) saved[field] = v.value;
      else errors.push(`${field}: ${v.error}`);
    }
    if (Object.keys(saved).length > 0) rt.state.updateClaim(`${id}:claim`, saved);
    const parts: string[] = [];
    if (Object.keys(saved).length > 0) parts.push(`Saved: ${Object.entries(saved).map(([k, v]) => `${k} = ${v ?? '(cleared)'}`).join(', ')}.`);
    if (errors.length > 0) parts.push(`Not saved: ${errors.join('; ')}. Ask the caller again for these.`);
    return { content: parts.join(' ') };
  },

  new_or_updated_reminder(args, id, rt) {
    const due = normalizeDatetime(args.due_date_time);
    if (due === undefined) return { content: `Not saved: due_date_time "${args.due_date_time}" is not a date and time (use ISO 8601). Ask the caller when.` };
    const existed = rt.state.reminders.some((r) => r.title.toLowerCase() === args.title.toLowerCase());
    const r = rt.state.upsertReminder(`${id}:reminder`, { title: args.title, description: args.description, due_date_time: due, owner: args.owner });
    return { content: `Reminder "${r.title}" ${existed ? 'updated' : 'created'}, due ${r.due_date_time}, owner ${r.owner}.` };
  },

  async search_document(args, _id, rt) {
    if (rt.search === undefined) return { content: 'Document search is not available.' };
    try {
      const hits = await rt.search.search(args.queries, rt.searchTopK, rt.signal);
      if (hits.length === 0) return { content: 'No document matches. Say you do not know rather than guessing.' };
      return { content: JSON.stringify(hits.map((h) => ({ title: h.title, source: h.source, content: h.content }))) };
    } catch (error) {
      if (rt.signal.aborted) throw rt.signal.reason;
      return { content: `Document search failed (${(error as Error).message}). Say you cannot check right now.` };
    }
  },

  async talk_to_human(_args, id, rt) {
    const failed = (detail: string): ToolOutcome => ({
      content: `Transfer failed: ${detail}.`,
      say: rt.phrases.pick('transfer_failed', rt.state.lang.short_code),
      end: 'agent_hangup',
    });
    if (rt.agentPhoneNumber === undefined) return failed('no agent phone number is configured for this call');
    const result = await actSafely(rt, { type: 'transfer', target: rt.agentPhoneNumber }, `${id}:transfer`);
    return result.ok ? { content: 'Transfer started.', end: 'transfer' } : failed(result.detail ?? 'the agent could not be reached');
  },

  end_call(args, _id, rt) {
    const state = rt.state;
    if (state.endCallAskedAt === undefined || state.humanTurns <= state.endCallAskedAt) {
      state.endCallAskedAt ??= state.humanTurns;
      return { content: 'Not ended yet: ask the caller to confirm they want to end the call. Call end_call again only after they explicitly confirm.' };
    }
    return { content: 'Call ended.', say: args.customer_response ?? rt.phrases.pick('goodbye', state.lang.short_code), end: 'agent_hangup' };
  },

  new_claim(_args, id, rt) {
    rt.state.resetClaim(`${id}:claim-reset`);
    return { content: 'A new, empty claim was started. Collect its details.' };
  },

  async send_sms(args, id, rt) {
    const result = await actSafely(rt, { type: 'send_sms', message: args.message }, `${id}:sms`);
    if (!result.ok) return { content: `SMS not sent: ${result.detail ?? 'unknown error'}.` };
    rt.state.addMessage(`${id}:sms-message`, { persona: 'assistant', action: 'sms', content: args.message, style: 'none', tool_calls: [] });
    return { content: 'SMS sent.' };
  },

  speech_speed(args, _id, rt) {
    if (!(args.speed >= 0.75 && args.speed <= 1.25)) return { content: `Speed ${args.speed} refused: it must be between 0.75 and 1.25.` };
    rt.state.rate = args.speed;
    return { content: `Speaking rate is now ${args.speed}.` };
  },

  speech_lang(args, id, rt) {
    const wanted = args.lang.toLowerCase();
    const lang = rt.languages.find((l) => l.short_code.toLowerCase() === wanted) ?? rt.languages.find((l) => l.short_code.toLowerCase().split('-')[0] === wanted.split('-')[0]);
    if (lang === undefined) return { content: `Language ${args.lang} is not available; available: ${rt.languages.map((l) => l.short_code).join(', ')}.` };
    if (lang.short_code !== rt.state.lang.short_code) rt.switchLanguage(lang, `${id}:lang`);
    return { content: `Language is now ${lang.short_code}. Continue in that language.` };
  },

  async notify_emergencies(args, id, rt) {
    const result = await actSafely(rt, { type: 'notify_emergencies', reason: args.reason, location: args.location, contact: args.contact, service: args.service }, `${id}:emergency`);
    return { content: result.ok ? `The ${args.service} were notified.` : `Notification failed: ${result.detail ?? 'unknown error'}. Tell the caller to call the emergency number themselves.` };
  },
};

async function actSafely(rt: ToolRuntime, action: CallAction, actionId: string): Promise<ActionResult> {
  try {
    return await rt.act(action, actionId);
  } catch (error) {
    if (rt.signal.aborted) throw rt.signal.reason;
    return { ok: false, detail: (error as Error).message };
  }
}
