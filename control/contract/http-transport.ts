/**
 * Keep-alive HTTP/1.1 requests on `node:http` / `node:https`, for the gateway's hot service calls
 * (events and actions to control, stand-in TTS audio). `fetch` costs about 8× more CPU per request
 * in Node 20 (web streams, abort-signal plumbing: ~590 µs against ~70 µs of client CPU measured for
 * a small JSON POST on loopback), and the gateway makes several per answered turn per call.
 */
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Idle sockets kept open per origin for reuse. Sockets in use are not capped: a streamed response
 * (a sentence of TTS audio) holds its socket for the whole body, so a cap would queue one call's
 * first audio behind other calls' sentences (at 100 calls, a cap of 64 added ~90 ms to the mean
 * TTS first byte in the answer-latency bench).
 */
const MAX_FREE_SOCKETS = 64;
const agents = {
  http: new Agent({ keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS }),
  https: new HttpsAgent({ keepAlive: true, maxFreeSockets: MAX_FREE_SOCKETS }),
};

/** A request; `body` is sent as is (set the content type in `headers`). */
export interface HttpRequestInit {
  readonly method: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
  /** Whole request, response headers included (the body of a streamed response is the caller's). */
  readonly timeoutMs: number;
}

/** Raised when the request did not complete: network error, timeout, or the caller's abort. */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HttpTransportError';
  }
}

/**
 * Sends a request and resolves with the response as soon as its headers arrive; its body is a
 * Node readable stream (an async iterable of Buffers) that the caller must consume or destroy.
 * An abort of `signal` destroys the request and response.
 * @example const res = await httpStream(new URL('http://127.0.0.1:7003/v1/synthesize'), { method: 'POST', body, timeoutMs: 5000 });
 */
export function httpStream(url: URL, init: HttpRequestInit): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const signal = init.signal;
    if (signal?.aborted) return reject(signal.reason);
    const https = url.protocol === 'https:';
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
    const req = (https ? httpsRequest : httpRequest)(url, { method: init.method, headers, agent: https ? agents.https : agents.http });
    let settled = false;
    // Settles here rather than waiting for the request's 'error': a request still waiting for a
    // socket reports its destruction only once it gets one.
    const fail = (error: unknown): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (!settled) {
        settled = true;
        reject(error);
      }
    };
    const timer = setTimeout(() => {
      const error = new HttpTransportError(`${init.method} ${url.pathname}: no response within ${init.timeoutMs} ms`, true);
      fail(error);
      req.destroy(error);
    }, init.timeoutMs);
    // Before the headers the promise rejects with the abort reason; after, the body stream fails.
    const onAbort = (): void => {
      const reason: unknown = signal?.reason;
      fail(reason);
      req.destroy(reason instanceof Error ? reason : new HttpTransportError('aborted', false));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      if (settled) {
        res.destroy();
        return;
      }
      settled = true;
      clearTimeout(timer);
      // The caller's abort still ends the body; removed once the body has ended or failed.
      res.once('close', () => signal?.removeEventListener('abort', onAbort));
      resolve(res);
    });
    req.on('error', (error) => {
      if (settled) {
        signal?.removeEventListener('abort', onAbort);
        return;
      }
      fail(signal?.aborted ? signal.reason : error instanceof HttpTransportError ? error : new HttpTransportError(`${init.method} ${url.pathname}: ${error.message}`, false, { cause: error }));
    });
    req.end(init.body);
  });
}

/** A whole response: status and body text. */
export interface HttpTextResponse {
  readonly status: number;
  readonly text: string;
}

/**
 * {@link httpStream} with the body read as UTF-8 text (within the same timeout).
 * @example const { status, text } = await httpText(url, { method: 'GET', timeoutMs: 5000 });
 */
export async function httpText(url: URL, init: HttpRequestInit): Promise<HttpTextResponse> {
  const started = performance.now();
  const res = await httpStream(url, init);
  const remaining = Math.max(1, init.timeoutMs - (performance.now() - started));
  const timer = setTimeout(() => res.destroy(new HttpTransportError(`${init.method} ${url.pathname}: body not complete within ${init.timeoutMs} ms`, true)), remaining);
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return { status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') };
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason;
    throw error instanceof HttpTransportError ? error : new HttpTransportError(`${init.method} ${url.pathname}: ${(error as Error).message}`, false, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
