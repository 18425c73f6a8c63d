/**
 * Twilio Programmable Voice with Media Streams (μ-law 8 kHz): outbound calls through the REST
 * API, answered with TwiML that connects the call's audio to the gateway; transfer and hang-up
 * by updating the live call.
 */
import twilio from 'twilio';
import type { Logger } from 'pino';
import type { Cache } from '../../cache/types.ts';
import type { ActionResult, Call, Config } from '../../contract/index.ts';
import type { MediaUrls } from '../../calls/media-url.ts';
import { CarrierError, type CarrierPort } from '../types.ts';

/** Call SID → call id is kept a day: status callbacks for an inbound call carry only the SID. */
const SID_TTL_SEC = 24 * 3600;

/** What the Twilio carrier needs. */
export interface TwilioControlDeps {
  readonly config: Config;
  readonly cache: Cache;
  readonly media: MediaUrls;
  readonly logger: Logger;
  /** Twilio REST client options (a custom `httpClient` in tests). */
  readonly clientOptions?: Parameters<typeof twilio>[2];
}

/** Escapes text for XML attributes and content. */
export function xmlEscape(value: string): string {
  return value.replace(/[<>&'"]/g, (ch) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[ch] as string);
}

/** Twilio call control. */
export class TwilioControl implements CarrierPort {
  readonly kind = 'twilio' as const;
  readonly client: ReturnType<typeof twilio>;
  readonly #d: TwilioControlDeps;
  readonly #cfg: NonNullable<Config['twilio']>;

  constructor(deps: TwilioControlDeps) {
    if (deps.config.twilio === undefined) throw new Error('twilio is not configured');
    this.#d = deps;
    this.#cfg = deps.config.twilio;
    // `env: {}`: the SDK reads nothing from this process's environment.
    this.client = twilio(this.#cfg.account_sid, this.#cfg.auth_token, { env: {}, ...deps.clientOptions });
  }

  /** Public URL of one of control's Twilio webhooks. */
  webhookUrl(name: 'voice' | 'status', callId?: string): string {
    const base = this.#d.config.control.public_url.replace(/\/+$/, '');
    return `${base}/webhooks/twilio/${name}${callId === undefined ? '' : `?call_id=${encodeURIComponent(callId)}`}`;
  }

  /** TwiML connecting the call's audio to the gateway (token in the URL and as a stream parameter). */
  streamTwiml(callId: string): string {
    const token = this.#d.media.token(callId, 'twilio');
    const url = this.#d.media.url(callId, 'twilio');
    return (
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect>' +
      `<Stream url="${xmlEscape(url)}"><Parameter name="call_id" value="${xmlEscape(callId)}"/><Parameter name="token" value="${xmlEscape(token)}"/></Stream>` +
      '</Connect></Response>'
    );
  }

  /** Remembers which call a Twilio call SID belongs to. */
  async bindSid(sid: string, callId: string): Promise<void> {
    await this.#d.cache.set(`twilio_sid:${sid}`, callId, SID_TTL_SEC);
  }

  /** The call id of a Twilio call SID, if known. */
  callIdOfSid(sid: string): Promise<string | undefined> {
    return this.#d.cache.get(`twilio_sid:${sid}`);
  }

  async dial(call: Call): Promise<{ connectionId?: string }> {
    try {
      const created = await this.client.calls.create({
        to: call.initiate.phone_number,
        from: this.#cfg.phone_number,
        url: this.webhookUrl('voice', call.call_id),
        method: 'POST',
        statusCallback: this.webhookUrl('status', call.call_id),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: ['completed'],
      });
      await this.bindSid(created.sid, call.call_id);
      return { connectionId: created.sid };
    } catch (error) {
      const status = (error as { status?: number }).status;
      throw new CarrierError(`Twilio calls.create failed: ${(error as Error).message}`, status === undefined || status >= 500 || status === 429, { cause: error });
    }
  }

  async transfer(call: Call, target: string): Promise<ActionResult> {
    if (call.connection_id === undefined) return { ok: false, detail: 'the call is not connected' };
    try {
      await this.client.calls(call.connection_id).update({ twiml: `<Response><Dial>${xmlEscape(target)}</Dial></Response>` });
      return { ok: true, detail: 'transfer started' };
    } catch (error) {
      return { ok: false, detail: `Twilio transfer failed: ${(error as Error).message}` };
    }
  }

  async hangup(call: Call): Promise<ActionResult> {
    if (call.connection_id === undefined) return { ok: false, detail: 'the call is not connected' };
    try {
      await this.client.calls(call.connection_id).update({ status: 'completed' });
      return { ok: true };
    } catch (error) {
      return { ok: false, detail: `Twilio hang-up failed: ${(error as Error).message}` };
    }
  }

  async play(): Promise<ActionResult> {
    // Replacing the TwiML to <Say> would end the media stream: playback goes through the gateway.
    return { ok: false, detail: 'Twilio playback goes through the media stream' };
  }

  async close(): Promise<void> {}
}
