/**
 * Stand-in for the OpenAI / Azure OpenAI HTTP API: chat completions (streamed as OpenAI streams
 * them, tool-call deltas included), audio transcriptions and speech (PCM). Replies are scripted
 * by the test or bench; timing (time to first token, tokens per second) resembles a good cloud
 * deployment and is overridable per server and per reply.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, Lateness, listen, readBody, readJson, requestSignal, sendJson, wait, waitUntil, writeChunk } from './http.ts';
import { pcmBytes, synthVoice } from './voice.ts';

/** A chat message as the OpenAI API receives it. */
export interface ChatMessage {
  readonly role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  readonly content?: string | null | ReadonlyArray<{ type: string; text?: string }>;
  readonly tool_calls?: ReadonlyArray<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
  readonly tool_call_id?: string;
  readonly name?: string;
}

/** A chat completion request as received (the JSON body), plus where it was sent. */
export interface ChatRequest {
  readonly model?: string;
  readonly messages: readonly ChatMessage[];
  readonly stream?: boolean;
  readonly tools?: ReadonlyArray<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  readonly tool_choice?: unknown;
  readonly response_format?: unknown;
  readonly temperature?: number;
  readonly [key: string]: unknown;
  /** Request path without the query, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Azure deployment from the path, when the Azure route was used. */
  readonly deployment?: string;
  /** Lower-cased request headers (to check `authorization` / `api-key`). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** Timing overrides of one reply. */
interface ReplyTiming {
  /** Time to first token of this reply (ms). */
  readonly ttftMs?: number;
  /** Token rate of this reply. */
  readonly tokensPerSec?: number;
}

/** What the stand-in answers to one chat request. */
export type ScriptedReply =
  | ({ content?: string; tool_calls?: Array<{ name: string; arguments: unknown }> } & ReplyTiming)
  | { error: { status: number; message?: string } };

/** A transcription request as received. */
export interface TranscriptionRequest {
  readonly model: string;
  readonly language?: string;
  readonly prompt?: string;
  readonly filename: string;
  readonly audio: Uint8Array;
}

/** A speech request as received. */
export interface SpeechRequest {
  readonly model: string;
  readonly input: string;
  readonly voice: string;
  readonly response_format?: string;
  readonly speed?: number;
  readonly instructions?: string;
}

export interface LlmStandinOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Time to first token (ms); 300 resembles a small hosted model. */
  ttftMs?: number;
  /** Streaming rate after the first token. */
  tokensPerSec?: number;
  /** Scripted answer; the default echoes the last user message. */
  respond?: (req: ChatRequest) => ScriptedReply | Promise<ScriptedReply>;
  /** Text of `POST /v1/audio/transcriptions`; default: a placeholder naming the audio length. */
  transcribe?: (req: TranscriptionRequest) => string | Promise<string>;
  /** Time to first byte of `POST /v1/audio/speech` (ms). */
  speechTtfbMs?: number;
}

/** A running LLM stand-in. */
export interface LlmStandin {
  /** OpenAI base URL, ends with `/v1`. */
  readonly url: string;
  /** Azure OpenAI endpoint (`AzureOpenAI({ endpoint })`). */
  readonly azureEndpoint: string;
  /** Chat requests in arrival order. */
  readonly requests: ChatRequest[];
  readonly transcriptions: TranscriptionRequest[];
  readonly speeches: SpeechRequest[];
  /** Streamed chat requests the client abandoned before the end (aborts, barge-in). */
  readonly abandoned: ChatRequest[];
  /** How late each streamed reply's first token left, after its arrival plus the TTFT. */
  readonly firstTokenLateness: Lateness;
  close(): Promise<void>;
}

const AZURE_CHAT = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;

/**
 * Starts the stand-in on loopback.
 * @example
 * const llm = await startLlmStandin({ respond: () => ({ content: 'Hello there.' }) });
 * const client = new OpenAI({ baseURL: llm.url, apiKey: 'test' });
 */
