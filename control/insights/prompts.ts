/** Prompts of the post-call analysis and the SMS answers: the call's context as text for the model. */
import type { Call } from '../contract/index.ts';

/** The conversation, one line per message: `[time] persona (action): content`. */
export function transcript(call: Call): string {
  return call.messages
    .map((m) => {
      const tools = m.tool_calls.length > 0 ? ` [tools: ${m.tool_calls.map((t) => `${t.function_name}(${t.function_arguments})`).join(', ')}]` : '';
      return `[${m.created_at}] ${m.persona === 'human' ? 'Customer' : 'Agent'} (${m.action})${m.interrupted ? ' (interrupted)' : ''}: ${m.content}${tools}`;
    })
    .join('\n');
}

/** What the agent knew: company, task, claim, reminders. */
export function callFacts(call: Call): string {
  return [
    `Company: ${call.initiate.bot_company}. Agent: ${call.initiate.bot_name}. Customer phone: ${call.initiate.phone_number}.`,
    `Objective of the call: ${call.initiate.task ?? '(none given)'}`,
    `Claim (JSON): ${JSON.stringify(call.claim)}`,
    `Reminders (JSON): ${JSON.stringify(call.reminders)}`,
  ].join('\n');
}

/** The language the customer spoke, for answers written to them. */
export function customerLanguage(call: Call): string {
  return call.lang_short_code ?? call.initiate.lang?.default_short_code ?? 'en-US';
}

/** System prompt of the post-call analysis. */
export function postCallPrompt(call: Call): string {
  return [
    'You analyse a finished phone conversation between a company agent and a customer, for the team that follows up on it.',
    callFacts(call),
    'Return a JSON object with:',
    '- synthesis.short: one sentence on what the call was about and its outcome;',
    '- synthesis.long: a few sentences a colleague can act on (facts given, what is pending);',
    '- synthesis.satisfaction: the customer satisfaction (terrible, low, partial, high, unknown);',
    '- synthesis.improvement_suggestions: how the agent could have done better;',
    '- next.action: the next step (case_closed, commercial_offer, customer_will_send_info, high_priority, propose_new_contract, requires_expertise) and next.justification;',
    `- sms_summary: a short, friendly SMS to the customer summarising the call and the next step, in ${customerLanguage(call)}, under 300 characters.`,
    'Base everything on the conversation only; never invent facts.',
  ].join('\n');
}

/** System prompt of an SMS answer. */
export function smsReplyPrompt(call: Call): string {
  return [
    `You are ${call.initiate.bot_name}, an agent of ${call.initiate.bot_company}, answering the customer by SMS.`,
    callFacts(call),
    `Write only the SMS text, in ${customerLanguage(call)}, under 300 characters, plain text, no markdown. Never invent facts; if you cannot help, say a colleague will get back to them.`,
  ].join('\n');
}
