/**
 * The engine's LLM: the preferred model first, retried with exponential backoff on retryable
 * failures (429, 5xx, network, no first token in time, empty answer), then the other model.
 * Retries are transparent only until the first output has been yielded: after that a failure
 * surfaces to the caller, who has already heard part of the answer.
 */
import { ProviderError } from '../errors.ts';
import { realTimers, sleep, type Timers } from '../timers.ts';
import type { ChatModel, Llm, LlmEvent, LlmRequest } from './types.ts';

export interface LlmRouterOptions {
  readonly fast: ChatModel;
  readonly slow: ChatModel;
  /** Attempts per model after the first one (`llm.max_retries`). */
  readonly maxRetries: number;
  /** An attempt without any output after this long is abandoned (`llm.first_token_timeout_ms`). */
  readonly firstTokenTimeoutMs: number;
  /** First backoff; doubles each retry. 250 ms: long enough for a 429 burst to pass, short for a caller waiting. */
  readonly backoffMs?: number;
  readonly timers?: Timers;
  /** Called on every failed attempt (logs, counters). */
  readonly onAttemptFailed?: (info: { model: string; attempt: number; error: unknown }) => void;
}

/** The abort reason of an attempt that produced nothing in time. */
export class FirstTokenTimeoutError extends Error {
  constructor(readonly ms: number) {
    super(`no first token within ${ms} ms`);
    this.name = 'FirstTokenTimeoutError';
  }
}

/**
 * Builds the fast/slow LLM with retries and fallback.
 * @example const llm = createLlmRouter({ fast, slow, maxRetries: 2, firstTokenTimeoutMs: 8000 });
 */
export function createLlmRouter(options: LlmRouterOptions): Llm {
  const timers = options.timers ?? realTimers;
  const backoffMs = options.backoffMs ?? 250;
  return {
    async *stream(request: LlmRequest, signal: AbortSignal, opts?: { tier?: 'fast' | 'slow' }): AsyncGenerator<LlmEvent> {
      const order = opts?.tier === 'slow' ? [options.slow, options.fast] : [options.fast, options.slow];
      let lastError: unknown = new ProviderError('no LLM attempt made', 'llm', false);
      for (const model of order) {
        for (let attempt = 0; attempt <= options.maxRetries; attempt++) {
          if (attempt > 0) await sleep(timers, backoffMs * 2 ** (attempt - 1), signal);
          const outcome = yield* attemptOnce(model, request, signal, timers, options.firstTokenTimeoutMs);
          if (outcome.ok) return;
          if (signal.aborted) throw signal.reason;
          lastError = outcome.error;
          options.onAttemptFailed?.({ model: model.label, attempt, error: outcome.error });
          if (outcome.yielded) throw outcome.error;
          if (outcome.error instanceof ProviderError && !outcome.error.retryable) break;
        }
      }
      throw lastError;
    },
  };
}

type Outcome = { ok: true } | { ok: false; error: unknown; yielded: boolean };

/**
 * One attempt. Whitespace-only text is held back until real content shows up, so that an empty
 * answer can still be retried; complete events are then passed through.
 */
async function* attemptOnce(model: ChatModel, request: LlmRequest, signal: AbortSignal, timers: Timers, firstTokenMs: number): AsyncGenerator<LlmEvent, Outcome> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = firstTokenMs > 0 ? timers.setTimeout(() => controller.abort(new FirstTokenTimeoutError(firstTokenMs)), firstTokenMs) : undefined;
  let yielded = false;
  let held = '';
  try {
    for await (const event of model.stream(request, controller.signal)) {
      timers.clearTimeout(timer);
      if (!yielded) {
        if (event.type === 'text' && event.text.trim() === '') {
          held += event.text;
          continue;
        }
        if (event.type === 'done') {
          return { ok: false, error: new ProviderError(`${model.label} gave an empty answer`, `llm:${model.label}`, true), yielded: false };
        }
        yielded = true;
        if (held !== '' && event.type === 'text') {
          yield { type: 'text', text: held + event.text };
          continue;
        }
      }
      yield event;
    }
    return { ok: true };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const reason = controller.signal.reason;
    if (reason instanceof FirstTokenTimeoutError) return { ok: false, error: new ProviderError(reason.message, `llm:${model.label}`, true, { cause: reason }), yielded };
    return { ok: false, error, yielded };
  } finally {
    timers.clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
