/** Where a carrier (or the softphone page) connects for a call's media: the gateway URL with a signed, short-lived token. */
import { signMediaToken, type Carrier, type Config } from '../contract/index.ts';

/** Signs media URLs for calls. */
export interface MediaUrls {
  /** `<gateway.public_url>/media/{carrier}/{call_id}?token=…`, valid for `media.token_ttl_sec`. */
  url(callId: string, carrier: Carrier): string;
  /** The token alone (Twilio also passes it as a stream parameter). */
  token(callId: string, carrier: Carrier): string;
}

/**
 * Media URL signer bound to the configuration and a key.
 * @example createMediaUrls(config, key, Date.now).url(call.call_id, 'acs')
 */
export function createMediaUrls(config: Config, key: string, now: () => number): MediaUrls {
  const base = config.gateway.public_url.replace(/\/+$/, '');
  const token = (callId: string, carrier: Carrier): string =>
    signMediaToken(key, { callId, carrier, expiresAtSec: Math.floor(now() / 1000) + config.media.token_ttl_sec });
  return {
    token,
    url: (callId, carrier) => `${base}/media/${carrier}/${encodeURIComponent(callId)}?token=${encodeURIComponent(token(callId, carrier))}`,
  };
}
