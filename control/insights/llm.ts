/**
 * The control plane's LLM access (post-call insights, SMS answers) through the `openai` SDK:
 * OpenAI, Azure OpenAI, or any OpenAI-compatible base URL. Structured answers use a JSON schema
 * response format, are validated by zod, and re-prompted a bounded number of times when invalid.
 */
import OpenAI, { AzureOpenAI } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { LlmEndpoint } from '../contract/index.ts';

/** A model ready to call. */
export interface LlmModel {
  readonly client: OpenAI;
  /** Model (OpenAI) or deployment (Azure) name sent with each request. */
  readonly model: string;
  readonly temperature: number;
}

/** The LLM is not configured, or its answers stayed invalid after every re-prompt. */
export class LlmError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmError';
  }
}

/** Requests to the model time out after 60 s: post-call work is not interactive, but must not hang a worker. */
const REQUEST_TIMEOUT_MS = 60_000;

/** A client for an endpoint, or undefined when nothing is configured (no key, no endpoint). */
export function createLlmModel(endpoint: LlmEndpoint): LlmModel | undefined {
  if (endpoint.api_key === undefined && endpoint.endpoint === undefined) return undefined;
  // Every option is explicit so that the SDK reads nothing from the environment.
  const common = { apiKey: endpoint.api_key ?? 'unused', timeout: REQUEST_TIMEOUT_MS, maxRetries: 2 };
  if (endpoint.provider === 'azure_openai') {
    const deployment = endpoint.deployment ?? endpoint.model;
    const client = new AzureOpenAI({ ...common, endpoint: endpoint.endpoint, apiVersion: endpoint.api_version, deployment });
    return { client, model: deployment, temperature: endpoint.temperature };
  }
  const client = new OpenAI({ ...common, baseURL: endpoint.endpoint ?? 'https://api.openai.com/v1', organization: null, project: null });
  return { client, model: endpoint.model, temperature: endpoint.temperature };
}

/** Options of {@link structuredCompletion}. */
export interface StructuredRequest<S extends z.ZodType> {
  readonly name: string;
  readonly schema: S;
  readonly messages: ChatCompletionMessageParam[];
  /** Attempts including re-prompts; 3 fixes the odd malformed answer without looping on a broken model. */
  readonly maxAttempts?: number;
}

/** The JSON schema of a zod schema, in the shape OpenAI's strict structured outputs accept. */
export function responseJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
  return json;
}

/**
 * Asks for JSON matching `schema`; re-prompts with the problems when the answer is invalid.
 * @throws LlmError when no valid answer came after `maxAttempts`.
 */
export async function structuredCompletion<S extends z.ZodType>(llm: LlmModel, request: StructuredRequest<S>): Promise<z.output<S>> {
  const messages = [...request.messages];
  const attempts = request.maxAttempts ?? 3;
  const jsonSchema = responseJsonSchema(request.schema);
  let problems = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let content: string;
    try {
      const completion = await llm.client.chat.completions.create({
        model: llm.model,
        temperature: llm.temperature,
        messages,
        response_format: { type: 'json_schema', json_schema: { name: request.name, schema: jsonSchema, strict: true } },
      });
      content = completion.choices[0]?.message.content ?? '';
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new LlmError(`LLM request failed: ${(error as Error).message}`, status === undefined || status >= 500 || status === 429, { cause: error });
    }
    const checked = check(request.schema, content);
    if (checked.ok) return checked.value;
    problems = checked.problems;
    messages.push({ role: 'assistant', content }, { role: 'user', content: `That answer is not valid: ${problems}. Answer again with only a JSON object matching the schema.` });
  }
  throw new LlmError(`no valid ${request.name} after ${attempts} attempts: ${problems}`, true);
}

function check<S extends z.ZodType>(schema: S, content: string): { ok: true; value: z.output<S> } | { ok: false; problems: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return { ok: false, problems: 'it is not JSON' };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}

/** A plain-text answer (SMS replies). @throws LlmError */
export async function textCompletion(llm: LlmModel, messages: ChatCompletionMessageParam[]): Promise<string> {
  try {
    const completion = await llm.client.chat.completions.create({ model: llm.model, temperature: llm.temperature, messages });
    return (completion.choices[0]?.message.content ?? '').trim();
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new LlmError(`LLM request failed: ${(error as Error).message}`, status === undefined || status >= 500 || status === 429, { cause: error });
  }
}