export async function startLlmStandin(options: LlmStandinOptions = {}): Promise<LlmStandin> {
  const requests: ChatRequest[] = [];
  const transcriptions: TranscriptionRequest[] = [];
  const speeches: SpeechRequest[] = [];
  const abandoned: ChatRequest[] = [];
  const ttftMs = options.ttftMs ?? 300;
  const tokensPerSec = options.tokensPerSec ?? 50;
  const respond = options.respond ?? defaultRespond;
  const firstTokenLateness = new Lateness();

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrivedAt = performance.now();
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/\/+$/, '');
    try {
      if (req.method !== 'POST') throw new HttpError(404, `no route ${req.method} ${path}`);
      const azure = AZURE_CHAT.exec(path);
      if (path.endsWith('/chat/completions')) {
        const body = await readJson(req);
        if (typeof body !== 'object' || body === null || !Array.isArray((body as { messages?: unknown }).messages)) {
          throw new HttpError(400, "'messages' is a required property");
        }
        const request: ChatRequest = { ...(body as object), messages: (body as ChatRequest).messages, path, headers: req.headers, ...(azure?.[1] ? { deployment: decodeURIComponent(azure[1]) } : {}) };
        requests.push(request);
        // A client that goes away before the answer is complete (abort, barge-in, timeout) abandoned it.
        res.on('close', () => {
          if (!res.writableFinished) abandoned.push(request);
        });
        await chat(req, res, request, await respond(request), { arrivedAt, ttftMs, tokensPerSec, firstTokenLateness });
        return;
      }
      if (path.endsWith('/audio/transcriptions')) return await transcription(req, res, transcriptions, options.transcribe);
      if (path.endsWith('/audio/speech')) return await speech(req, res, speeches, options.speechTtfbMs ?? 200);
      throw new HttpError(404, `no route ${req.method} ${path}`);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      sendJson(res, error.status, { error: { message: error.message, type: 'invalid_request_error', code: null } });
    }
  };
  const server = await listen(handler, options.port);
  return { url: `${server.baseUrl}/v1`, azureEndpoint: server.baseUrl, requests, transcriptions, speeches, abandoned, firstTokenLateness, close: () => server.close() };
}

/** Echoes the last user message: enough for smoke tests that do not script replies. */
function defaultRespond(req: ChatRequest): ScriptedReply {
  const last = [...req.messages].reverse().find((m) => m.role === 'user');
  const text = typeof last?.content === 'string' ? last.content : '';
  return { content: text === '' ? 'Hello, how can I help you?' : `You said: ${text}` };
}

/** Splits text into tokens on word boundaries, keeping the spaces: `"Hi there."` → `["Hi ", "there."]`. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
}

/** When and how fast one request is answered. */
interface ChatTiming {
  /** Arrival of the request (`performance.now()`): the first token is due `ttftMs` after it. */
  readonly arrivedAt: number;
  readonly ttftMs: number;
  readonly tokensPerSec: number;
  readonly firstTokenLateness: Lateness;
}

/**
 * Answers one chat request; false when the client went away first. Streamed tokens leave on a
 * schedule from the request's arrival (first at TTFT, then one every 1/rate), like a service
 * generating on its own machine: a late timer delays one token, not all the ones after it.
 */
async function chat(req: IncomingMessage, res: ServerResponse, request: ChatRequest, reply: ScriptedReply, timing: ChatTiming): Promise<boolean> {
  const { arrivedAt, ttftMs, tokensPerSec } = timing;
  if ('error' in reply) {
    const status = reply.error.status;
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    sendJson(res, status, { error: { message: reply.error.message ?? `scripted error ${status}`, type, code: null } });
    return true;
  }
  const signal = requestSignal(req, res);
  const id = `chatcmpl-${Math.random().toString(36).slice(2, 12)}`;
  const created = Math.floor(Date.now() / 1000);
  const model = request.model ?? request.deployment ?? 'standin';
  const tokens = tokenize(reply.content ?? '');
  const calls = (reply.tool_calls ?? []).map((c, i) => ({
    id: `call_${id.slice(9)}_${i}`,
    name: c.name,
    args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}),
  }));
  const finish = calls.length > 0 ? 'tool_calls' : 'stop';
  const first = reply.ttftMs ?? ttftMs;
  const gap = 1000 / (reply.tokensPerSec ?? tokensPerSec);
  const completionTokens = tokens.length + calls.reduce((n, c) => n + Math.ceil(c.args.length / 4), 0);
  const usage = { prompt_tokens: promptTokens(request), completion_tokens: completionTokens, total_tokens: promptTokens(request) + completionTokens };

  if (request.stream !== true) {
    try {
      await waitUntil(arrivedAt + first + gap * Math.max(0, completionTokens - 1), signal);
    } catch {
      return false;
    }
    const message = {
      role: 'assistant',
      content: reply.content ?? (calls.length > 0 ? null : ''),
      refusal: null,
      ...(calls.length > 0 ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) } : {}),
    };
    sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage, system_fingerprint: 'fp_standin' });
    return true;
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (delta: object, finishReason: string | null = null, extra: object = {}) =>
    writeChunk(
      res,
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_standin', choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...extra })}\n\n`,
      signal,
    );
  try {
    const firstAt = arrivedAt + first;
    await waitUntil(firstAt, signal);
    timing.firstTokenLateness.record(firstAt);
    await send({ role: 'assistant', content: '', refusal: null });
    let step = 0;
    for (let i = 0; i < tokens.length; i++) {
      if (i > 0) await waitUntil(firstAt + ++step * gap, signal);
      await send({ content: tokens[i] });
    }
    for (let index = 0; index < calls.length; index++) {
      const call = calls[index]!;
      await send({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
      for (const piece of argPieces(call.args)) {
        await waitUntil(firstAt + ++step * gap, signal);
        await send({ tool_calls: [{ index, function: { arguments: piece } }] });
      }
    }
    await send({}, finish);
    const streamOptions = request.stream_options as { include_usage?: boolean } | undefined;
    if (streamOptions?.include_usage === true) {
      await writeChunk(res, `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`, signal);
    }
    await writeChunk(res, 'data: [DONE]\n\n', signal);
    res.end();
    return true;
  } catch {
    // The client went away (barge-in, timeout): nothing more to send.
    res.destroy();
    return false;
  }
}

/** Tool-call arguments arrive in small pieces, like the real stream (~4 characters a token). */
function argPieces(args: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 12) out.push(args.slice(i, i + 12));
  return out.length === 0 ? [''] : out;
}

