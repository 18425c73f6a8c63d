/**
 * Twilio webhooks, verified with `X-Twilio-Signature` (HMAC of the public URL and the form
 * parameters with the auth token): `POST /webhooks/twilio/voice` answers TwiML that streams the
 * call's audio to the gateway; `POST /webhooks/twilio/status` ends calls.
 */
import { Hono, type Context } from 'hono';
import twilio from 'twilio';
import { PhoneNumber } from '../../contract/index.ts';
import type { ControlDeps } from '../../deps.ts';
import { apiError } from '../../server/errors.ts';
import type { TwilioControl } from './twilio-carrier.ts';

/** Call statuses after which the call is over. */
const FINAL = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Routes of the Twilio webhooks. */
export function twilioRoutes(deps: ControlDeps, carrier: TwilioControl): Hono {
  const app = new Hono();
  const authToken = deps.config.twilio?.auth_token ?? '';
  const base = deps.config.control.public_url.replace(/\/+$/, '');

  const verifiedParams = async (c: Context): Promise<Record<string, string>> => {
    const text = await c.req.text();
    const params: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(text)) params[k] = v;
    const url = `${base}${c.req.path}${new URL(c.req.url).search}`;
    const signature = c.req.header('x-twilio-signature');
    if (signature === undefined || !twilio.validateRequest(authToken, signature, url, params)) {
      deps.logger.warn({ path: c.req.path }, 'refused a Twilio webhook with a bad signature');
      throw apiError(401, 'invalid Twilio signature');
    }
    return params;
  };

  app.post('/webhooks/twilio/voice', async (c) => {
    const params = await verifiedParams(c);
    const sid = params.CallSid;
    if (sid === undefined) throw apiError(422, 'CallSid is missing');
    let callId = c.req.query('call_id');
    if (callId !== undefined) {
      const call = await deps.store.get(callId);
      if (call === undefined) throw apiError(404, `call ${callId} not found`);
      if (call.connection_id !== sid) await deps.store.mutate(callId, (x) => ({ ...x, connection_id: sid }));
    } else {
      const from = params.From ?? '';
      if (!PhoneNumber.safeParse(from).success) return c.body('<?xml version="1.0" encoding="UTF-8"?><Response><Reject/></Response>', 200, { 'content-type': 'text/xml' });
      const { call } = await deps.calls.startInbound({ phoneNumber: from, carrier: 'twilio', connectionId: sid });
      callId = call.call_id;
    }
    await carrier.bindSid(sid, callId);
    return c.body(carrier.streamTwiml(callId), 200, { 'content-type': 'text/xml' });
  });

  app.post('/webhooks/twilio/status', async (c) => {
    const params = await verifiedParams(c);
    const callId = c.req.query('call_id') ?? (params.CallSid ? await carrier.callIdOfSid(params.CallSid) : undefined);
    const status = params.CallStatus ?? '';
    if (callId !== undefined && FINAL.has(status)) await deps.calls.end(callId, `twilio ${status}`);
    return c.body(null, 204);
  });

  return app;
}
