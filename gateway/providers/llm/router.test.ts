import { afterEach, describe, expect, it } from 'vitest';
import { startLlmStandin, type LlmStandin, type ScriptedReply } from '../../../bench/standins/llm-server.ts';
import { ConfigSchema, type LlmEndpoint } from '../../../control/contract/index.ts';
import { ProviderError } from '../errors.ts';
import { createOpenAiChatModel } from './openai-chat.ts';
import { createLlmRouter } from './router.ts';
import type { Llm, LlmEvent } from './types.ts';

let llm: LlmStandin | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

function endpoint(over: Partial<LlmEndpoint>): LlmEndpoint {
  return { ...ConfigSchema.parse({}).llm.fast, api_key: 'k', ...over } as LlmEndpoint;
}

function router(standin: LlmStandin, over: { maxRetries?: number; firstTokenTimeoutMs?: number } = {}): Llm {
  return createLlmRouter({
    fast: createOpenAiChatModel(endpoint({ model: 'fast-model', endpoint: standin.url })),
    slow: createOpenAiChatModel(endpoint({ model: 'slow-model', endpoint: standin.url })),
    maxRetries: over.maxRetries ?? 2,
    firstTokenTimeoutMs: over.firstTokenTimeoutMs ?? 10_000,
    backoffMs: 1,
  });
}

async function collect(it: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

const text = (events: LlmEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
const user = [{ role: 'user' as const, content: 'hello' }];

describe('LLM router over the OpenAI SDK', () => {
  it('streams text and complete tool calls from the fast model', async () => {
    llm = await startLlmStandin({ ttftMs: 1, tokensPerSec: 2000, respond: () => ({ content: 'Sure, noted.', tool_calls: [{ name: 'updated_claim', arguments: { updates: [] } }] }) });
    const events = await collect(router(llm).stream({ messages: user, tools: [{ name: 'updated_claim', description: 'd', parameters: { type: 'object' } }] }, new AbortController().signal));
    expect(text(events)).toBe('Sure, noted.');
    expect(events.filter((e) => e.type === 'tool_call')).toMatchObject([{ name: 'updated_claim', arguments: '{"updates":[]}' }]);
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
    // The start of a tool call is its first token: it comes before the arguments are complete.
    expect(events.findIndex((e) => e.type === 'tool_call_start')).toBeLessThan(events.findIndex((e) => e.type === 'tool_call'));
    expect(events.find((e) => e.type === 'tool_call_start')).toMatchObject({ index: 0, name: 'updated_claim' });
    expect(llm.requests[0]?.model).toBe('fast-model');
    expect(llm.requests[0]?.tools?.[0]?.function.name).toBe('updated_claim');
  });

  it('retries a rate-limited model with backoff, then succeeds on it', async () => {
    let n = 0;
    llm = await startLlmStandin({ ttftMs: 1, respond: (): ScriptedReply => (++n <= 2 ? { error: { status: 429 } } : { content: 'ok' }) });
    const events = await collect(router(llm).stream({ messages: user }, new AbortController().signal));
    expect(text(events)).toBe('ok');
    expect(llm.requests.map((r) => r.model)).toEqual(['fast-model', 'fast-model', 'fast-model']);
  });

  it('falls back to the slow model when the fast one keeps failing', async () => {
    llm = await startLlmStandin({ ttftMs: 1, respond: (r): ScriptedReply => (r.model === 'fast-model' ? { error: { status: 503 } } : { content: 'from slow' }) });
    const events = await collect(router(llm, { maxRetries: 1 }).stream({ messages: user }, new AbortController().signal));
    expect(text(events)).toBe('from slow');
    expect(llm.requests.map((r) => r.model)).toEqual(['fast-model', 'fast-model', 'slow-model']);
  });

  it('does not retry a bad request on the same model but still falls back', async () => {
    llm = await startLlmStandin({ ttftMs: 1, respond: (r): ScriptedReply => (r.model === 'fast-model' ? { error: { status: 400, message: 'content filter' } } : { content: 'fine' }) });
    const events = await collect(router(llm).stream({ messages: user }, new AbortController().signal));
    expect(text(events)).toBe('fine');
    expect(llm.requests.map((r) => r.model)).toEqual(['fast-model', 'slow-model']);
  });

  it('retries empty answers', async () => {
    let n = 0;
    llm = await startLlmStandin({ ttftMs: 1, respond: () => ({ content: ++n === 1 ? '  ' : 'Second try.' }) });
    const events = await collect(router(llm).stream({ messages: user }, new AbortController().signal));
    expect(text(events)).toBe('Second try.');
    expect(llm.requests).toHaveLength(2);
  });

  it('abandons an attempt without a first token in time and uses the other model', async () => {
    llm = await startLlmStandin({ respond: (r) => (r.model === 'fast-model' ? { content: 'late', ttftMs: 20_000 } : { content: 'quick', ttftMs: 1 }) });
    const events = await collect(router(llm, { maxRetries: 0, firstTokenTimeoutMs: 150 }).stream({ messages: user }, new AbortController().signal));
    expect(text(events)).toBe('quick');
    await expect.poll(() => llm?.abandoned.length).toBe(1);
  });

  it('prefers the slow model when asked', async () => {
    llm = await startLlmStandin({ ttftMs: 1 });
    await collect(router(llm).stream({ messages: user }, new AbortController().signal, { tier: 'slow' }));
    expect(llm.requests[0]?.model).toBe('slow-model');
  });

  it('throws the last error when every attempt fails', async () => {
    llm = await startLlmStandin({ respond: () => ({ error: { status: 500 } }) });
    const err = await collect(router(llm, { maxRetries: 0 }).stream({ messages: user }, new AbortController().signal)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).status).toBe(500);
    expect(llm.requests).toHaveLength(2);
  });

  it('stops at once on abort with the abort reason', async () => {
    llm = await startLlmStandin({ ttftMs: 1, tokensPerSec: 20, respond: () => ({ content: 'a b c d e f g h i j k l' }) });
    const controller = new AbortController();
    const reason = new Error('bargein');
    const seen: string[] = [];
    const err = await (async () => {
      for await (const e of router(llm!).stream({ messages: user }, controller.signal)) {
        if (e.type === 'text') seen.push(e.text);
        if (seen.length === 2) controller.abort(reason);
      }
    })().catch((e: unknown) => e);
    expect(err).toBe(reason);
    expect(seen).toHaveLength(2);
    await expect.poll(() => llm?.abandoned.length).toBe(1);
  });

  it('talks to Azure OpenAI deployments', async () => {
    llm = await startLlmStandin({ ttftMs: 1, respond: (r) => ({ content: `dep ${r.deployment}` }) });
    const model = createOpenAiChatModel(endpoint({ provider: 'azure_openai', model: 'gpt-4.1-nano', deployment: 'nano-prod', endpoint: llm.azureEndpoint }));
    const events = await collect(model.stream({ messages: user }, new AbortController().signal));
    expect(text(events)).toBe('dep nano-prod');
    expect(llm.requests[0]?.headers['api-key']).toBe('k');
    expect(llm.requests[0]?.path).toBe('/openai/deployments/nano-prod/chat/completions');
  });

  it('says clearly when a model has no credentials', async () => {
    const model = createOpenAiChatModel(endpoint({ api_key: undefined }));
    const err = await collect(model.stream({ messages: user }, new AbortController().signal)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(false);
    expect((err as Error).message).toContain('OPENAI_API_KEY');
  });
});
