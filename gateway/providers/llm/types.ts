/** What the conversation engine needs from a chat model: a stream of text and tool calls. */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** A message of the model's context, in the OpenAI chat format (Azure and compatible servers share it). */
export type LlmMessage = ChatCompletionMessageParam;

/** A function the model may call. `parameters` is a JSON Schema object. */
export interface LlmTool {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

/** One chat request. */
export interface LlmRequest {
  readonly messages: readonly LlmMessage[];
  readonly tools?: readonly LlmTool[];
  /** Overrides the endpoint's configured temperature. */
  readonly temperature?: number;
  /** Ask for a JSON object answer (`response_format: json_object`). */
  readonly json?: boolean;
}

/** What a streamed answer yields, in order: text pieces and tool-call starts, then complete tool calls, then `done`. */
export type LlmEvent =
  | { readonly type: 'text'; readonly text: string }
  /** The model began a tool call (its first token): arguments are still streaming. Counts for time to first token. */
  | { readonly type: 'tool_call_start'; readonly index: number; readonly name: string }
  | { readonly type: 'tool_call'; readonly id: string; readonly name: string; readonly arguments: string }
  | { readonly type: 'done'; readonly model: string; readonly finishReason: string };

/** One configured model. */
export interface ChatModel {
  /** Low-cardinality label for logs and metrics, e.g. `gpt-4.1-nano`. */
  readonly label: string;
  /** Streams an answer; throws {@link ProviderError} (with `retryable`) on failure, the abort reason on abort. */
  stream(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmEvent>;
}

/** The engine's LLM: two models with retries and fallback. */
export interface Llm {
  /** Streams an answer from the preferred tier, retrying and falling back before the first output. */
  stream(request: LlmRequest, signal: AbortSignal, options?: { readonly tier?: 'fast' | 'slow' }): AsyncIterable<LlmEvent>;
}
