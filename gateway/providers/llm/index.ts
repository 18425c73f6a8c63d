/** LLM providers: OpenAI-compatible and Azure OpenAI models behind one streaming interface, with retries and fallback. */
export { createOpenAiChatModel, toProviderError, type OpenAiChatOptions } from './openai-chat.ts';
export { createLlmRouter, FirstTokenTimeoutError, type LlmRouterOptions } from './router.ts';
export type { ChatModel, Llm, LlmEvent, LlmMessage, LlmRequest, LlmTool } from './types.ts';
