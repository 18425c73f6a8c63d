/**
 * Outbound audio of one call: a bounded queue of carrier-rate 20 ms frames, paced in real time
 * with a small lead so a stop is heard at once, and a playout clock that knows what the caller
 * has heard. Implements the engine's {@link OutboundAudio} port.
 *
 * Pacing: the carrier plays what it receives in real time; `#playEndMs` is when everything sent
 * so far will have played. Frames go out while that lead stays ≤ `leadMs` (100 ms), so at most
 * 100 ms is queued at the carrier when a barge-in clears it. `service(now)` is called by the
 * gateway's tick (10 ms) and on socket drain.
 *
 * Overflow rule ("writers wait, then are refused"): a write that does not fit in the queue
 * (400 ms of audio) waits for playout to free room; beyond 8 waiting writes, `write` rejects with
 * {@link OverflowError}. Nothing is ever dropped silently except on `clear()` or a turn's abort.
 */
import { Resampler } from '../../dsp/resample/index.ts';
import type { OutboundAudio, SegmentTag } from '../call/engine-port.ts';
import { CallClosedError, OverflowError } from '../call/errors.ts';
import { FrameQueue } from './frame-queue.ts';

/** Where the pacer's decisions go (the session: codec + socket, AEC reference, metrics). */
export interface PacerSink {
  /** Encodes and sends one frame of carrier-rate PCM (a view: copy if kept). */
  sendAudio(pcm: Int16Array): void;
  /** Tells the carrier to drop what it has queued. */
  stopAudio(): void;
  /** True while the socket has more buffered than the pacer should add to. */
  congested(): boolean;
  /** The exact PCM just sent and the call-clock time its playout starts (AEC reference; copy it). */
  reference(pcm: Int16Array, playStartMs: number): void;
  /** The first frame of a turn went out (answer latency ends here). */
  firstAudio(turnId: string, atMs: number): void;
  /** `speaking` changed. */
  speakingChanged(speaking: boolean, atMs: number): void;
}

/** Construction options. */
export interface PacerOptions {
  /** Rate of the PCM the engine writes. */
  readonly engineRateHz: number;
  /** Rate of the carrier's audio. */
  readonly carrierRateHz: number;
  /** The call clock (ms). */
  readonly now: () => number;
  readonly sink: PacerSink;
  readonly callId: string;
  /** Most audio queued at the carrier (ms): 100 ms keeps a stop prompt and rides over tick jitter. */
  readonly leadMs?: number;
  /**
   * Queue bound (ms of audio): 400 ms, four times the carrier lead. Waiting writes are fed the
   * moment room frees (every service, 10 ms apart), so the queue only has to keep the lead topped
   * up; a TTS stream produced faster than real time waits upstream (writers wait for room), and a
   * longer queue would only hold memory for the whole call (2 s was 64 KB at 16 kHz).
   */
  readonly queueMs?: number;
  /** Writes allowed to wait for room before `write` rejects. */
  readonly maxWaitingWrites?: number;
}

interface Segment {
  readonly id: number;
  readonly turnId: string;
  queuedMs: number;
  sentMs: number;
  lastPlayEndMs: number;
  queuedFrames: number;
  ended: boolean;
  dropped: boolean;
}

interface WriteJob {
  readonly pcm: Int16Array;
  /** Samples of `pcm` already moved into the queue. */
  offset: number;
  readonly seg: Segment;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

interface EndWaiter {
  readonly seg: Segment;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

/** Segment records kept for `heardMs`/`queuedMs` after they end (a few turns' worth). */
const MAX_SEGMENTS = 256;

/**
 * Paced outbound audio with a playout clock.
 * @example
 * const pacer = new OutboundPacer({ engineRateHz: 16000, carrierRateHz: 8000, now, sink, callId });
 * await pacer.write(pcm, { turnId, segmentId: 1 }, turn.signal);
 * await pacer.endSegment({ turnId, segmentId: 1 }, turn.signal); // played out
 */
export class OutboundPacer implements OutboundAudio {
  readonly sampleRateHz: number;
  readonly #carrierRateHz: number;
  readonly #frame: number;
  readonly #frameMs: number;
  readonly #leadMs: number;
  readonly #maxWaiting: number;
  readonly #now: () => number;
  readonly #sink: PacerSink;
  readonly #callId: string;
  readonly #resampler: Resampler;
  readonly #scratch: Int16Array;
  readonly #queue: FrameQueue<Segment>;
  readonly #segments = new Map<number, Segment>();
  readonly #jobs: WriteJob[] = [];
  readonly #endWaiters: EndWaiter[] = [];
  #playEndMs = 0;
  #speaking = false;
  #answeredTurn: string | undefined;
  #turn: { id: string; signal: AbortSignal; onAbort: () => void } | undefined;
  #closed: Error | undefined;

