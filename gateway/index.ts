/**
 * The media gateway: uWebSockets.js media routes for ACS, Twilio and the softphone, per-call DSP
 * (resampling, echo-stage hook, batched Silero VAD) on worker threads, turn-taking and barge-in,
 * real-time outbound pacing, and the call metrics.
 */
export { startGateway, type GatewayHandle, type StartGatewayOptions } from './gateway.ts';
export type { CallEngine, CallEngineFactory, EnginePorts, OutboundAudio, SegmentTag, StageMetric, TurnEvent } from './call/engine-port.ts';
export { CallSession, type CarrierLink, type CloseReason, type SessionEnv } from './call/session.ts';
export { BargeInError, CallClosedError, InvalidStateError, OverflowError } from './call/errors.ts';
export type { GatewayObserver } from './call/observer.ts';
export { OutboundPacer, type PacerOptions, type PacerSink } from './outbound/index.ts';
export { TurnMachine, type TurnOptions, type TurnState } from './turns/index.ts';
