/** `conversation`: prompts, spoken phrases per language, and the default `initiate` of inbound calls. */
import { z } from 'zod';
import { CallInitiate, LanguageEntry } from '../../call.ts';
import { zBool, zInt } from '../coerce.ts';

const Phrases = z.record(z.string(), z.array(z.string().min(1)).min(1));

export const ConversationSection = z
  .strictObject({
    /** Used for inbound calls (no `POST /call` body). `phone_number` is the caller's. */
    inbound_initiate: CallInitiate.omit({ phone_number: true }).prefault({
      bot_company: 'Contoso',
      bot_name: 'Amélie',
      task: 'Help the caller with their request and collect what is needed to open a claim.',
    }),
    /** Languages offered when a call does not set its own. */
    languages: z
      .array(LanguageEntry)
      .min(1)
      .default([{ short_code: 'en-US', voice: 'en-US-AvaMultilingualNeural', pronunciations_en: ['English'] }]),
    default_lang: z.string().default('en-US'),
    /** System prompt template; `{bot_name}`, `{bot_company}`, `{date}`, `{phone_number}` are filled in. */
    system_prompt: z
      .string()
      .default(
        'You are {bot_name}, a phone agent for {bot_company}. Today is {date}. The caller phones from {phone_number}. ' +
          'Speak briefly and naturally: one or two short sentences at a time, no lists, no markdown. ' +
          'Never invent facts; use the tools to record what the caller says.',
      ),
    /** Task prompt; `{task}`, `{claim}`, `{reminders}` are filled in. */
    task_prompt: z
      .string()
      .default('Your objective: {task}\nClaim so far (JSON): {claim}\nReminders (JSON): {reminders}'),
    /** Tool-call rounds allowed in one answer before the model must speak (stops tool loops). */
    max_tool_rounds: zInt(1, 10, 4),
    /** Refuse jailbreak attempts and harmful requests politely, leaving the turn out of the model's context. */
    moderation: z
      .strictObject({
        enabled: zBool(true),
        /** Also ask the fast model about turns the patterns did not flag (adds one short request per turn). */
        llm_check: zBool(false),
      })
      .prefault({}),
    /** Spoken phrases, by kind then language short code; one is chosen at random. */
    phrases: z
      .strictObject({
        hello: Phrases.default({ 'en-US': ['Hello, this is {bot_name} from {bot_company}. How can I help you?'] }),
        goodbye: Phrases.default({ 'en-US': ['Thank you for calling. Goodbye!'] }),
        error: Phrases.default({ 'en-US': ['Sorry, I am having trouble. Let me try again.'] }),
        timeout_silence: Phrases.default({ 'en-US': ['Are you still there?'] }),
        timeout_loading: Phrases.default({ 'en-US': ['One moment, please.'] }),
        transfer_failed: Phrases.default({ 'en-US': ['I could not reach an agent. Please call back later.'] }),
        ivr_language: Phrases.default({ 'en-US': ['For English, press 1.'] }),
        refusal: Phrases.default({ 'en-US': ['Sorry, I cannot help with that. Let us get back to your request.'] }),
        recap: Phrases.default({ 'en-US': ['Welcome back. Last time we talked about: {summary}'] }),
      })
      .prefault({}),
  })
  .prefault({});

export const TelemetrySection = z
  .strictObject({
    /** Expose Prometheus metrics on `GET /metrics`. */
    prometheus: zBool(true),
    /** Azure Monitor; usually from `APPLICATIONINSIGHTS_CONNECTION_STRING`. */
    app_insights_connection_string: z.string().min(1).optional(),
    /** OTLP/HTTP endpoint for traces (e.g. a local Jaeger `http://localhost:4318/v1/traces`); traces also go to Azure Monitor when configured. */
    otlp_traces_endpoint: z.string().url().optional(),
    log_level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .prefault({});