  constructor(options: PacerOptions) {
    this.sampleRateHz = options.engineRateHz;
    this.#carrierRateHz = options.carrierRateHz;
    this.#frame = options.carrierRateHz / 50;
    this.#frameMs = 20;
    this.#leadMs = options.leadMs ?? 100;
    this.#maxWaiting = options.maxWaitingWrites ?? 8;
    this.#now = options.now;
    this.#sink = options.sink;
    this.#callId = options.callId;
    this.#queue = new FrameQueue<Segment>(Math.ceil((options.queueMs ?? 400) / 20), this.#frame);
    this.#resampler = new Resampler(options.engineRateHz, options.carrierRateHz);
    // Resampling happens in blocks of at most 200 ms of output.
    this.#scratch = new Int16Array(this.#resampler.maxOutputLength(Math.ceil((options.engineRateHz * 200) / 1000)) + 8);
  }

  /** True while agent audio is queued here or still playing at the carrier. */
  get speaking(): boolean {
    return this.#speaking;
  }

  /** Milliseconds of audio queued here, not yet sent. */
  get backlogMs(): number {
    return ((this.#queue.count * this.#frame + this.#queue.fillSamples) * 1000) / this.#carrierRateHz;
  }

  /** Milliseconds sent and not yet played at the carrier (the lead). */
  leadAt(now: number): number {
    return Math.max(0, this.#playEndMs - now);
  }

  write(pcm: Int16Array, tag: SegmentTag, signal: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (signal.aborted) return Promise.reject(signal.reason);
    this.#watchTurn(tag.turnId, signal);
    const seg = this.#segment(tag);
    if (seg.dropped) return Promise.reject(signal.reason ?? new CallClosedError(this.#callId, 'turn dropped'));
    if (this.#jobs.length >= this.#maxWaiting) return Promise.reject(new OverflowError('outbound: writers wait for room, at most 8 waiting'));
    seg.queuedMs += (pcm.length * 1000) / this.sampleRateHz;
    return new Promise<void>((resolve, reject) => {
      const job: WriteJob = {
        pcm,
        offset: 0,
        seg,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#jobs.indexOf(job);
          if (i >= 0) this.#jobs.splice(i, 1);
          reject(signal.reason);
        },
      };
      this.#jobs.push(job);
      this.#feed();
      if (this.#jobs.includes(job)) signal.addEventListener('abort', job.onAbort, { once: true });
      this.#updateSpeaking(this.#now());
    });
  }

  endSegment(tag: SegmentTag, signal: AbortSignal): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (signal.aborted) return Promise.reject(signal.reason);
    const seg = this.#segment(tag);
    seg.ended = true;
    this.#commitPartialOf(seg);
    if (this.#segmentDone(seg, this.#now())) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: EndWaiter = {
        seg,
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#endWaiters.indexOf(waiter);
          if (i >= 0) this.#endWaiters.splice(i, 1);
          reject(signal.reason);
        },
      };
      this.#endWaiters.push(waiter);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    });
  }

  heardMs(segmentId: number): number {
    const seg = this.#segments.get(segmentId);
    if (seg === undefined) return 0;
    return Math.max(0, seg.sentMs - Math.max(0, seg.lastPlayEndMs - this.#now()));
  }

  queuedMs(segmentId: number): number {
    return this.#segments.get(segmentId)?.queuedMs ?? 0;
  }

  clear(): void {
    const now = this.#now();
    this.#queue.clear();
    for (const job of this.#jobs.splice(0)) {
      job.signal.removeEventListener('abort', job.onAbort);
      job.resolve(); // accepted and dropped: the caller asked for silence
    }
    this.#sink.stopAudio();
    // What was sent but not yet played is now never heard.
    for (const seg of this.#segments.values()) {
      if (seg.lastPlayEndMs > now) {
        seg.sentMs -= seg.lastPlayEndMs - now;
        seg.lastPlayEndMs = now;
      }
    }
    this.#playEndMs = Math.min(this.#playEndMs, now);
    this.#resolveEnded(now, true);
    this.#updateSpeaking(now);
  }

  /**
   * Sends what is due, resolves finished segments, wakes waiting writers. Called by the gateway
   * tick and on socket drain; allocation-free when idle.
   */
  service(now: number): void {
    if (this.#closed) return;
    if (this.#jobs.length > 0) this.#feed();
    const queue = this.#queue;
    for (let seg = queue.headOwner(); seg !== undefined; seg = queue.headOwner()) {
      if (seg.dropped) {
        queue.pop();
        continue;
      }
      const view = queue.headPcm();
      const durMs = (view.length * 1000) / this.#carrierRateHz;
      if (this.leadAt(now) + durMs > this.#leadMs || this.#sink.congested()) break;
      if (this.#answeredTurn !== seg.turnId) {
        this.#answeredTurn = seg.turnId;
        this.#sink.firstAudio(seg.turnId, now);
      }
      this.#sink.sendAudio(view);
      const start = Math.max(now, this.#playEndMs);
      this.#playEndMs = start + durMs;
      this.#sink.reference(view, start);
      seg.sentMs += durMs;
      seg.lastPlayEndMs = this.#playEndMs;
      queue.pop();
    }
    if (this.#jobs.length > 0) this.#feed();
    if (this.#endWaiters.length > 0) this.#resolveEnded(now, false);
    this.#updateSpeaking(now);
  }

  /** Ends the pacer with the call: pending writes and waits reject with `error`. Idempotent. */
  close(error: Error = new CallClosedError(this.#callId, 'closed')): void {
    if (this.#closed) return;
    this.#closed = error;
    this.#unwatchTurn();
    for (const job of this.#jobs.splice(0)) {
      job.signal.removeEventListener('abort', job.onAbort);
      job.reject(error);
    }
    for (const w of this.#endWaiters.splice(0)) {
      w.signal.removeEventListener('abort', w.onAbort);
      w.reject(error);
    }
    this.#queue.clear();
    this.#speaking = false;
  }

  #segment(tag: SegmentTag): Segment {
    let seg = this.#segments.get(tag.segmentId);
    if (seg === undefined) {
      seg = { id: tag.segmentId, turnId: tag.turnId, queuedMs: 0, sentMs: 0, lastPlayEndMs: 0, queuedFrames: 0, ended: false, dropped: false };
      this.#segments.set(tag.segmentId, seg);
      if (this.#segments.size > MAX_SEGMENTS) {
        for (const [id, old] of this.#segments) {
          if (old.queuedFrames === 0 && (old.ended || old.dropped)) {
            this.#segments.delete(id);
            break;
          }
        }
      }
    }
    return seg;
  }

  /** Watches the current turn's signal: its abort drops the turn's queued audio. */
  #watchTurn(turnId: string, signal: AbortSignal): void {
    if (this.#turn?.id === turnId && this.#turn.signal === signal) return;
    this.#unwatchTurn();
    const onAbort = () => this.#dropTurn(turnId, signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.#turn = { id: turnId, signal, onAbort };
  }

  #unwatchTurn(): void {
    if (this.#turn) this.#turn.signal.removeEventListener('abort', this.#turn.onAbort);
    this.#turn = undefined;
  }

  #dropTurn(turnId: string, reason: unknown): void {
    for (const seg of this.#segments.values()) {
      if (seg.turnId !== turnId) continue;
      seg.dropped = true;
      this.#queue.dropPartialOf(seg);
    }
    for (let i = this.#jobs.length - 1; i >= 0; i--) {
      const job = this.#jobs[i] as WriteJob;
      if (job.seg.turnId !== turnId) continue;
      this.#jobs.splice(i, 1);
      job.signal.removeEventListener('abort', job.onAbort);
      job.reject(reason);
    }
    this.service(this.#now());
  }

  /** Moves waiting writes into the queue, in order, as far as room allows. */
  #feed(): void {
    const up = this.#resampler.up;
    const down = this.#resampler.down;
    while (this.#jobs.length > 0) {
      const job = this.#jobs[0] as WriteJob;
      while (job.offset < job.pcm.length) {
        const room = Math.min(this.#queue.freeSamples(), this.#scratch.length) - 2;
        const take = Math.min(job.pcm.length - job.offset, Math.floor((room * down) / up));
        if (take <= 0) return;
        const n = this.#resampler.process(job.pcm, this.#scratch, job.offset, job.offset + take);
        this.#queue.append(this.#scratch, job.seg, n);
        job.offset += take;
      }
      this.#jobs.shift();
      job.signal.removeEventListener('abort', job.onAbort);
      if (job.seg.ended) this.#commitPartialOf(job.seg);
      job.resolve();
    }
  }

  /** Commits `seg`'s partial frame once no write of it is still waiting. */
  #commitPartialOf(seg: Segment): void {
    if (this.#queue.filling === seg && !this.#jobs.some((j) => j.seg === seg)) this.#queue.commitPartial();
  }

  #segmentDone(seg: Segment, now: number): boolean {
    if (seg.dropped) return true;
    if (seg.queuedFrames > 0 || this.#queue.filling === seg) return false;
    if (this.#jobs.some((j) => j.seg === seg)) return false;
    return now >= seg.lastPlayEndMs;
  }

  #resolveEnded(now: number, all: boolean): void {
    for (let i = this.#endWaiters.length - 1; i >= 0; i--) {
      const w = this.#endWaiters[i] as EndWaiter;
      if (!all && !this.#segmentDone(w.seg, now)) continue;
      this.#endWaiters.splice(i, 1);
      w.signal.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  }

  #updateSpeaking(now: number): void {
    const speaking = this.#queue.count > 0 || this.#queue.fillSamples > 0 || this.#jobs.length > 0 || this.#playEndMs > now;
    if (speaking === this.#speaking) return;
    this.#speaking = speaking;
    this.#sink.speakingChanged(speaking, now);
  }
}
