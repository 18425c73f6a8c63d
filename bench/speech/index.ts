/** Speech for synthetic callers: espeak-ng + sox at run time, cached, trimmed to the voiced range. */
export { DEFAULT_SPEECH_CACHE, SPEECH_RATE_HZ, SpeechToolError, speak, speakAll, type SpeechOptions, type Utterance } from './generate.ts';
export { CALLER_PHRASES, CALLER_VOICES } from './phrases.ts';
export { findVoicedRange, type VoicedRange } from './voiced.ts';
export { readWav, writeWav, type WavAudio } from './wav.ts';
