/**
 * The model's context: the configured system prompt (persona, company, date, caller number),
 * the task prompt with the claim and reminders so far, the engine's own rules (language, style
 * tags, confirmation before hanging up), then the history as heard, trimmed to fit.
 *
 * Tokens are approximated as characters / 4 (close enough for English and French text to budget a
 * context window; no tokenizer is bundled).
 */
import type { CallContext, Config, Message } from '../../control/contract/index.ts';
import type { LlmMessage } from '../providers/llm/index.ts';
import { fillTemplate } from './phrases.ts';
import type { ConversationState } from './state.ts';

/** Share of the context window kept for the answer and tool results. */
const RESERVE_FRACTION = 0.25;

/** Approximate token count of a text (chars / 4). */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The system message of a call at this point of the conversation. */
export function systemPrompt(config: Config['conversation'], context: CallContext, state: ConversationState, now: Date): string {
  const initiate = context.initiate;
  const vars = {
    bot_name: initiate.bot_name,
    bot_company: initiate.bot_company,
    date: now.toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    phone_number: initiate.phone_number,
    task: initiate.task ?? 'Help the caller.',
    claim: JSON.stringify(Object.fromEntries(state.fields.map((f) => [f.name, { type: f.type, ...(f.description ? { description: f.description } : {}), value: state.claim[f.name] ?? null }]))),
    reminders: JSON.stringify(state.reminders.map((r) => ({ title: r.title, description: r.description, due_date_time: r.due_date_time, owner: r.owner }))),
  };
  const rules = [
    `Speak ${state.lang.short_code} (the caller's language) unless the caller switches; then call speech_lang.`,
    'Your words are spoken on the phone: short sentences, no lists, no markdown, no emojis; spell numbers as they are said.',
    'You may start a sentence with a voice style tag: [cheerful], [sad] or [none]. Write no other tags.',
    'Record what the caller says about the claim with updated_claim as soon as you hear it.',
    'Only end the call with end_call after the caller has explicitly confirmed they want to hang up.',
  ];
  return `${fillTemplate(config.system_prompt, vars)}\n\n${fillTemplate(config.task_prompt, vars)}\n\nRules:\n- ${rules.join('\n- ')}`;
}

/** One stored message as chat messages (an assistant turn with tools becomes the call plus its results). */
export function toLlmMessages(m: Message): LlmMessage[] {
  if (m.action !== 'talk' && m.action !== 'sms') return [];
  if (m.persona === 'human') return m.content.trim() === '' ? [] : [{ role: 'user', content: m.action === 'sms' ? `(SMS) ${m.content}` : m.content }];
  const content = m.action === 'sms' ? `(SMS sent) ${m.content}` : m.content;
  if (m.tool_calls.length === 0) return content.trim() === '' ? [] : [{ role: 'assistant', content }];
  return [
    {
      role: 'assistant',
      content: content.trim() === '' ? null : content,
      tool_calls: m.tool_calls.map((t) => ({ id: t.tool_id, type: 'function' as const, function: { name: t.function_name, arguments: t.function_arguments } })),
    },
    ...m.tool_calls.map((t) => ({ role: 'tool' as const, tool_call_id: t.tool_id, content: t.content })),
  ];
}

/**
 * System prompt plus as much recent history as fits in `contextTokens` (minus a reserve),
 * leaving out moderated messages. `pending` messages (this turn's) always go last; only the first
 * `historyLength` stored messages count (those before the turn began).
 */
export function buildContext(system: string, state: ConversationState, contextTokens: number, pending: readonly LlmMessage[] = [], historyLength = state.messages.length): LlmMessage[] {
  let budget = Math.floor(contextTokens * (1 - RESERVE_FRACTION)) - approxTokens(system) - pending.reduce((n, m) => n + approxTokens(JSON.stringify(m)), 0);
  const history: LlmMessage[][] = [];
  for (let i = Math.min(historyLength, state.messages.length) - 1; i >= 0; i--) {
    const m = state.messages[i] as Message;
    if (state.excluded.has(m)) continue;
    const converted = toLlmMessages(m);
    const cost = converted.reduce((n, c) => n + approxTokens(JSON.stringify(c)), 0);
    if (cost > budget) break;
    budget -= cost;
    history.push(converted);
  }
  history.reverse();
  // A context must not start with tool results or an assistant turn whose tool results were cut.
  const flat = history.flat();
  while (flat.length > 0 && flat[0]?.role === 'tool') flat.shift();
  return [{ role: 'system', content: system }, ...flat, ...pending];
}
