/**
 * The turn-taking state machine of one call: listening / user speaking / endpointing / agent
 * speaking. It turns VAD windows (speech probability per 32 ms of caller audio), the agent's
 * playout state and the clock into {@link TurnEvent}s, and decides barge-in.
 *
 * Two time bases: media time (ms of caller audio since the stream began, exact, used for speech
 * durations) and the call clock (ms since the session opened, used for timeouts and event times).
 * Each window carries both, so a media instant maps to the call clock through the latest window.
 */
import { VadChange, VadHysteresis } from '../../dsp/vad/index.ts';
import type { TurnEvent } from '../call/engine-port.ts';

/** The four states (see the module comment). */
export type TurnState = 'listening' | 'user_speaking' | 'endpointing' | 'agent_speaking';

/** Tuning, from `features` (SPEC §3). */
export interface TurnOptions {
  /** Silero probability threshold (features.vad_threshold). */
  readonly threshold: number;
  /** The caller's turn ends after this much silence (features.vad_silence_timeout_ms). */
  readonly silenceTimeoutMs: number;
  /** Caller speech over the agent must last this long to barge in (features.vad_cutoff_timeout_ms). */
  readonly cutoffMs: number;
  /** Speech shorter than this does not start a turn (64 ms: two windows). */
  readonly minSpeechMs?: number;
  /** Silence shorter than this does not end speech (96 ms: stop consonants, short pauses). */
  readonly minSilenceMs?: number;
}

/** Where the machine's decisions go. */
export interface TurnSink {
  /** A turn event for the engine. */
  emit(event: TurnEvent): void;
  /** Barge-in decided: stop the agent now (carrier told, queue dropped). Called before `bargein` is emitted. */
  stopAgent(onsetMs: number): void;
  /** A finished speech segment in media time (observability). */
  segment?(startMediaMs: number, endMediaMs: number): void;
}

/**
 * Turn state machine of one call.
 * @example
 * const turns = new TurnMachine({ threshold: 0.5, silenceTimeoutMs: 500, cutoffMs: 250 }, sink);
 * turns.onWindow(p, mediaEndMs, atMs, true); // per VAD window
 * turns.tick(now);                           // for the silence timeout
 */
export class TurnMachine {
  state: TurnState = 'listening';
  readonly #opts: TurnOptions;
  readonly #sink: TurnSink;
  readonly #vad: VadHysteresis;
  #agentSpeaking = false;
  /** Call-clock time minus media time, from the latest window. */
  #offsetMs = 0;
  #lastVoicedAtMs = 0;
  /** Start (media ms) of the caller's speech over the agent, or -1. */
  #bargeStartMediaMs = -1;
  #segmentStartMediaMs = -1;

  constructor(options: TurnOptions, sink: TurnSink) {
    this.#opts = options;
    this.#sink = sink;
    this.#vad = new VadHysteresis({ threshold: options.threshold, minSpeechMs: options.minSpeechMs, minSilenceMs: options.minSilenceMs });
  }

  /** True while the VAD says the caller is speaking. */
  get callerSpeaking(): boolean {
    return this.#vad.speaking;
  }

  /**
   * One VAD window.
   * @param probability speech probability (0 for windows skipped as silent).
   * @param mediaEndMs media time at the window's end.
   * @param atMs call-clock time the window's last audio arrived.
   * @param echoGate false when the echo canceller says this speech may be the agent's own echo.
   */
  onWindow(probability: number, mediaEndMs: number, atMs: number, echoGate: boolean): void {
    this.#offsetMs = atMs - mediaEndMs;
    const mediaStartMs = mediaEndMs - 32;
    const change = this.#vad.update(probability, mediaStartMs, mediaEndMs);
    if (change === VadChange.Start) this.#segmentStartMediaMs = this.#vad.onsetMs;
    if (change === VadChange.End && this.#segmentStartMediaMs >= 0) {
      this.#sink.segment?.(this.#segmentStartMediaMs, this.#vad.lastVoicedMs);
      this.#segmentStartMediaMs = -1;
    }
    switch (this.state) {
      case 'listening':
        if (change === VadChange.Start) this.#toUserSpeaking('speech_start', atMs);
        break;
      case 'user_speaking':
        if (change === VadChange.End) {
          this.#lastVoicedAtMs = this.#toCallMs(this.#vad.lastVoicedMs);
          this.state = 'endpointing';
          this.#sink.emit({ type: 'silence_start', atMs, lastVoicedMs: this.#lastVoicedAtMs });
        }
        break;
      case 'endpointing':
        if (change === VadChange.Start) this.#toUserSpeaking('speech_resumed', atMs);
        else this.tick(atMs);
        break;
      case 'agent_speaking':
        this.#bargeIn(probability, mediaStartMs, mediaEndMs, atMs, echoGate);
        break;
    }
  }

