import OpenAI, { APIError, AzureOpenAI, toFile } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startLlmStandin, tokenize, type LlmStandin } from './llm-server.ts';

let llm: LlmStandin | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

describe('LLM stand-in', () => {
  it('streams content as word tokens with the OpenAI SDK', async () => {
    llm = await startLlmStandin({ ttftMs: 5, tokensPerSec: 1000, respond: () => ({ content: 'Hello there. It is 3.5 degrees.' }) });
    const client = new OpenAI({ baseURL: llm.url, apiKey: 'sk-test', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const pieces: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) pieces.push(c.delta.content);
      if (c?.finish_reason) finish = c.finish_reason;
    }
    expect(pieces.join('')).toBe('Hello there. It is 3.5 degrees.');
    expect(pieces.length).toBe(6);
    expect(finish).toBe('stop');
    expect(llm.requests[0]?.model).toBe('gpt-test');
    expect(llm.requests[0]?.headers.authorization).toBe('Bearer sk-test');
  });

  it('streams tool calls as index/id/name/argument deltas the SDK reassembles', async () => {
    llm = await startLlmStandin({
      ttftMs: 1,
      tokensPerSec: 2000,
      respond: () => ({ content: 'Let me note that.', tool_calls: [{ name: 'updated_claim', arguments: { updates: [{ field: 'policyholder_name', value: 'Jane Doe' }] } }, { name: 'end_call', arguments: {} }] }),
    });
    const client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0 });
    const runner = client.chat.completions.stream({ model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'updated_claim', parameters: { type: 'object' } } }] });
    const final = await runner.finalChatCompletion();
    const msg = final.choices[0]?.message;
    expect(msg?.content).toBe('Let me note that.');
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    const calls = (msg?.tool_calls ?? []).map((c) => (c.type === 'function' ? [c.function.name, JSON.parse(c.function.arguments)] : []));
    expect(calls).toEqual([
      ['updated_claim', { updates: [{ field: 'policyholder_name', value: 'Jane Doe' }] }],
      ['end_call', {}],
    ]);
    expect(llm.requests[0]?.tools?.[0]?.function.name).toBe('updated_claim');
  });

  it('answers non-streamed requests, including response_format ones', async () => {
    llm = await startLlmStandin({ ttftMs: 1, tokensPerSec: 5000, respond: () => ({ content: '{"short":"ok"}' }) });
    const client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' } });
    expect(JSON.parse(res.choices[0]?.message.content ?? '')).toEqual({ short: 'ok' });
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
    expect(llm.requests[0]?.response_format).toEqual({ type: 'json_object' });
  });

  it('returns scripted HTTP errors the SDK raises with their status', async () => {
    llm = await startLlmStandin({ respond: () => ({ error: { status: 429, message: 'slow down' } }) });
    const client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0 });
    const err = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIError);
    expect((err as APIError).status).toBe(429);
    expect((err as APIError).message).toContain('slow down');
  });

  it('serves the Azure OpenAI deployment route with the AzureOpenAI client', async () => {
    llm = await startLlmStandin({ ttftMs: 1, tokensPerSec: 5000, respond: (r) => ({ content: `deployment ${r.deployment}` }) });
    const client = new AzureOpenAI({ endpoint: llm.azureEndpoint, apiKey: 'az-key', apiVersion: '2024-10-21', deployment: 'gpt-fast', maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: '', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('deployment gpt-fast');
    expect(llm.requests[0]?.path).toBe('/openai/deployments/gpt-fast/chat/completions');
    expect(llm.requests[0]?.headers['api-key']).toBe('az-key');
  });

  it('stops streaming when the client aborts', async () => {
    llm = await startLlmStandin({ ttftMs: 1, tokensPerSec: 20, respond: () => ({ content: 'one two three four five six seven eight nine ten' }) });
    const client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'x' }] }, { signal: controller.signal });
    const seen: string[] = [];
    // The SDK ends the iteration (or throws, depending on timing) once aborted.
    await (async () => {
      for await (const chunk of stream) {
        const t = chunk.choices[0]?.delta.content;
        if (t) seen.push(t);
        if (seen.length === 2) controller.abort();
      }
    })().catch(() => undefined);
    expect(seen.length).toBe(2);
    await expect.poll(() => llm?.abandoned.length, { timeout: 10_000 }).toBe(1);
  });

  it('transcribes uploads and speaks PCM for the OpenAI audio APIs', async () => {
    llm = await startLlmStandin({ transcribe: (r) => `heard ${r.language} ${r.audio.length}`, speechTtfbMs: 1 });
    const client = new OpenAI({ baseURL: llm.url, apiKey: 'k', maxRetries: 0 });
    const wav = new Uint8Array(44 + 3200);
    const tr = await client.audio.transcriptions.create({ model: 'gpt-4o-mini-transcribe', language: 'fr', file: await toFile(wav, 'u.wav') });
    expect(tr.text).toBe('heard fr 3244');
    const speech = await client.audio.speech.create({ model: 'gpt-4o-mini-tts', voice: 'alloy', input: 'Bonjour à vous.', response_format: 'pcm' });
    const pcm = new Int16Array(await speech.arrayBuffer());
    expect(pcm.length).toBeGreaterThan(24_000 * 0.5);
    expect(pcm.some((s) => Math.abs(s) > 1000)).toBe(true);
    expect(llm.speeches[0]?.input).toBe('Bonjour à vous.');
  });

  it('tokenizes on word boundaries keeping spaces', () => {
    expect(tokenize('Hi  there, Mr. Smith.')).toEqual(['Hi  ', 'there, ', 'Mr. ', 'Smith.']);
    expect(tokenize('')).toEqual([]);
  });
});
