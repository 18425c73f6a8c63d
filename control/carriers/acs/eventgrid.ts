/**
 * `POST /webhooks/eventgrid`: Event Grid deliveries (Event Grid or CloudEvents schema) for the ACS
 * resource: the subscription-validation handshake, `IncomingCall` (answered with media streaming
 * to the gateway) and `SMSReceived`. Authenticated with an API key (`X-API-Key` delivery header
 * or `?code=` in the subscription URL) when keys are configured.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { PhoneNumber } from '../../contract/index.ts';
import type { ControlDeps } from '../../deps.ts';
import { receiveSms } from '../../sms/inbound-sms.ts';
import { apiKeyAuth } from '../../server/auth.ts';
import { apiError } from '../../server/errors.ts';
import type { AcsControl } from './acs-carrier.ts';

const GridEvent = z
  .object({
    id: z.string().min(1).max(200),
    eventType: z.string().optional(),
    type: z.string().optional(),
    data: z.record(z.string(), z.unknown()).default({}),
  })
  .loose();
const GridEvents = z.union([z.array(GridEvent).max(100), GridEvent.transform((e) => [e])]);
type GridEvent = z.infer<typeof GridEvent>;

const Identifier = z.object({ rawId: z.string().optional(), phoneNumber: z.object({ value: z.string() }).loose().optional() }).loose();
const IncomingCallData = z.object({ from: Identifier, incomingCallContext: z.string().min(1) }).loose();
const SmsReceivedData = z.object({ messageId: z.string().min(1), from: z.string(), message: z.string(), receivedTimestamp: z.string().optional() }).loose();

/** An `IncomingCall` is handled once: answering twice would fail anyway, and Event Grid retries on slowness. */
const INCOMING_DEDUP_TTL_SEC = 3600;

/** Routes of the Event Grid webhook. */
export function eventGridRoutes(deps: ControlDeps, acs: AcsControl | undefined): Hono {
  const app = new Hono();
  const auth = apiKeyAuth(deps.config.control.api_keys, { queryParam: 'code' });
  // CloudEvents-schema subscriptions validate with an OPTIONS abuse-protection handshake.
  app.options('/webhooks/eventgrid', auth, (c) => {
    c.header('webhook-allowed-origin', c.req.header('webhook-request-origin') ?? '*');
    c.header('webhook-allowed-rate', '120');
    return c.body(null, 200);
  });
  app.post('/webhooks/eventgrid', auth, async (c) => {
    const events = await parseEvents(c);
    for (const event of events) {
      const type = event.eventType ?? event.type ?? '';
      if (type === 'Microsoft.EventGrid.SubscriptionValidationEvent') {
        const code = event.data.validationCode;
        if (typeof code !== 'string') throw apiError(422, 'validation event without data.validationCode');
        deps.logger.info('Event Grid subscription validated');
        return c.json({ validationResponse: code });
      }
      if (type === 'Microsoft.Communication.IncomingCall') await incomingCall(deps, acs, event);
      else if (type === 'Microsoft.Communication.SMSReceived') await smsReceived(deps, event);
      else deps.logger.debug({ type }, 'Event Grid event ignored');
    }
    return c.json({ received: events.length });
  });
  return app;
}

async function parseEvents(c: Context): Promise<GridEvent[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch (error) {
    throw apiError(400, 'body is not valid JSON', [(error as Error).message]);
  }
  const parsed = GridEvents.safeParse(raw);
  if (!parsed.success) throw apiError(422, 'body is not an Event Grid event array', parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
  return parsed.data;
}

/** The caller's E.164 number from an ACS identifier (`phoneNumber.value`, or raw id `4:+…`). */
function phoneOf(identifier: z.infer<typeof Identifier>): string | undefined {
  const value = identifier.phoneNumber?.value ?? identifier.rawId?.replace(/^4:/, '');
  return value !== undefined && PhoneNumber.safeParse(value).success ? value : undefined;
}

async function incomingCall(deps: ControlDeps, acs: AcsControl | undefined, event: GridEvent): Promise<void> {
  if (acs === undefined) {
    deps.logger.warn('IncomingCall received but acs is not configured; ignored');
    return;
  }
  const data = IncomingCallData.safeParse(event.data);
  if (!data.success) {
    // One malformed event must not fail (and replay) the rest of the batch.
    deps.logger.warn({ event_id: event.id }, 'IncomingCall without from / incomingCallContext; ignored');
    return;
  }
  const phone = phoneOf(data.data.from);
  if (phone === undefined) {
    deps.logger.warn('IncomingCall from a caller without a phone number; not answered');
    return;
  }
  if (!(await deps.cache.setIfAbsent(`eventgrid:${event.id}`, '1', INCOMING_DEDUP_TTL_SEC))) return;
  const { call, resumed } = await deps.calls.startInbound({ phoneNumber: phone, carrier: 'acs' });
  try {
    const connectionId = await acs.answer(call, data.data.incomingCallContext);
    if (connectionId) await deps.store.mutate(call.call_id, (c) => ({ ...c, connection_id: connectionId }));
    deps.logger.info({ call_id: call.call_id, resumed }, 'incoming call answered');
  } catch (error) {
    deps.logger.error({ err: error, call_id: call.call_id }, 'could not answer the incoming call');
    await deps.calls.end(call.call_id, 'answer failed');
  }
}

async function smsReceived(deps: ControlDeps, event: GridEvent): Promise<void> {
  const data = SmsReceivedData.safeParse(event.data);
  if (!data.success || !PhoneNumber.safeParse(data.data.from).success) {
    deps.logger.warn('SMSReceived without a valid sender or message; ignored');
    return;
  }
  const at = data.data.receivedTimestamp && !Number.isNaN(Date.parse(data.data.receivedTimestamp)) ? new Date(data.data.receivedTimestamp).toISOString() : new Date(deps.now()).toISOString();
  await receiveSms(deps, { messageId: data.data.messageId, from: data.data.from, text: data.data.message.slice(0, 1600), receivedAt: at });
}
