/** `GET /report` (latest calls, searchable by number) and `GET /report/{call_id}`: server-rendered HTML, escaped by Hono JSX. */
import { Hono } from 'hono';
import { z } from 'zod';
import { PhoneNumber } from '../contract/index.ts';
import type { ControlDeps } from '../deps.ts';
import { LIST_LIMIT } from '../api/calls.ts';
import { apiError } from '../server/errors.ts';
import { CallReport } from './call-page.tsx';
import { CallList } from './list-page.tsx';

const UUID = z.string().uuid();
const page = (node: unknown): string => `<!doctype html>${String(node)}`;

/** Routes of `/report`. */
export function reportRoutes(deps: ControlDeps): Hono {
  const app = new Hono();
  app.get('/report', async (c) => {
    const raw = c.req.query('phone_number')?.trim() || undefined;
    if (raw !== undefined && !PhoneNumber.safeParse(raw).success) {
      return c.html(page(<CallList calls={[]} phone={raw} problem={`${raw} is not an E.164 phone number like +33612345678`} />), 422);
    }
    const calls = await deps.store.list({ limit: LIST_LIMIT, ...(raw === undefined ? {} : { phoneNumber: raw }) });
    return c.html(page(<CallList calls={calls} phone={raw} />));
  });
  app.get('/report/:id', async (c) => {
    const id = c.req.param('id');
    if (!UUID.safeParse(id).success) throw apiError(404, `call ${id} not found`, ['call ids are UUIDs']);
    const call = await deps.store.get(id.toLowerCase());
    if (call === undefined) throw apiError(404, `call ${id} not found`);
    return c.html(page(<CallReport call={call} />));
  });
  return app;
}
