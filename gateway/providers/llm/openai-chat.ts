/**
 * A {@link ChatModel} on the `openai` SDK: OpenAI, any OpenAI-compatible base URL, or Azure
 * OpenAI (`AzureOpenAI` with endpoint, deployment and API version). Tool-call deltas are
 * reassembled and yielded complete at the end of the stream.
 */
import OpenAI, { APIConnectionError, APIError, APIUserAbortError, AzureOpenAI } from 'openai';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { LlmEndpoint } from '../../../control/contract/index.ts';
import { ProviderError, retryableStatus } from '../errors.ts';
import type { ChatModel, LlmEvent, LlmRequest } from './types.ts';

/** Options of {@link createOpenAiChatModel}. */
export interface OpenAiChatOptions {
  /** Custom fetch (tests, proxies). */
  readonly fetch?: typeof fetch;
}

/**
 * Builds a chat model from one `llm.fast` / `llm.slow` endpoint. Without an API key it returns a
 * model that fails with a clear, non-retryable error (no cloud credentials, nothing to embed).
 * @example const fast = createOpenAiChatModel(config.llm.fast);
 */
export function createOpenAiChatModel(endpoint: LlmEndpoint, options: OpenAiChatOptions = {}): ChatModel {
  const label = endpoint.model;
  if (endpoint.api_key === undefined) {
    const where = endpoint.provider === 'azure_openai' ? 'llm.*.api_key (Azure OpenAI key)' : 'llm.*.api_key or OPENAI_API_KEY';
    return {
      label,
      // eslint-disable-next-line require-yield
      async *stream() {
        throw new ProviderError(`LLM ${label} has no credentials: set ${where}`, `llm:${label}`, false);
      },
    };
  }
  // Retries are ours (router): the SDK's own would hide failures from the fallback logic.
  const common = { apiKey: endpoint.api_key, maxRetries: 0, timeout: 120_000, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const client =
    endpoint.provider === 'azure_openai'
      ? new AzureOpenAI({ ...common, endpoint: endpoint.endpoint, apiVersion: endpoint.api_version, deployment: endpoint.deployment ?? endpoint.model })
      : new OpenAI({ ...common, ...(endpoint.endpoint ? { baseURL: endpoint.endpoint } : {}) });
  return {
    label,
    stream: (request, signal) => streamChat(client, endpoint, request, signal),
  };
}

async function* streamChat(client: OpenAI, endpoint: LlmEndpoint, request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmEvent> {
  const provider = `llm:${endpoint.model}`;
  const params: ChatCompletionCreateParamsStreaming = {
    model: endpoint.model,
    messages: [...request.messages],
    stream: true,
    temperature: request.temperature ?? endpoint.temperature,
    ...(request.tools && request.tools.length > 0
      ? { tools: request.tools.map((t) => ({ type: 'function' as const, function: { name: t.name, description: t.description, parameters: t.parameters } })) }
      : {}),
    ...(request.json ? { response_format: { type: 'json_object' as const } } : {}),
  };
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let finishReason = 'stop';
  let model = endpoint.model;
  try {
    const stream = await client.chat.completions.create(params, { signal });
    for await (const chunk of stream) {
      if (chunk.model) model = chunk.model;
      const choice = chunk.choices[0];
      if (choice === undefined) continue;
      const content = choice.delta.content;
      if (content) yield { type: 'text', text: content };
      for (const d of choice.delta.tool_calls ?? []) {
        const known = calls.get(d.index);
        if (known === undefined) yield { type: 'tool_call_start', index: d.index, name: d.function?.name ?? '' };
        const call = known ?? { id: '', name: '', args: '' };
        if (d.id) call.id = d.id;
        if (d.function?.name) call.name += d.function.name;
        if (d.function?.arguments) call.args += d.function.arguments;
        calls.set(d.index, call);
      }
      if (choice.finish_reason) finishReason = choice.finish_reason;
    }
  } catch (error) {
    throw toProviderError(error, provider, signal);
  }
  if (signal.aborted) throw signal.reason;
  for (const [index, c] of [...calls].sort((a, b) => a[0] - b[0])) {
    yield { type: 'tool_call', id: c.id || `call_${index}`, name: c.name, arguments: c.args };
  }
  yield { type: 'done', model, finishReason };
}

/** Maps SDK errors to {@link ProviderError}; an abort stays the abort reason. */
export function toProviderError(error: unknown, provider: string, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason;
  if (error instanceof ProviderError) return error;
  if (error instanceof APIUserAbortError) return new ProviderError('request aborted', provider, true, { cause: error });
  if (error instanceof APIConnectionError) return new ProviderError(`${provider} unreachable: ${error.message}`, provider, true, { cause: error });
  if (error instanceof APIError) {
    const status = error.status ?? 0;
    return new ProviderError(`${provider} answered ${status}: ${error.message}`, provider, status === 0 || retryableStatus(status), { cause: error, status });
  }
  return new ProviderError(`${provider} failed: ${String((error as Error)?.message ?? error)}`, provider, true, { cause: error });
}
