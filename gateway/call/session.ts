/**
 * One call's media session: the root of its ownership tree. It owns the carrier link and codec,
 * the DSP slot (on a worker), the turn machine, the outbound pacer, the engine and its own
 * timers; `close()` is idempotent and ends every one of them. Inbound messages are handled
 * synchronously inside the socket callback (the message buffer is only valid until it returns).
 */
import { randomUUID } from 'node:crypto';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { ControlApiError, type CallContext, type Carrier, type Config, type ControlClient } from '../../control/contract/index.ts';
import { createCodec, type CarrierCodec, type InboundEvent, type OutboundEvent, type PageMessage, type WireMessage } from '../carriers/index.ts';
import type { DspChannel, DspHost } from '../dsp/index.ts';
import { carrierAttrs, type GatewayMetrics } from '../metrics/index.ts';
import { OutboundPacer } from '../outbound/index.ts';
import { TurnMachine } from '../turns/index.ts';
import type { CallEngine, CallEngineFactory, EnginePorts, StageMetric, TurnEvent } from './engine-port.ts';
import { CallTrace } from './call-trace.ts';
import { CallClosedError } from './errors.ts';
import { mirrorToPage } from './page-mirror.ts';
import { CLOSE, CONGESTED_BYTES, ENGINE_CLOSE_MAX_MS, HANGUP_PLAYOUT_MAX_MS, MAX_MESSAGE_BYTES, SLOW_READER_BYTES, SLOW_READER_MS } from './limits.ts';
import { ReferenceTap } from '../outbound/reference-tap.ts';
import { settleWithin } from './bounded-wait.ts';
import { CallCounters } from './call-counters.ts';
import { FrameAssembler } from './frame-assembler.ts';
import { InboundGuard } from './inbound-guard.ts';
import { TurnLatency } from './turn-latency.ts';
import type { GatewayObserver } from './observer.ts';
import type { ResourceRegistry, TimerHandle } from './registry.ts';

/** The socket as the session sees it. */
export interface CarrierLink {
  /** Sends one message; false if the socket dropped it (backpressure limit). */
  send(message: WireMessage): boolean;
  /** Bytes buffered in the socket, not yet written. */
  bufferedAmount(): number;
  /** Closes gracefully with a code and a short reason. */
  end(code: number, reason: string): void;
}

/** What every session of a gateway shares. */
export interface SessionEnv {
  readonly config: Config;
  readonly control: ControlClient;
  readonly dsp: DspHost;
  readonly metrics: GatewayMetrics;
  readonly registry: ResourceRegistry<CallSession>;
  readonly log: Logger;
  readonly engineFactory?: CallEngineFactory | undefined;
  readonly observer?: GatewayObserver | undefined;
  readonly tracer?: Tracer | undefined;
}

/** Why a session ended (also the `call_ended` reasons the engine reports). */
export type CloseReason = 'caller_hangup' | 'agent_hangup' | 'transfer' | 'timeout' | 'error' | 'shutdown' | 'protocol' | 'unknown_call';

/**
 * A call's media session.
 * @example
 * const session = new CallSession(callId, 'acs', link, env);
 * session.start();          // fetch context, start the engine
 * session.onMessage(buf, false);
 * await session.close('caller_hangup');
 */
export class CallSession {
  readonly callId: string;
  readonly carrier: Carrier;
  readonly #env: SessionEnv;
  readonly #link: CarrierLink;
  readonly #epoch = performance.now();
  readonly #abort = new AbortController();
  readonly #attrs;
  readonly #guard: InboundGuard;
  #codec: CarrierCodec;
  #channel: DspChannel;
  #pacer: OutboundPacer;
  readonly #turns: TurnMachine;
  #engine: CallEngine | undefined;
  #trace: CallTrace | undefined;
  /** Identifies this media leg in event ids (a resumed call has several legs). */
  readonly #legId = `leg-${randomUUID()}`;
  #context: CallContext | undefined;
  #linkOpen = true;
  #closing: Promise<void> | undefined;
  readonly #timers = new Set<TimerHandle>();
  readonly #frames: FrameAssembler;
  /** Hands a completed 20 ms frame to the DSP ring (bound once: no closure per message). */
  readonly #toDsp = (frame: Int16Array, silent: boolean) => void this.#channel.pushAudio(frame, this.now(), silent);
  #audioSeen = false;
  readonly #reference: ReferenceTap;
  readonly #counters: CallCounters;
  /** Reused for every outbound frame (no object per frame on the hot path). */
  readonly #audioOut: { type: 'audio'; pcm: Int16Array } = { type: 'audio', pcm: new Int16Array(0) };
  readonly #latency = new TurnLatency();
  #slowSinceMs = -1;
  #hangupReason: CloseReason | undefined;

