/** Synthetic ACS callers: real-time frames, real speech, echo, barge-in, per-turn measurements. */
export { audioDataMessage, audioMetadataMessage, decodeAgentMessage, peakAbs, type AgentMessage } from './acs-protocol.ts';
export { EchoPath, PlayoutBuffer, seededRandom } from './audio.ts';
export { FRAME_SAMPLES, runCaller, type CallerOptions, type CallerReport, type CallerUtterance, type TurnRecord } from './caller.ts';
export { runFleet, type FleetCall, type FleetOptions } from './fleet.ts';
export { FramePacer, realClock, type PacedStream, type PacerClock, type PacerStats } from './pacer.ts';
export { WsClient, WsConnectError, type WsHandlers } from './ws-client.ts';
