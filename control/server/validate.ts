/**
 * Request validation helpers: JSON bodies, path and query values checked by zod, every problem
 * listed. Invalid JSON is 400; a body that parses but breaks the schema is 422.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { apiError, zodDetails } from './errors.ts';

/**
 * Reads and validates a JSON body.
 * @throws ApiError 400 (not JSON) or 422 (schema problems, each as `path: message`).
 */
export async function readJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.trim() === '' ? undefined : JSON.parse(text);
  } catch (error) {
    throw apiError(400, 'request body is not valid JSON', [(error as Error).message], error);
  }
  if (raw === undefined) throw apiError(400, 'request body is empty; a JSON object is expected');
  return parseOr422(schema, raw, 'invalid request body');
}

/** Validates a value (query, path, parsed form) or throws 422 with every problem. */
export function parseOr422<S extends z.ZodType>(schema: S, value: unknown, message: string, root?: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw apiError(422, message, zodDetails(parsed.error.issues, root));
  return parsed.data;
}