  constructor(callId: string, carrier: Carrier, link: CarrierLink, env: SessionEnv) {
    this.callId = callId;
    this.carrier = carrier;
    this.#link = link;
    this.#env = env;
    this.#attrs = carrierAttrs(carrier);
    const acsRate = env.config.media.acs_audio_format === 'Pcm24KMono' ? 24000 : 16000;
    this.#codec = createCodec(carrier, acsRate);
    this.#guard = new InboundGuard(this.now());
    this.#reference = new ReferenceTap(carrier === 'twilio');
    this.#counters = new CallCounters(env.metrics, this.#attrs, carrier);
    this.#frames = new FrameAssembler(this.#codec.frameSamples);
    this.#channel = this.#attachDsp();
    this.#pacer = this.#createPacer();
    const f = env.config.features;
    this.#turns = new TurnMachine(
      { threshold: f.vad_threshold, silenceTimeoutMs: f.vad_silence_timeout_ms, cutoffMs: f.vad_cutoff_timeout_ms },
      {
        emit: (event) => this.#onTurnEvent(event),
        stopAgent: (onsetMs) => this.#stopAgent(onsetMs),
        segment: (startMs, endMs) => env.observer?.onVadSegment?.(callId, { startMs, endMs }),
      },
    );
    env.metrics.callsStarted.add(1, this.#attrs);
  }

  /** Milliseconds on this call's monotonic clock. */
  now(): number {
    return performance.now() - this.#epoch;
  }

