/**
 * One synthetic ACS caller: connects to the media WebSocket, streams its microphone in real time
 * (speech turns from espeak-ng, silence between them, and the agent's audio echoed back), listens
 * to the agent, sometimes barges in, and records per turn when its speech ended, when the answer
 * audio arrived, and how fast a barge-in stopped the agent.
 */
import { audioDataMessage, audioMetadataMessage, decodeAgentMessage, peakAbs } from './acs-protocol.ts';
import { EchoPath, PlayoutBuffer, seededRandom } from './audio.ts';
import type { FramePacer, PacedStream } from './pacer.ts';
import { WsClient } from './ws-client.ts';

/** Samples per 20 ms frame at 16 kHz. */
export const FRAME_SAMPLES = 320;
const FRAME_MS = 20;
const SAMPLES_PER_MS = 16;

/** Something the caller can say. */
export interface CallerUtterance {
  readonly text: string;
  /** 16 kHz PCM whose first and last samples are voiced. */
  readonly pcm: Int16Array;
}

export interface CallerOptions {
  /** Media WebSocket URL, token included. */
  readonly url: string;
  readonly callId: string;
  /** Turns, used in order and wrapping around. */
  readonly utterances: readonly CallerUtterance[];
  readonly pacer: FramePacer;
  /** Wall-clock length of the call (ms). */
  readonly durationMs: number;
  /**
   * The STT stand-in's transcript hook: what a recognizer should hear from this caller from now
   * on. Called before connecting with the first utterance, and as each utterance's last frame is
   * sent with the next one. (The gateway streams every frame to STT, so a recognizer utterance
   * opens in the silence before the caller speaks; it must already know the coming text.)
   */
  readonly onTranscript?: (callId: string, text: string) => void;
  /** Called when a turn's answer starts arriving (progress reports). */
  readonly onAnswer?: (turn: TurnRecord) => void;
  /** Echo delay (ms, default 200) and return loss (dB, default 20). */
  readonly echoDelayMs?: number;
  readonly echoLossDb?: number;
  /** Chance that a turn is interrupted by the next one (0..1, default 0.25). */
  readonly bargeInProbability?: number;
  /** Agent audio heard before barging in (ms, default 700). */
  readonly bargeInAfterMs?: number;
  /** Pause between the end of the agent's answer and the next turn (ms range, default 400..900). */
  readonly thinkMs?: readonly [number, number];
  /** Agent silence that ends its answer (ms, default 700: longer than a pause between sentences). */
  readonly agentIdleMs?: number;
  /**
   * Agent audio arriving sooner than this after the end of speech cannot answer this turn (the
   * gateway must first wait out its silence timeout): the turn is marked `overlapped` and not
   * measured (ms, default 0).
   */
  readonly minAnswerMs?: number;
  /** Hang up after this many turns, once the last answer has been heard (default: talk until `durationMs`). */
  readonly maxTurns?: number;
  /** Give up waiting for an answer after this long (ms, default 10000). */
  readonly answerTimeoutMs?: number;
  /** Seed of this caller's choices. */
  readonly seed?: number;
  /** Phase of this caller's frames inside the 20 ms period (ms), so callers do not all send at once. */
  readonly phaseMs?: number;
  /** Clock (ms); `performance.now()` by default. Must be the pacer's clock. */
  readonly now?: () => number;
}

/** One caller turn as measured. */
export interface TurnRecord {
  readonly callId: string;
  readonly turn: number;
  readonly text: string;
  readonly speechMs: number;
  /** The turn started while the agent was talking. */
  readonly bargeIn: boolean;
  /** Send time of the frame holding the last voiced sample (that sample is the frame's last). */
  speechEndAt: number;
  /** Arrival of the first non-silent agent audio after `speechEndAt`. */
  answerAt?: number;
  /** Agent audio arrived before the gateway could have answered (left over from an earlier answer or a phantom turn). */
  overlapped?: boolean;
  answerLatencyMs?: number;
  /** Capture instant of the first voiced sample of a barge-in. */
  onsetAt?: number;
  /** Arrival of `StopAudio` after the onset of a barge-in. */
  stopAt?: number;
  bargeInLatencyMs?: number;
}

/** What one call did, apart from its turns. */
export interface CallerReport {
  readonly callId: string;
  turns: TurnRecord[];
  framesSent: number;
  agentFrames: number;
  agentAudioMs: number;
  stopAudios: number;
  /** `StopAudio` while the caller was not speaking over the agent (echo or noise taken for speech). */
  falseBargeIns: number;
  /** Turns that got no answer within the timeout. */
  unanswered: number;
  /** Agent samples dropped by the caller's playout buffer (audio sent far faster than real time). */
  playoutDropped: number;
  protocolErrors: number;
  connectError?: string;
  closeCode?: number;
  closeReason?: string;
  /** The gateway closed the call before its end. */
  closedEarly: boolean;
}

type State = 'greeting' | 'pause' | 'speaking' | 'waiting' | 'listening' | 'done';

