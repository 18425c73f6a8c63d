/**
 * The call API (SPEC §2): `POST /call`, `GET /call?phone_number=`, `GET /call/{call_id}` and
 * `GET /call/{phone_number}` (a UUID is a call id, an E.164 number the latest call of that number).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { CallInitiate, PhoneNumber } from '../contract/index.ts';
import type { ControlDeps } from '../deps.ts';
import { CarrierError } from '../carriers/types.ts';
import { apiError } from '../server/errors.ts';
import { parseOr422, readJsonBody } from '../server/validate.ts';

/** Calls returned by a list: the latest 100, newest first. */
export const LIST_LIMIT = 100;

const ListQuery = z.strictObject({ phone_number: PhoneNumber.optional() });
const UUID = z.string().uuid();

/** Routes of `/call`. */
export function callRoutes(deps: ControlDeps): Hono {
  const app = new Hono();

  app.post('/call', async (c) => {
    const initiate = await readJsonBody(c, CallInitiate);
    try {
      const call = await deps.calls.startOutbound(initiate);
      return c.json(call, 201);
    } catch (error) {
      if (error instanceof CarrierError) throw apiError(502, 'the carrier could not place the call', [error.message], error);
      throw error;
    }
  });

  app.get('/call', async (c) => {
    const query = parseOr422(ListQuery, c.req.query(), 'invalid query', '(query)');
    const calls = await deps.store.list({ limit: LIST_LIMIT, ...(query.phone_number === undefined ? {} : { phoneNumber: query.phone_number }) });
    return c.json(calls);
  });

  app.get('/call/:id', async (c) => {
    const id = c.req.param('id');
    if (UUID.safeParse(id).success) {
      const call = await deps.store.get(id.toLowerCase());
      if (call === undefined) throw apiError(404, `call ${id} not found`);
      return c.json(call);
    }
    if (PhoneNumber.safeParse(id).success) {
      const call = await deps.store.latestByPhone(id);
      if (call === undefined) throw apiError(404, `no call for ${id}`);
      return c.json(call);
    }
    throw apiError(422, 'invalid call reference', [`${id}: must be a call id (UUID) or an E.164 phone number like +33612345678`]);
  });

  return app;
}
