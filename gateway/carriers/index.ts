/** Carrier codecs (ACS, Twilio, softphone): pure wire ↔ event translation, one instance per call. */
import type { Carrier } from '../../control/contract/index.ts';
import { AcsCodec } from './acs.ts';
import { SoftphoneCodec } from './softphone.ts';
import { TwilioCodec } from './twilio.ts';
import type { CarrierCodec } from './types.ts';

export { AcsCodec } from './acs.ts';
export { SoftphoneCodec } from './softphone.ts';
export { TwilioCodec } from './twilio.ts';
export type * from './types.ts';

/**
 * A fresh codec for one call.
 * @param acsSampleRateHz the PCM rate ACS was asked to stream (config `media.acs_audio_format`).
 */
export function createCodec(carrier: Carrier, acsSampleRateHz: 16000 | 24000): CarrierCodec {
  switch (carrier) {
    case 'acs':
      return new AcsCodec(acsSampleRateHz);
    case 'twilio':
      return new TwilioCodec();
    case 'softphone':
      return new SoftphoneCodec();
  }
}