/**
 * Runs one call to its end and resolves with what it measured.
 * @example const report = await runCaller({ url, callId, utterances, pacer, durationMs: 30_000 });
 */
export async function runCaller(options: CallerOptions): Promise<CallerReport> {
  const caller = new SyntheticCaller(options);
  return caller.run();
}

class SyntheticCaller {
  readonly #o: CallerOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #report: CallerReport;
  readonly #playout = new PlayoutBuffer(16_000 * 20);
  readonly #echo: EchoPath;
  readonly #mic = new Int16Array(FRAME_SAMPLES);
  readonly #speaker = new Int16Array(FRAME_SAMPLES);
  readonly #participant: string;
  #ws: WsClient | undefined;
  #stream: PacedStream | undefined;
  #state: State = 'greeting';
  #startAt = 0;
  #stateAt = 0;
  #pauseUntil = 0;
  #nextUtterance = 0;
  /** Current utterance, front-padded so its last voiced sample ends a frame. */
  #speech: Int16Array | undefined;
  #speechPos = 0;
  #speechPad = 0;
  #turn: TurnRecord | undefined;
  #heardAgent = false;
  #lastAgentAudioAt = Number.NEGATIVE_INFINITY;
  #heardThisAnswerMs = 0;
  #bargePlanned = false;
  #lastOnsetAt = Number.NEGATIVE_INFINITY;
  #finish: (() => void) | undefined;
  #ended = false;