function promptTokens(request: ChatRequest): number {
  return Math.ceil(JSON.stringify(request.messages).length / 4);
}

async function transcription(req: IncomingMessage, res: ServerResponse, log: TranscriptionRequest[], transcribe?: LlmStandinOptions['transcribe']): Promise<void> {
  const body = await readBody(req);
  let form: FormData;
  try {
    form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': String(req.headers['content-type'] ?? '') }, body }).formData();
  } catch {
    throw new HttpError(400, 'body is not multipart/form-data');
  }
  const file = form.get('file');
  const model = form.get('model');
  if (!(file instanceof Blob) || typeof model !== 'string') throw new HttpError(400, "'file' and 'model' are required");
  const language = form.get('language');
  const prompt = form.get('prompt');
  const request: TranscriptionRequest = {
    model,
    filename: file instanceof File ? file.name : 'audio',
    audio: new Uint8Array(await file.arrayBuffer()),
    ...(typeof language === 'string' ? { language } : {}),
    ...(typeof prompt === 'string' ? { prompt } : {}),
  };
  log.push(request);
  const text = transcribe ? await transcribe(request) : `[${Math.round(((request.audio.length - 44) / 32000) * 1000)} ms of audio]`;
  const format = form.get('response_format');
  if (format === 'text') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(text);
    return;
  }
  sendJson(res, 200, { text });
}

/** OpenAI's `pcm` speech format: 24 kHz, 16-bit signed little-endian, mono. */
const OPENAI_PCM_HZ = 24_000;

async function speech(req: IncomingMessage, res: ServerResponse, log: SpeechRequest[], ttfbMs: number): Promise<void> {
  const body = (await readJson(req)) as Partial<SpeechRequest>;
  if (typeof body.input !== 'string' || typeof body.model !== 'string' || typeof body.voice !== 'string') {
    throw new HttpError(400, "'input', 'model' and 'voice' are required");
  }
  log.push(body as SpeechRequest);
  if (body.response_format !== undefined && body.response_format !== 'pcm') throw new HttpError(400, 'the stand-in only produces response_format "pcm"');
  const signal = requestSignal(req, res);
  const pcm = synthVoice(body.input, OPENAI_PCM_HZ, { rate: body.speed ?? 1 });
  const bytes = pcmBytes(pcm);
  res.writeHead(200, { 'content-type': 'audio/pcm', 'transfer-encoding': 'chunked' });
  try {
    await wait(ttfbMs, signal);
    // 100 ms chunks, as fast as produced (faster than real time, like the real service).
    const chunk = (OPENAI_PCM_HZ / 10) * 2;
    for (let i = 0; i < bytes.length; i += chunk) await writeChunk(res, bytes.subarray(i, i + chunk), signal);
    res.end();
  } catch {
    res.destroy();
  }
}
