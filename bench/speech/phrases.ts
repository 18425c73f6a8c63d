/**
 * What the synthetic callers say: short turns of an insurance-claim call, and the espeak-ng
 * voices they say them with.
 */

/** Caller turns, in the order a caller uses them (wrapping around). */
export const CALLER_PHRASES: readonly string[] = [
  'Hello, I would like to report a car accident.',
  'It happened yesterday evening in the parking lot of the supermarket.',
  'Another car backed into my rear bumper.',
  'My name is Jordan Miller.',
  'Nobody was hurt, but the bumper is badly dented.',
  'Yes, I have the other driver\u2019s insurance details.',
  'My email is jordan dot miller at example dot com.',
  'Can someone call me back tomorrow morning?',
  'No, that is all for now, thank you.',
];

/** espeak-ng voices the callers use (a mix, so VAD and echo paths see different timbres). */
export const CALLER_VOICES: readonly string[] = ['en-us', 'en-gb', 'en-us+f3', 'en-gb+m3'];
