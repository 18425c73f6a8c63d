/**
 * The API's one error envelope, `{"error":{"message","details":[...]}}` (SPEC §2). Handlers throw
 * {@link apiError} (an `HTTPException` carrying details); `onError` and `notFound` write the
 * envelope, so a client never sees a stack trace or a bare 500 for bad input.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { z } from 'zod';

/** The error body every failing route returns. */
export interface ErrorEnvelope {
  readonly error: { readonly message: string; readonly details: readonly string[] };
}

/** An HTTP error with the problems to list in `error.details`. */
export class ApiError extends HTTPException {
  constructor(
    status: ContentfulStatusCode,
    message: string,
    readonly details: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(status, { message, ...(options?.cause === undefined ? {} : { cause: options.cause }) });
    this.name = 'ApiError';
  }
}

/**
 * Builds the exception a handler throws.
 * @example throw apiError(404, `call ${id} not found`);
 */
export function apiError(status: ContentfulStatusCode, message: string, details: readonly string[] = [], cause?: unknown): ApiError {
  return new ApiError(status, message, details, cause === undefined ? undefined : { cause });
}

/** The envelope for a status and message. */
export function envelope(message: string, details: readonly string[] = []): ErrorEnvelope {
  return { error: { message, details } };
}

/** One line per zod issue, `path: message` (unknown keys named one by one). */
export function zodDetails(issues: readonly z.core.$ZodIssue[], root = '(body)'): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const at = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${at ? `${at}.${key}` : key}: unknown field`);
      continue;
    }
    lines.push(`${at || root}: ${issue.message}`);
  }
  return lines;
}

/** The one `onError` of the app: known errors keep their status; anything else is a logged 500 without internals. */
export function errorHandler(logger: Logger): ErrorHandler {
  return (error: Error, c: Context) => {
    if (error instanceof ApiError) return c.json(envelope(error.message, error.details), error.status);
    if (error instanceof HTTPException) {
      // Hono's own exceptions (body limit, bad JSON from a middleware) carry their message.
      return c.json(envelope(error.message || statusText(error.status)), error.status);
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'unhandled error');
    return c.json(envelope('internal error'), 500);
  };
}

/** The `notFound` handler: the envelope naming the route. */
export const notFoundHandler: NotFoundHandler = (c) => c.json(envelope(`no route for ${c.req.method} ${c.req.path}`), 404);

function statusText(status: number): string {
  if (status === 413) return 'request body too large';
  if (status === 401) return 'unauthorized';
  return `HTTP ${status}`;
}