  constructor(options: CallerOptions) {
    this.#o = options;
    this.#now = options.now ?? (() => performance.now());
    this.#random = seededRandom(options.seed ?? 1);
    this.#echo = new EchoPath(options.echoDelayMs ?? 200, options.echoLossDb ?? 20);
    this.#participant = `8:acs:bench-${options.callId}`;
    this.#report = {
      callId: options.callId,
      turns: [],
      framesSent: 0,
      agentFrames: 0,
      agentAudioMs: 0,
      stopAudios: 0,
      falseBargeIns: 0,
      unanswered: 0,
      playoutDropped: 0,
      protocolErrors: 0,
      closedEarly: false,
    };
  }

  async run(): Promise<CallerReport> {
    this.#announceNext();
    try {
      this.#ws = await WsClient.connect(this.#o.url, {
        onMessage: (m) => this.#onMessage(m),
        onClose: (code, reason) => this.#onClose(code, reason),
      });
    } catch (error) {
      this.#report.connectError = (error as Error).message;
      return this.#report;
    }
    const done = new Promise<void>((resolve) => (this.#finish = resolve));
    this.#ws.sendText(audioMetadataMessage(this.#o.callId));
    const now = this.#now();
    this.#startAt = now;
    this.#stateAt = now;
    // First frame one period from now, shifted by this caller's phase.
    this.#stream = this.#o.pacer.add(now + FRAME_MS + (this.#o.phaseMs ?? 0), (_n, _due, at) => this.#tick(at));
    await done;
    this.#report.playoutDropped = this.#playout.dropped;
    return this.#report;
  }

  #tick(now: number): void {
    const ws = this.#ws;
    if (ws === undefined || ws.closed) return this.#end();
    if (now - this.#startAt >= this.#o.durationMs && this.#state !== 'speaking') {
      this.#state = 'done';
      void ws.close(1000, 'caller hung up');
      return this.#end();
    }
    this.#advance(now);
    if (this.#ended) return;
    const mic = this.#mic;
    let lastSpeechFrame = false;
    if (this.#state === 'speaking' && this.#speech !== undefined) {
      const src = this.#speech;
      const n = Math.min(FRAME_SAMPLES, src.length - this.#speechPos);
      mic.set(src.subarray(this.#speechPos, this.#speechPos + n));
      mic.fill(0, n);
      if (this.#speechPos === 0 && this.#turn?.bargeIn === true) {
        // Capture instant of the first voiced sample: the frame is sent when its last sample is captured.
        this.#turn.onsetAt = now - (FRAME_SAMPLES - this.#speechPad) / SAMPLES_PER_MS;
        this.#lastOnsetAt = this.#turn.onsetAt;
      }
      this.#speechPos += n;
      lastSpeechFrame = this.#speechPos >= src.length;
    } else mic.fill(0);
    const heard = this.#playout.read(this.#speaker);
    if (heard > 0 && (this.#state === 'listening' || this.#state === 'speaking')) this.#heardThisAnswerMs += heard / SAMPLES_PER_MS;
    this.#echo.process(this.#speaker, mic);
    ws.sendText(audioDataMessage(mic, this.#participant, new Date().toISOString()));
    this.#report.framesSent++;
    if (lastSpeechFrame) {
      this.#turn!.speechEndAt = now;
      this.#speech = undefined;
      this.#announceNext();
      this.#enter('waiting', now);
    }
  }

  /** State changes that depend on time. */
  #advance(now: number): void {
    const o = this.#o;
    const idle = this.#playout.size === 0 && now - this.#lastAgentAudioAt >= (o.agentIdleMs ?? 700);
    switch (this.#state) {
      case 'greeting':
        // Wait for the greeting to end, or start anyway if the agent says nothing for 6 s.
        if ((this.#heardAgent && idle) || (!this.#heardAgent && now - this.#stateAt > 6000)) this.#pause(now);
        break;
      case 'pause':
        if (now >= this.#pauseUntil) this.#startUtterance(now, false);
        break;
      case 'waiting':
        if (now - this.#turn!.speechEndAt > (o.answerTimeoutMs ?? 10_000)) {
          this.#report.unanswered++;
          this.#pause(now);
        }
        break;
      case 'listening':
        if (this.#bargePlanned && this.#heardThisAnswerMs >= (o.bargeInAfterMs ?? 700) && this.#playout.size > 0) this.#startUtterance(now, true);
        else if (idle) this.#pause(now);
        break;
      default:
        break;
    }
  }

  #pause(now: number): void {
    const [lo, hi] = this.#o.thinkMs ?? [400, 900];
    this.#pauseUntil = now + lo + this.#random() * (hi - lo);
    this.#enter('pause', now);
  }

  #startUtterance(now: number, bargeIn: boolean): void {
    if (this.#o.maxTurns !== undefined && this.#report.turns.length >= this.#o.maxTurns) {
      this.#state = 'done';
      void this.#ws?.close(1000, 'caller hung up');
      return this.#end();
    }
    const utterances = this.#o.utterances;
    const u = utterances[this.#nextUtterance % utterances.length]!;
    // Not enough time left for the turn and its answer: stay quiet until the end.
    if (now + (u.pcm.length / SAMPLES_PER_MS) + 3000 > this.#startAt + this.#o.durationMs) {
      this.#pauseUntil = Number.POSITIVE_INFINITY;
      return this.#enter('pause', now);
    }
    this.#nextUtterance++;
    const pad = (FRAME_SAMPLES - (u.pcm.length % FRAME_SAMPLES)) % FRAME_SAMPLES;
    const speech = new Int16Array(pad + u.pcm.length);
    speech.set(u.pcm, pad);
    this.#speech = speech;
    this.#speechPad = pad;
    this.#speechPos = 0;
    this.#turn = { callId: this.#o.callId, turn: this.#report.turns.length, text: u.text, speechMs: u.pcm.length / SAMPLES_PER_MS, bargeIn, speechEndAt: Number.NaN };
    this.#report.turns.push(this.#turn);
    this.#bargePlanned = this.#random() < (this.#o.bargeInProbability ?? 0.25);
    this.#enter('speaking', now);
  }

  /** Tells the transcript hook which utterance comes next. */
  #announceNext(): void {
    const u = this.#o.utterances[this.#nextUtterance % this.#o.utterances.length];
    if (u !== undefined) this.#o.onTranscript?.(this.#o.callId, u.text);
  }

  #enter(state: State, now: number): void {
    this.#state = state;
    this.#stateAt = now;
    if (state === 'waiting') this.#heardThisAnswerMs = 0;
  }

  #onMessage(message: string | Buffer): void {
    let decoded;
    try {
      decoded = decodeAgentMessage(message);
    } catch {
      this.#report.protocolErrors++;
      return;
    }
    const now = this.#now();
    if (decoded.kind === 'stop') return this.#onStop(now);
    if (decoded.kind !== 'audio') return;
    this.#report.agentFrames++;
    this.#report.agentAudioMs += decoded.pcm.length / SAMPLES_PER_MS;
    this.#playout.write(decoded.pcm);
    if (peakAbs(decoded.pcm) < 200) return;
    this.#heardAgent = true;
    this.#lastAgentAudioAt = now;
    const turn = this.#turn;
    if (this.#state === 'waiting' && turn !== undefined && now >= turn.speechEndAt && turn.answerAt === undefined) {
      // A barge-in turn is answered only after the agent was told to stop.
      if (turn.bargeIn && turn.stopAt === undefined) return;
      if (now - turn.speechEndAt < (this.#o.minAnswerMs ?? 0)) {
        turn.overlapped = true;
        this.#enter('listening', now);
        return;
      }
      turn.answerAt = now;
      turn.answerLatencyMs = now - turn.speechEndAt;
      this.#enter('listening', now);
      this.#o.onAnswer?.(turn);
    }
  }

  #onStop(now: number): void {
    this.#report.stopAudios++;
    this.#playout.clear();
    const turn = this.#turn;
    if (turn?.bargeIn === true && turn.onsetAt !== undefined && turn.stopAt === undefined) {
      turn.stopAt = now;
      turn.bargeInLatencyMs = now - turn.onsetAt;
      return;
    }
    // A stop well after any onset of the caller's speech was not caused by a barge-in.
    if (now - this.#lastOnsetAt > 3000 && !(this.#state === 'speaking' || this.#state === 'waiting')) this.#report.falseBargeIns++;
  }

  #onClose(code: number, reason: string): void {
    this.#report.closeCode = code;
    this.#report.closeReason = reason;
    if (this.#state !== 'done') this.#report.closedEarly = true;
    this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#stream?.stop();
    this.#stream = undefined;
    this.#state = 'done';
    this.#finish?.();
  }
}
