/** `llm`, `stt`, `tts`, `acs`, `twilio`, `sms`, `rag`, `emergency`: third-party services. */
import { z } from 'zod';
import { zHttpUrl, zInt, zNum } from '../coerce.ts';

export const LlmEndpoint = z.strictObject({
  provider: z.enum(['openai', 'azure_openai']).default('openai'),
  /** Base URL (OpenAI-compatible) or the Azure OpenAI resource endpoint. */
  endpoint: zHttpUrl().optional(),
  api_key: z.string().min(1).optional(),
  model: z.string().min(1),
  /** Azure OpenAI deployment name (defaults to `model`). */
  deployment: z.string().optional(),
  api_version: z.string().default('2024-10-21'),
  /** Context window used to trim history. */
  context_tokens: zInt(1000, 2_000_000, 128_000),
  temperature: zNum().pipe(z.number().min(0).max(2)).default(0.3),
});
export type LlmEndpoint = z.infer<typeof LlmEndpoint>;

export const LlmSection = z
  .strictObject({
    fast: LlmEndpoint.extend({ model: z.string().min(1).default('gpt-4.1-nano') }).prefault({}),
    slow: LlmEndpoint.extend({ model: z.string().min(1).default('gpt-4.1') }).prefault({}),
    /** Attempts on one model before falling back to the other. */
    max_retries: zInt(0, 10, 2),
    /** Time allowed for the first token before the attempt counts as failed (ms). */
    first_token_timeout_ms: zInt(100, 120_000, 8000),
    /** First retry delay (ms), doubling per retry: lets a 429 burst pass without keeping the caller waiting. */
    retry_backoff_ms: zInt(0, 10_000, 250),
  })
  .prefault({});

const AzureSpeech = z.strictObject({
  region: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  /** Custom endpoint (private link or a local stand-in). */
  endpoint: z.string().url().optional(),
});

export const SttSection = z
  .strictObject({
    provider: z.enum(['none', 'azure', 'openai', 'standin']).default('none'),
    azure: AzureSpeech.optional(),
    openai: z.strictObject({ model: z.string().default('gpt-4o-mini-transcribe'), endpoint: zHttpUrl().optional(), api_key: z.string().optional() }).prefault({}),
    standin: z.strictObject({ url: zHttpUrl() }).optional(),
  })
  .prefault({});

export const TtsSection = z
  .strictObject({
    provider: z.enum(['none', 'azure', 'openai', 'espeak', 'standin']).default('none'),
    azure: AzureSpeech.optional(),
    openai: z
      .strictObject({ model: z.string().default('gpt-4o-mini-tts'), voice: z.string().default('alloy'), endpoint: zHttpUrl().optional(), api_key: z.string().optional() })
      .prefault({}),
    standin: z.strictObject({ url: zHttpUrl() }).optional(),
  })
  .prefault({});

export const AcsSection = z
  .strictObject({
    connection_string: z.string().min(1),
    /** Number the bot calls from and answers on. */
    phone_number: z.string().regex(/^\+[1-9]\d{5,14}$/, 'must be E.164'),
    /** JWKS of ACS's callback signing keys. */
    jwks_url: zHttpUrl().default('https://acscallautomation.communication.azure.com/calling/keys'),
    /** Expected `iss` of callback JWTs. */
    issuer: z.string().default('https://acscallautomation.communication.azure.com'),
    /** Expected `aud` of callback JWTs: the ACS resource's immutable id. */
    audience: z.string().min(1),
    /** Override of the Call Automation endpoint (a local stand-in in tests). */
    endpoint: zHttpUrl().optional(),
  })
  .optional();

export const TwilioSection = z
  .strictObject({
    account_sid: z.string().min(1),
    auth_token: z.string().min(1),
    phone_number: z.string().regex(/^\+[1-9]\d{5,14}$/, 'must be E.164'),
  })
  .optional();

export const SmsSection = z.strictObject({ provider: z.enum(['none', 'acs', 'twilio']).default('none') }).prefault({});

export const RagSection = z
  .strictObject({
    kind: z.enum(['sqlite', 'azure_search']).default('sqlite'),
    /** Folder of the operator's documents indexed for `search_document` (embedded default). */
    documents_dir: z.string().default('data/documents'),
    index_path: z.string().default('data/rag.sqlite'),
    azure_search: z
      .strictObject({
        endpoint: zHttpUrl(),
        key: z.string().min(1),
        index: z.string().min(1),
        /** Vector field for hybrid search (the index's vectorizer embeds the query); keyword-only without it. */
        vector_field: z.string().min(1).optional(),
        /** Semantic ranker configuration, if the index has one. */
        semantic_configuration: z.string().min(1).optional(),
        content_field: z.string().min(1).default('content'),
        title_field: z.string().min(1).default('title'),
      })
      .optional(),
    top_k: zInt(1, 50, 5),
  })
  .prefault({});

export const EmergencySection = z
  .strictObject({
    /** `notify_emergencies` posts here; without it the notification is recorded in the conversation and logged as an error. */
    webhook_url: zHttpUrl().optional(),
    sms_number: z.string().regex(/^\+[1-9]\d{5,14}$/, 'must be E.164').optional(),
  })
  .prefault({});