  /** The agent's playout started or stopped (outbound queue non-empty / drained). */
  setAgentSpeaking(speaking: boolean, nowMs: number): void {
    if (speaking === this.#agentSpeaking) return;
    this.#agentSpeaking = speaking;
    if (speaking) {
      // The caller holding the floor keeps it; the agent's audio (a filler) does not change that.
      if (this.state === 'listening') {
        this.state = 'agent_speaking';
        this.#bargeStartMediaMs = -1;
      }
      return;
    }
    if (this.state !== 'agent_speaking') return;
    // The agent finished while the caller was already talking: that is the caller's turn.
    if (this.#vad.speaking) this.#toUserSpeaking('speech_start', nowMs, this.#toCallMs(this.#vad.onsetMs));
    else this.state = 'listening';
  }

  /** Clock tick: ends the caller's turn once the silence has lasted `silenceTimeoutMs`. */
  tick(nowMs: number): void {
    if (this.state !== 'endpointing') return;
    if (nowMs - this.#lastVoicedAtMs < this.#opts.silenceTimeoutMs) return;
    this.state = this.#agentSpeaking ? 'agent_speaking' : 'listening';
    this.#bargeStartMediaMs = -1;
    this.#sink.emit({ type: 'turn_end', atMs: nowMs, lastVoicedMs: this.#lastVoicedAtMs });
  }

  /** A DTMF digit from the carrier. */
  dtmf(digit: string, nowMs: number): void {
    this.#sink.emit({ type: 'dtmf', atMs: nowMs, digit });
  }

  #toUserSpeaking(type: 'speech_start' | 'speech_resumed', atMs: number, onsetAtMs = this.#toCallMs(this.#vad.onsetMs)): void {
    this.state = 'user_speaking';
    this.#sink.emit(type === 'speech_start' ? { type, atMs: onsetAtMs } : { type, atMs });
  }

  #bargeIn(probability: number, mediaStartMs: number, mediaEndMs: number, atMs: number, echoGate: boolean): void {
    const floor = this.#bargeStartMediaMs < 0 ? this.#vad.threshold : this.#vad.negThreshold;
    if (probability < floor || !echoGate) {
      this.#bargeStartMediaMs = -1;
      return;
    }
    if (this.#bargeStartMediaMs < 0) this.#bargeStartMediaMs = mediaStartMs;
    if (mediaEndMs - this.#bargeStartMediaMs < this.#opts.cutoffMs) return;
    const onsetMs = this.#toCallMs(this.#bargeStartMediaMs);
    this.#bargeStartMediaMs = -1;
    // State first: stopping the agent reports "not speaking" back into this machine (re-entrant).
    this.#agentSpeaking = false;
    this.state = 'user_speaking';
    // Then stop: the carrier must hear about it within this frame, before any other work.
    this.#sink.stopAgent(onsetMs);
    this.#sink.emit({ type: 'bargein', atMs, onsetMs });
    // The caller now holds the floor: their turn has started at the onset.
    this.#sink.emit({ type: 'speech_start', atMs: onsetMs });
  }

  #toCallMs(mediaMs: number): number {
    return mediaMs + this.#offsetMs;
  }
}
