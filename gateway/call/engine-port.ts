/**
 * The seam between the call session (media, DSP, turn state machine, outbound pacing) and the
 * conversation engine (STT → LLM → TTS, tools, timeouts). The session owns the call; it creates
 * the engine with these ports and feeds it turn events and caller audio.
 */
import type { CallContext, ControlClient } from '../../control/contract/index.ts';

/** Turn events the session's state machine emits to the engine. */
export type TurnEvent =
  /** VAD: the caller started speaking (after min speech). `atMs` is the onset on the call clock. */
  | { readonly type: 'speech_start'; readonly atMs: number }
  /** VAD: the caller went silent; the turn may end after `vad_silence_timeout_ms`. `lastVoicedMs` is the last voiced frame. */
  | { readonly type: 'silence_start'; readonly atMs: number; readonly lastVoicedMs: number }
  /** The caller spoke again before the silence timeout: the turn goes on. */
  | { readonly type: 'speech_resumed'; readonly atMs: number }
  /** End of the caller's turn (silence timeout reached). `lastVoicedMs` starts answer latency. */
  | { readonly type: 'turn_end'; readonly atMs: number; readonly lastVoicedMs: number }
  /** The caller spoke over the agent for `vad_cutoff_timeout_ms`: outbound audio already cleared. */
  | { readonly type: 'bargein'; readonly atMs: number; readonly onsetMs: number }
  /** A DTMF tone from the carrier. */
  | { readonly type: 'dtmf'; readonly atMs: number; readonly digit: string };

/** A piece of outbound audio, tagged so the playout clock can say what was heard. */
export interface SegmentTag {
  /** The turn this audio answers; audio of an aborted turn is dropped. */
  readonly turnId: string;
  /** Unique per call, increasing; typically one per sentence. */
  readonly segmentId: number;
}

/** Outbound audio to the caller, paced in real time with a small lead. */
export interface OutboundAudio {
  /** Rate of the PCM the engine must write (the session resamples to the carrier's). */
  readonly sampleRateHz: number;
  /**
   * Queues 16-bit mono PCM for playout. Resolves when it is accepted into the bounded queue
   * (backpressure), rejects with the abort reason if the turn is aborted first.
   */
  write(pcm: Int16Array, tag: SegmentTag, signal: AbortSignal): Promise<void>;
  /** Marks the end of a segment; resolves when its last sample has been played out to the caller. */
  endSegment(tag: SegmentTag, signal: AbortSignal): Promise<void>;
  /** Milliseconds of the segment the caller has heard so far (playout clock). */
  heardMs(segmentId: number): number;
  /** Total milliseconds queued for the segment so far. */
  queuedMs(segmentId: number): number;
  /** Drops everything queued and tells the carrier to stop playing. */
  clear(): void;
  /** True while agent audio is playing or queued. */
  readonly speaking: boolean;
}

/** Latency stage names recorded per turn (SPEC §6). */
export type StageMetric =
  | 'call.answer.latency'
  | 'call.turn.endpoint.latency'
  | 'call.stt.final.latency'
  | 'call.llm.ttft'
  | 'call.llm.first_sentence.latency'
  | 'call.tts.ttfb';

/** What the engine is given by its session. */
export interface EnginePorts {
  readonly context: CallContext;
  readonly control: ControlClient;
  readonly outbound: OutboundAudio;
  /** Milliseconds on the call's monotonic clock (same clock as TurnEvent times). */
  now(): number;
  /** Aborted when the call ends; every engine loop must stop with it. */
  readonly signal: AbortSignal;
  /** Records a latency stage (ms) with low-cardinality attributes. */
  recordStage(metric: StageMetric, ms: number): void;
  /** Asks the session to hang up once pending audio is played. */
  hangup(reason: 'agent_hangup' | 'timeout' | 'transfer' | 'error'): void;
}

/** The conversation engine of one call. */
export interface CallEngine {
  /** Starts the conversation (greeting, IVR, recap on resume). */
  start(): Promise<void>;
  /** Caller audio after echo cancellation, 16 kHz mono, one 20 ms frame; copied if kept. */
  pushCallerAudio(pcm16k: Int16Array): void;
  /** A turn event from the session's state machine. */
  onTurnEvent(event: TurnEvent): void;
  /** Ends everything the engine started; idempotent. */
  close(): Promise<void>;
}

/** Builds the engine of a call. */
export type CallEngineFactory = (ports: EnginePorts) => CallEngine;
