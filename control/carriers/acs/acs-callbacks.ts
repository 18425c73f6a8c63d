/**
 * `POST /webhooks/acs/{call_id}?secret=…`: ACS Call Automation callbacks (CloudEvents). Verified
 * twice: the JWT in `Authorization` (ACS's signing keys, issuer, audience, expiry) and the call's
 * own secret in the URL. Anything else is a 401 that changes nothing.
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Call } from '../../contract/index.ts';
import type { ControlDeps } from '../../deps.ts';
import { apiError } from '../../server/errors.ts';
import type { AcsJwtVerifier } from './acs-jwt.ts';
import type { AcsControl } from './acs-carrier.ts';
import { IVR_OPERATION, pickedLanguage } from './ivr.ts';

const CloudEvent = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1),
  data: z
    .object({
      callConnectionId: z.string().optional(),
      serverCallId: z.string().optional(),
      operationContext: z.string().optional(),
      resultInformation: z.object({ code: z.number().optional(), subCode: z.number().optional(), message: z.string().optional() }).loose().optional(),
    })
    .loose()
    .default({}),
});
const CloudEvents = z.union([z.array(CloudEvent).min(1).max(100), CloudEvent.transform((e) => [e])]);
type AcsEvent = z.infer<typeof CloudEvent>;

const UUID = z.string().uuid();

/** A processed event id is remembered an hour: ACS re-delivers within minutes. */
const EVENT_DEDUP_TTL_SEC = 3600;
const PREFIX = 'Microsoft.Communication.';

/** Routes of the ACS callbacks. */
export function acsCallbackRoutes(deps: ControlDeps, acs: AcsControl, jwt: AcsJwtVerifier): Hono {
  const app = new Hono();
  app.post('/webhooks/acs/:callId', async (c) => {
    const callId = c.req.param('callId');
    await authenticate(c, deps, acs, jwt, callId);
    const call = await deps.store.get(callId);
    if (call === undefined) throw apiError(404, `call ${callId} not found`);
    const events = await parseEvents(c);
    for (const event of events) {
      const key = `acs_event:${event.id}`;
      if ((await deps.cache.get(key)) !== undefined) continue;
      await handle(deps, acs, callId, event);
      await deps.cache.set(key, '1', EVENT_DEDUP_TTL_SEC);
    }
    return c.body(null, 204);
  });
  return app;
}

async function authenticate(c: Context, deps: ControlDeps, acs: AcsControl, jwt: AcsJwtVerifier, callId: string): Promise<void> {
  const token = await jwt.verify(c.req.header('authorization'));
  const secretOk = UUID.safeParse(callId).success && (await acs.secrets.verify(callId, c.req.query('secret')));
  if (!token.ok || !secretOk) {
    deps.logger.warn({ call_id: callId.slice(0, 64), jwt: token.ok ? 'ok' : token.reason, secret: secretOk ? 'ok' : 'refused' }, 'refused an ACS callback');
    throw apiError(401, 'callback not authenticated');
  }
}

async function parseEvents(c: Context): Promise<AcsEvent[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch (error) {
    throw apiError(400, 'callback body is not valid JSON', [(error as Error).message]);
  }
  const parsed = CloudEvents.safeParse(raw);
  if (!parsed.success) throw apiError(422, 'callback body is not a CloudEvent array', parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
  return parsed.data;
}

async function handle(deps: ControlDeps, acs: AcsControl, callId: string, event: AcsEvent): Promise<void> {
  const type = event.type.startsWith(PREFIX) ? event.type.slice(PREFIX.length) : event.type;
  const data = event.data;
  const log = deps.logger.child({ call_id: callId, event: type });
  switch (type) {
    case 'CallConnected': {
      const call = await deps.store.mutate(callId, (c) => ({
        ...c,
        state: c.state === 'ended' ? c.state : 'connected',
        ...(data.callConnectionId ? { connection_id: data.callConnectionId } : {}),
      }));
      log.info('call connected');
      await acs.onConnected(call, data.serverCallId);
      return;
    }
    case 'CallDisconnected':
      await deps.calls.end(callId, 'carrier disconnected');
      return;
    case 'CreateCallFailed':
    case 'AnswerFailed':
    case 'ConnectFailed':
      log.warn({ result: data.resultInformation }, 'call could not be established');
      await deps.calls.end(callId, type);
      return;
    case 'CallTransferAccepted':
      acs.settleTransfer(data.operationContext ?? '', { ok: true, detail: 'transfer accepted' });
      return;
    case 'CallTransferFailed':
      acs.settleTransfer(data.operationContext ?? '', { ok: false, detail: `transfer failed: ${data.resultInformation?.message ?? 'no reason given'}` });
      return;
    case 'RecognizeCompleted':
    case 'RecognizeFailed':
    case 'RecognizeCanceled':
      if (data.operationContext === IVR_OPERATION) await languageChosen(deps, acs, callId, event, type === 'RecognizeCompleted');
      return;
    case 'PlayFailed':
      log.warn({ result: data.resultInformation, operation: data.operationContext }, 'play failed');
      return;
    case 'MediaStreamingFailed':
    case 'StartRecordingFailed':
      log.error({ result: data.resultInformation }, 'ACS operation failed');
      return;
    default:
      log.debug('ACS event');
  }
}

/** The language menu finished: record the choice (or keep the default) and start the media stream. */
async function languageChosen(deps: ControlDeps, acs: AcsControl, callId: string, event: AcsEvent, completed: boolean): Promise<void> {
  let call: Call | undefined = await deps.store.get(callId);
  if (call === undefined) return;
  const lang = call.initiate.lang;
  const picked = completed && lang ? pickedLanguage(lang, event.data as Parameters<typeof pickedLanguage>[1]) : undefined;
  const chosen = picked ?? lang?.default_short_code;
  if (chosen !== undefined) {
    call = await deps.store.appendEvents(callId, [{ type: 'language_changed', event_id: `acs:${event.id}`, at: new Date(deps.now()).toISOString(), lang_short_code: chosen }]);
  }
  deps.logger.info({ call_id: callId, lang: chosen, picked: picked !== undefined }, 'language chosen');
  await acs.startMediaStreaming(call);
}
