/** Carrier codecs: G.711 μ-law and A-law, table driven, writing into caller-owned arrays. */
export {
  ALAW_SILENCE,
  MULAW_SILENCE,
  alawDecode,
  alawDecodeSample,
  alawEncode,
  alawEncodeSample,
  mulawDecode,
  mulawDecodeSample,
  mulawEncode,
  mulawEncodeSample,
} from './g711.ts';
