/**
 * The gateway's client of control's internal API: fetch the call context, post conversation
 * events (idempotent by `event_id`, retried), request call-control actions.
 */
import { ActionResult, type ActionRequest } from './actions.ts';
import { CallContext, INTERNAL_PATHS } from './context.ts';
import { httpText, type HttpTextResponse } from './http-transport.ts';
import type { ConversationEventInput } from './events.ts';

/** Control answered with an error, or could not be reached. `retryable` says whether trying again may help. */
export class ControlApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ControlApiError';
  }
}

export interface ControlClientOptions {
  /** Base URL of control, e.g. `http://127.0.0.1:8080`. */
  readonly baseUrl: string;
  /** Service token presented as `Authorization: Bearer`. */
  readonly serviceToken: string;
  /** Attempts for retryable failures (network, 5xx, 429). */
  readonly attempts?: number;
  /** Per-request timeout: control is local or near; a slow answer must not stall a call. */
  readonly timeoutMs?: number;
}

/** Client of control's internal API. */
export class ControlClient {
  readonly #opts: Required<ControlClientOptions>;

  constructor(options: ControlClientOptions) {
    this.#opts = { attempts: 4, timeoutMs: 5000, ...options };
  }

  /** Fetches what the gateway needs to run the call. */
  async getContext(callId: string, signal?: AbortSignal): Promise<CallContext> {
    const body = await this.#request('GET', INTERNAL_PATHS.context(callId), undefined, signal);
    return CallContext.parse(body);
  }

  /** Posts events in order; safe to retry (control ignores ids it has applied). */
  async postEvents(callId: string, events: readonly ConversationEventInput[], signal?: AbortSignal): Promise<void> {
    await this.#request('POST', INTERNAL_PATHS.events(callId), { events }, signal);
  }

  /**
   * Asks control to act on the carrier. A transfer waits for the carrier's outcome (control allows
   * it 35 s), so its per-attempt timeout is 40 s; retries with the same `action_id` join the
   * running action rather than starting another.
   */
  async act(callId: string, request: ActionRequest, signal?: AbortSignal): Promise<ActionResult> {
    const timeoutMs = request.action.type === 'transfer' ? Math.max(this.#opts.timeoutMs, 40_000) : this.#opts.timeoutMs;
    const body = await this.#request('POST', INTERNAL_PATHS.actions(callId), request, signal, timeoutMs);
    return ActionResult.parse(body);
  }

  async #request(method: string, path: string, body: unknown, signal: AbortSignal | undefined, timeoutMs = this.#opts.timeoutMs): Promise<unknown> {
    let lastError: ControlApiError | undefined;
    for (let attempt = 0; attempt < this.#opts.attempts; attempt++) {
      if (attempt > 0) await delay(100 * 2 ** (attempt - 1), signal);
      try {
        return await this.#once(method, path, body, signal, timeoutMs);
      } catch (error) {
        if (!(error instanceof ControlApiError) || !error.retryable) throw error;
        lastError = error;
      }
    }
    throw lastError ?? new ControlApiError('no attempt made', undefined, false);
  }

  async #once(method: string, path: string, body: unknown, signal: AbortSignal | undefined, timeoutMs: number): Promise<unknown> {
    let res: HttpTextResponse;
    try {
      res = await httpText(new URL(path, this.#opts.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.#opts.serviceToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
        timeoutMs,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ControlApiError(`${method} ${path}: control unreachable`, undefined, true, { cause: error });
    }
    if (res.status < 200 || res.status >= 300) {
      const retryable = res.status >= 500 || res.status === 429;
      throw new ControlApiError(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`, res.status, retryable);
    }
    return res.text === '' ? undefined : JSON.parse(res.text);
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