  /** Aborted when the call ends. */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** The outbound audio port (the engine's). */
  get outbound(): OutboundPacer {
    return this.#pacer;
  }

  /** Fetches the call's context from control, then builds and starts the engine (if one is configured). */
  start(): void {
    this.#trace = new CallTrace(this.#env.tracer, this.carrier);
    this.#env.observer?.onSessionOpen?.(this.callId);
    void this.#startEngine().catch((error: unknown) => {
      if (this.closed) return;
      const unknown = error instanceof ControlApiError && (error.status === 404 || error.status === 403);
      this.#env.log.warn({ callId: this.callId, err: error }, unknown ? 'call unknown to control' : 'call start failed');
      void this.close(unknown ? 'unknown_call' : 'error', unknown ? CLOSE.policy : CLOSE.internalError);
    });
  }

  async #startEngine(): Promise<void> {
    this.#context = await this.#env.control.getContext(this.callId, this.signal);
    if (this.closed) return;
    // Control learns that media is up (softphone and Twilio have no carrier callback saying so).
    void this.#env.control
      .postEvents(this.callId, [{ type: 'call_connected', event_id: `${this.#legId}:connected`, at: new Date().toISOString() }], this.signal)
      .catch((error: unknown) => {
        if (!this.closed) this.#env.log.warn({ callId: this.callId, err: error }, 'call_connected not recorded');
      });
    if (this.#env.engineFactory === undefined) return;
    this.#engine = this.#env.engineFactory(this.#ports(this.#context));
    await this.#engine.start();
  }

  #ports(context: CallContext): EnginePorts {
    return {
      context,
      control: this.carrier === 'softphone' ? mirrorToPage(this.#env.control, (m) => this.#page(m)) : this.#env.control,
      outbound: this.#pacer,
      now: () => this.now(),
      signal: this.signal,
      recordStage: (metric, ms) => this.#recordStage(metric, ms),
      hangup: (reason) => this.#requestHangup(reason === 'error' ? 'error' : reason),
    };
  }

  /** An inbound WebSocket message (valid only during this call: everything is copied or decoded now). */
  onMessage(message: ArrayBuffer, isBinary: boolean): void {
    if (this.closed) return;
    const now = this.now();
    if (message.byteLength > MAX_MESSAGE_BYTES) return this.#refuse('too_big', CLOSE.tooBig, `message over ${MAX_MESSAGE_BYTES} bytes`);
    const verdict = this.#guard.admit(now);
    if (verdict !== 'ok') return this.#refuse('flood', verdict === 'close' ? CLOSE.policy : undefined, 'message rate over limit');
    let event: InboundEvent | undefined;
    try {
      event = this.#codec.decode(message, isBinary);
    } catch (error) {
      this.#env.log.error({ callId: this.callId, err: error }, 'codec failed');
      return this.#refuse('bad_json', CLOSE.internalError, 'decoder failure');
    }
    if (event === undefined) return;
    switch (event.type) {
      case 'audio':
        this.#audioSeen = true;
        this.#guard.frames++;
        // A full DSP ring (the DSP thread far behind) is counted by the channel.
        return this.#frames.push(event.pcm, event.silent, this.#toDsp);
      case 'start':
        return this.#onStart(event.sampleRateHz);
      case 'dtmf':
        return this.#turns.dtmf(event.digit, now);
      case 'stop':
        void this.close('caller_hangup', CLOSE.normal);
        return;
      case 'mark':
        return;
      case 'invalid': {
        if (event.problem === 'bad_frame_type') return this.#refuse(event.problem, CLOSE.unsupportedData, event.detail);
        if (event.problem === 'unknown_kind') return this.#refuse(event.problem, undefined, event.detail);
        const tooMany = this.#guard.invalid();
        return this.#refuse(event.problem, tooMany ? CLOSE.invalidPayload : undefined, event.detail);
      }
    }
  }

  /** Counts a refused message; closes the call with `code` if given. */
  #refuse(reason: string, code: number | undefined, detail: string): void {
    this.#env.metrics.framesRejected.add(1, { ...this.#attrs, reason });
    if (this.#env.log.isLevelEnabled('debug')) this.#env.log.debug({ callId: this.callId, reason, detail }, 'inbound message refused');
    if (code !== undefined) void this.close('protocol', code, detail);
  }

  #onStart(sampleRateHz: number): void {
    if (sampleRateHz === this.#channel.carrierRateHz) return;
    if (this.#audioSeen) return this.#refuse('bad_field', CLOSE.invalidPayload, 'audio format changed mid-stream');
    // ACS announced another rate than configured, before any audio: rebuild the media path for it.
    this.#channel.detach();
    this.#pacer.close();
    this.#frames.resize(sampleRateHz / 50);
    this.#channel = this.#attachDsp();
    this.#pacer = this.#createPacer();
  }

  #attachDsp(): DspChannel {
    const channel = this.#env.dsp.attach(this.#codec.sampleRateHz, performance.timeOrigin + this.#epoch);
    channel.listener = {
      onAudio: (pcm) => this.#engine?.pushCallerAudio(pcm),
      onWindow: (p, mediaEndMs, arrivalMs, gateOpen) => this.#turns.onWindow(p, mediaEndMs, arrivalMs, gateOpen),
    };
    return channel;
  }

  #createPacer(): OutboundPacer {
    const rate = this.#codec.sampleRateHz;
    return new OutboundPacer({
      // The engine writes 16 kHz (what STT and TTS share); the pacer resamples to the carrier.
      engineRateHz: 16000,
      carrierRateHz: rate,
      callId: this.callId,
      now: () => this.now(),
      sink: {
        sendAudio: (pcm) => {
          this.#audioOut.pcm = pcm;
          this.#send(this.#audioOut);
        },
        stopAudio: () => this.#send({ type: 'stop_audio' }),
        congested: () => this.#link.bufferedAmount() > CONGESTED_BYTES,
        reference: (pcm, start) => void this.#channel.pushReference(this.#reference.of(pcm), start),
        firstAudio: (_turnId, at) => this.#onFirstAudio(at),
        speakingChanged: (speaking, at) => this.#turns.setAgentSpeaking(speaking, at),
      },
    });
  }

  #send(event: OutboundEvent): boolean {
    if (!this.#linkOpen) return false;
    const message = this.#codec.encode(event);
    return message === undefined ? false : this.#link.send(message);
  }

  #onTurnEvent(event: TurnEvent): void {
    if (event.type === 'turn_end') {
      this.#env.metrics.stages['call.turn.endpoint.latency'].record(this.#latency.turnEnded(event.atMs, event.lastVoicedMs), this.#attrs);
    }
    this.#env.observer?.onTurnEvent?.(this.callId, event);
    try {
      this.#engine?.onTurnEvent(event);
    } catch (error) {
      this.#env.log.error({ callId: this.callId, err: error }, 'engine turn event failed');
    }
  }

  /** Barge-in: the carrier is told to stop and the queue is dropped, before anything else. */
  #stopAgent(onsetMs: number): void {
    const decisionMs = this.now();
    this.#pacer.clear();
    const stopSentMs = this.now();
    this.#env.metrics.bargeinLatency.record(stopSentMs - onsetMs, this.#attrs);
    this.#env.observer?.onBargeIn?.(this.callId, { decisionMs, stopSentMs, onsetMs });
  }

  #onFirstAudio(atMs: number): void {
    const turn = this.#latency.firstAudio(atMs);
    if (turn === undefined) return;
    this.#env.metrics.stages['call.answer.latency'].record(turn.answerMs, this.#attrs);
    this.#trace?.turn(turn.answerMs, turn.endpointMs, turn.stages);
    if (this.carrier !== 'softphone') return;
    this.#page({
      type: 'latency',
      turn_id: `t${Math.round(atMs)}`,
      answer_ms: turn.answerMs,
      endpoint_ms: turn.endpointMs,
      stt_final_ms: turn.stages['call.stt.final.latency'],
      llm_ttft_ms: turn.stages['call.llm.ttft'],
      tts_ttfb_ms: turn.stages['call.tts.ttfb'],
    });
  }

  /** Sends a page event to the softphone (ignored by other carriers). */
  #page(message: PageMessage): void {
    this.#send({ type: 'page', message });
  }

  #recordStage(metric: StageMetric, ms: number): void {
    // Answer latency is measured here from the playout path itself (last voiced frame → first byte sent).
    if (metric === 'call.answer.latency' || !Number.isFinite(ms) || ms < 0) return;
    this.#latency.stage(metric, ms);
    this.#env.metrics.stages[metric].record(ms, this.#attrs);
  }

  #requestHangup(reason: CloseReason): void {
    if (this.#hangupReason !== undefined || this.closed) return;
    this.#hangupReason = reason;
    this.#timer(() => this.#hangupNow(), HANGUP_PLAYOUT_MAX_MS);
  }

  #hangupNow(): void {
    const reason = this.#hangupReason;
    if (reason === undefined || this.closed) return;
    // After a transfer the carrier has moved the call: hanging it up would cut the transferred call.
    if (reason !== 'transfer') {
      this.#env.control
        .act(this.callId, { action_id: `${this.callId}:hangup`, action: { type: 'hangup' } })
        .catch((error: unknown) => this.#env.log.warn({ callId: this.callId, err: error }, 'hangup action failed'));
    }
    this.#page({ type: 'hangup' });
    void this.close(reason, CLOSE.normal);
  }

  /** A session timer, counted by the registry and cancelled at close. */
  #timer(fn: () => void, ms: number): void {
    const handle = this.#env.registry.setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
  }

  /** Gateway tick (10 ms): pacing, turn timeouts, slow-reader watch, batched counters. */
  tick(now: number): void {
    if (this.closed) return;
    this.#pacer.service(now);
    this.#turns.tick(now);
    if (this.#hangupReason !== undefined && !this.#pacer.speaking) return this.#hangupNow();
    if (this.#link.bufferedAmount() > SLOW_READER_BYTES) {
      if (this.#slowSinceMs < 0) this.#slowSinceMs = now;
      else if (now - this.#slowSinceMs > SLOW_READER_MS) return void this.close('protocol', CLOSE.policy, 'slow reader');
    } else this.#slowSinceMs = -1;
  }

  /** Once a second: adds this call's hot-path counts to the metrics. */
  flushCounters(): void {
    this.#counters.flush(this.#guard.frames, this.#channel.counters());
    this.#guard.frames = 0;
  }

  /** Socket drained: send what the pacer holds. */
  onDrain(): void {
    if (!this.closed) this.#pacer.service(this.now());
  }

  /** The socket closed (peer hang-up, network loss, uWS limits): the call ends. */
  onTransportClosed(code: number): void {
    this.#linkOpen = false;
    void this.close(code === CLOSE.tooBig ? 'protocol' : 'caller_hangup');
  }

  /**
   * Ends the call and everything it started. Idempotent: later calls return the same promise.
   * @param code WebSocket close code sent if the socket is still open.
   */
  close(reason: CloseReason, code: number = CLOSE.normal, detail: string = reason): Promise<void> {
    if (this.#closing) return this.#closing;
    // Set before any work: ending the socket re-enters here through its close handler.
    let done!: () => void;
    this.#closing = new Promise<void>((resolve) => (done = resolve));
    void this.#close(reason, code, detail).finally(done);
    return this.#closing;
  }

  async #close(reason: CloseReason, code: number, detail: string): Promise<void> {
    const error = new CallClosedError(this.callId, reason);
    this.#abort.abort(error);
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    this.#pacer.close(error);
    this.#channel.detach();
    if (this.#linkOpen) {
      this.#linkOpen = false;
      try {
        this.#link.end(code, detail.slice(0, 120));
      } catch (e) {
        this.#env.log.debug({ callId: this.callId, err: e }, 'socket already gone');
      }
    }
    this.flushCounters();
    this.#env.metrics.callsEnded.add(1, { ...this.#attrs, reason });
    const engine = this.#engine;
    this.#engine = undefined;
    if (engine !== undefined) await this.#closeEngine(engine);
    if (this.#context !== undefined) await this.#postEnded(reason);
    // Last: a drain waits for the registry to empty, so the session leaves it only when all is done.
    if (this.#env.registry.sessions.get(this.callId) === this) this.#env.registry.sessions.delete(this.callId);
    this.#trace?.end(reason);
    this.#env.observer?.onSessionClosed?.(this.callId, reason);
  }

  /** Tells control the call ended (it then runs the post-call work); bounded, never throws. */
  async #postEnded(reason: CloseReason): Promise<void> {
    const mapped = reason === 'protocol' || reason === 'unknown_call' ? 'error' : reason;
    const event = { type: 'call_ended' as const, event_id: `${this.#legId}:ended`, at: new Date().toISOString(), reason: mapped };
    // The call's own signal is aborted by now: this request gets its own bound.
    const abort = new AbortController();
    const posting = this.#env.control.postEvents(this.callId, [event], abort.signal).catch((error: unknown) => {
      this.#env.log.warn({ callId: this.callId, err: error }, 'call_ended not recorded');
    });
    if (!(await settleWithin(posting, ENGINE_CLOSE_MAX_MS, this.#env.registry))) abort.abort();
  }

  async #closeEngine(engine: CallEngine): Promise<void> {
    const closing = engine.close().catch((error: unknown) => this.#env.log.error({ callId: this.callId, err: error }, 'engine close failed'));
    if (!(await settleWithin(closing, ENGINE_CLOSE_MAX_MS, this.#env.registry))) this.#env.log.warn({ callId: this.callId }, 'engine close timed out');
  }
}
