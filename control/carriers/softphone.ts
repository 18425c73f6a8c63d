/**
 * The local softphone carrier (embedded default): a call "rings" by being listed on
 * `GET /softphone/ringing`, where the browser page picks it up and connects its media to the
 * gateway. There is no carrier in the middle, so transfer and server-side playback do not exist.
 */
import type { ActionResult, Call } from '../contract/index.ts';
import type { CarrierPort } from './types.ts';

/** The softphone carrier. */
export function createSoftphoneCarrier(): CarrierPort {
  return {
    kind: 'softphone',
    // Ringing is the stored state itself: the page lists ringing softphone calls.
    dial: async () => ({}),
    transfer: async (): Promise<ActionResult> => ({ ok: false, detail: 'the local softphone cannot transfer calls' }),
    // The gateway closes the page's media connection; its call_ended event ends the call.
    hangup: async (): Promise<ActionResult> => ({ ok: true, detail: 'the media connection ends the softphone call' }),
    play: async (_call: Call): Promise<ActionResult> => ({ ok: false, detail: 'the local softphone has no server-side playback; speak through the media stream' }),
    close: async () => {},
  };
}
