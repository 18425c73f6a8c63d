/**
 * Stand-ins for the third-party cloud services (LLM, STT, TTS), speaking their wire protocols on
 * loopback so the real SDKs and our provider clients run against them in tests and benches.
 */
export { startLlmStandin, tokenize, type ChatMessage, type ChatRequest, type LlmStandin, type LlmStandinOptions, type ScriptedReply, type SpeechRequest, type TranscriptionRequest } from './llm-server.ts';
export { startSttStandin, STT_FRAME, type SttSession, type SttStandin, type SttStandinOptions, type SttUtterance } from './stt-server.ts';
export { startTtsStandin, type TtsRequest, type TtsStandin, type TtsStandinOptions } from './tts-server.ts';
export { decodeSpeechFrame, parseSpeechHeaders, startAzureSpeechStandin, type AzureSpeechStandin, type AzureSpeechStandinOptions, type AzureSttSession, type AzureTtsRequest } from './azure-speech-server.ts';
export { espeakAvailable, espeakPcm, parseWav, resampleLinear, synthVoice } from './voice.ts';
