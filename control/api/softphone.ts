/**
 * The softphone's API (embedded carrier): `GET /softphone/ringing` lists outbound calls waiting
 * for the page to pick up, each with its signed gateway media URL; `POST /softphone/calls` is the
 * page calling the bot (an inbound call).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { PhoneNumber } from '../contract/index.ts';
import type { ControlDeps } from '../deps.ts';
import { apiError } from '../server/errors.ts';
import { parseOr422 } from '../server/validate.ts';

/** The number a softphone caller "calls from" when the page does not say (a fictional 555-01xx number). */
export const SOFTPHONE_CALLER = '+15550100000';

const PlaceCall = z.strictObject({ phone_number: PhoneNumber.optional() });

/** Routes of `/softphone/*` (the page itself is served by `control/softphone`). */
export function softphoneApiRoutes(deps: ControlDeps): Hono {
  const app = new Hono();

  app.get('/softphone/ringing', async (c) => {
    const recent = await deps.store.list({ limit: 100 });
    const calls = recent
      .filter((call) => call.carrier === 'softphone' && call.state === 'ringing' && call.in_progress && call.direction === 'outbound')
      .map((call) => ({
        call_id: call.call_id,
        phone_number: call.initiate.phone_number,
        bot_name: call.initiate.bot_name,
        bot_company: call.initiate.bot_company,
        created_at: call.created_at,
        media_url: deps.media.url(call.call_id, 'softphone'),
      }));
    return c.json({ calls });
  });

  app.post('/softphone/calls', async (c) => {
    const text = await c.req.text();
    let raw: unknown = {};
    if (text.trim() !== '') {
      try {
        raw = JSON.parse(text);
      } catch (error) {
        throw apiError(400, 'request body is not valid JSON', [(error as Error).message]);
      }
    }
    const body = parseOr422(PlaceCall, raw, 'invalid request body');
    const { call, resumed } = await deps.calls.startInbound({ phoneNumber: body.phone_number ?? SOFTPHONE_CALLER, carrier: 'softphone' });
    return c.json({ call_id: call.call_id, media_url: deps.media.url(call.call_id, 'softphone'), token: deps.media.token(call.call_id, 'softphone'), resumed }, 201);
  });

  return app;
}
