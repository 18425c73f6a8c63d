/** Per-call DSP (resampling, echo stage, batched Silero VAD) on worker threads or in-thread. */
export { DspChannel, type DspCounters, type DspListener } from './channel.ts';
export { DspCore, type SlotConfig, type TickStats } from './core.ts';
export { DSP_TICK_MS, DspHost, resolveDspWorkers, type DspHostOptions } from './host.ts';
export { createEchoStage, PassThroughEcho, type EchoStage } from './echo-stage.ts';
