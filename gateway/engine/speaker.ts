/**
 * The speech of one turn: pieces of text go to TTS as soon as they are known (synthesis runs
 * ahead, in parallel), and their audio goes to the outbound queue strictly in order, one segment
 * per piece. A gated speaker (speculative turn) synthesizes but holds audio until `release()`.
 * Aborting the turn's signal stops synthesis and writing at once. Afterwards `heard()` says how
 * much of each piece the caller actually heard, from the outbound playout clock.
 */
import type { Style } from '../../control/contract/index.ts';
import type { OutboundAudio, SegmentTag } from '../call/engine-port.ts';
import type { TtsProvider, TtsVoice } from '../providers/tts/index.ts';
import type { EngineLogger } from './logger.ts';

/** What a piece is: model text, a tool's spoken line, a filler, or a configured phrase. */
export type PieceKind = 'answer' | 'tool' | 'filler' | 'phrase';

/** Audio of one piece, buffered between synthesis and the writer. */
interface PieceAudio {
  readonly chunks: Int16Array[];
  /** Samples in `chunks`. */
  samples: number;
  done: boolean;
  failed: boolean;
  /** Synthesis waiting for the writer to take audio (the piece holds its bound). */
  room: (() => void) | undefined;
}

/** One spoken piece. */
export interface SpokenPiece {
  readonly text: string;
  readonly style: Style;
  readonly kind: PieceKind;
  /** LLM round of the turn it belongs to (0 for phrases). */
  readonly round: number;
  readonly segmentId: number;
  /** Samples written to outbound so far. */
  writtenSamples: number;
  readonly audio: PieceAudio;
}

export interface SpeakerDeps {
  readonly tts: TtsProvider;
  readonly outbound: OutboundAudio;
  readonly now: () => number;
  readonly log: EngineLogger;
  readonly nextSegmentId: () => number;
  /** First audio of the turn handed to outbound (answer latency ends here). */
  readonly onFirstWrite?: (atMs: number, piece: SpokenPiece) => void;
  /** Time to first audio byte of the turn's first synthesized piece. */
  readonly onTtsFirstByte?: (ms: number) => void;
}

/** Share of a sentence's audio that may be missed and still count as heard (trailing silence of TTS). */
const HEARD_TOLERANCE_MS = 40;
/** Estimate of speech length per character while synthesis of a cut piece was still running. */
const MS_PER_CHAR_ESTIMATE = 65;
/** Pieces synthesized at once: the next two sentences are ready before they are due, without a request per sentence of a long answer. */
const MAX_PARALLEL_SYNTHESIS = 3;
/**
 * Audio a piece holds ahead of the writer (ms). Beyond it, synthesis stops reading the TTS stream
 * until the writer catches up: the rest waits in the provider's socket or queue, not in per-call
 * buffers that would hold a long answer's whole audio. TTS faster than real time refills the lead
 * long before it is played out.
 */
const MAX_AHEAD_MS = 1000;
/**
 * Audio a piece the writer has not reached yet holds (ms): enough to start it without a gap (its
 * synthesis reads on the moment the writer takes from it, with the next audio already waiting in
 * the socket or the provider's queue), instead of a second of audio per sentence waiting its turn.
 */
const QUEUED_AHEAD_MS = 200;

export class Speaker {
  readonly pieces: SpokenPiece[] = [];
  readonly #deps: SpeakerDeps;
  readonly #signal: AbortSignal;
  #gated: boolean;
  #ended = false;
  #wake: (() => void) | undefined;
  #firstWrite = false;
  #firstByteReported = false;
  /** The piece the writer is on (its synthesis may run the full lead ahead). */
  #writing: SpokenPiece | undefined;
  readonly #done: Promise<void>;

  constructor(
    deps: SpeakerDeps,
    readonly turnId: string,
    signal: AbortSignal,
    options: { gated?: boolean } = {},
  ) {
    this.#deps = deps;
    this.#signal = signal;
    this.#gated = options.gated ?? false;
    signal.addEventListener(
      'abort',
      () => {
        this.#notify();
        for (const piece of this.pieces) this.#makeRoom(piece);
      },
      { once: true },
    );
    this.#done = this.#run();
    // The writer's failure surfaces through `finish()`; never as an unhandled rejection.
    this.#done.catch(() => undefined);
  }

  /** True once audio of this turn has been handed to outbound. */
  get started(): boolean {
    return this.#firstWrite;
  }

  /** True if any piece of these kinds was queued. */
  has(...kinds: PieceKind[]): boolean {
    return this.pieces.some((p) => kinds.includes(p.kind));
  }

  /** Queues a piece; its synthesis starts now. Empty text is ignored. */
  say(text: string, o: { style: Style; voice: TtsVoice; rate: number; kind: PieceKind; round?: number }): SpokenPiece | undefined {
    if (this.#ended || this.#signal.aborted || text.trim() === '') return undefined;
    const piece: SpokenPiece = { text, style: o.style, kind: o.kind, round: o.round ?? 0, segmentId: this.#deps.nextSegmentId(), writtenSamples: 0, audio: { chunks: [], samples: 0, done: false, failed: false, room: undefined } };
    this.pieces.push(piece);
    this.#waiting.push(() => this.#synthesize(piece, o.voice, o.rate));
    this.#startSynthesis();
    this.#notify();
    return piece;
  }

  readonly #waiting: Array<() => Promise<void>> = [];
  #synthesizing = 0;

  /** Starts queued syntheses, in order, up to the parallel bound. */
  #startSynthesis(): void {
    if (this.#signal.aborted) this.#waiting.length = 0;
    while (this.#synthesizing < MAX_PARALLEL_SYNTHESIS && this.#waiting.length > 0) {
      const next = this.#waiting.shift() as () => Promise<void>;
      this.#synthesizing++;
      void next().finally(() => {
        this.#synthesizing--;
        this.#startSynthesis();
      });
    }
  }

  /** Lets held audio out (speculative turn confirmed). */
  release(): void {
    this.#gated = false;
    this.#notify();
  }

  /** No more pieces: resolves once every piece has been played out; rejects with the abort reason. */
  finish(): Promise<void> {
    this.#ended = true;
    this.#notify();
    return this.#done;
  }

  /** What the caller heard of a piece: its full text, a proportional prefix by words, or nothing. */
  heard(piece: SpokenPiece): { text: string; complete: boolean } {
    const rate = this.#deps.outbound.sampleRateHz;
    const writtenMs = (piece.writtenSamples / rate) * 1000;
    const heardMs = this.#deps.outbound.heardMs(piece.segmentId);
    const fullyWritten = piece.audio.done && !piece.audio.failed && piece.audio.chunks.length === 0;
    if (writtenMs > 0 && fullyWritten && heardMs >= writtenMs - HEARD_TOLERANCE_MS) return { text: piece.text, complete: true };
    if (heardMs <= 0) return { text: '', complete: false };
    const totalMs = fullyWritten ? writtenMs : Math.max(writtenMs, piece.text.length * MS_PER_CHAR_ESTIMATE);
    const words = piece.text.split(/\s+/).filter((w) => w !== '');
    const n = Math.floor(words.length * Math.min(1, heardMs / totalMs));
    return { text: words.slice(0, n).join(' '), complete: false };
  }

  async #synthesize(piece: SpokenPiece, voice: TtsVoice, rate: number): Promise<void> {
    const startedAt = this.#deps.now();
    const maxAhead = (this.#deps.outbound.sampleRateHz * MAX_AHEAD_MS) / 1000;
    const maxQueued = (this.#deps.outbound.sampleRateHz * QUEUED_AHEAD_MS) / 1000;
    try {
      for await (const chunk of this.#deps.tts.synthesize({ text: piece.text, voice, style: piece.style, rate, sampleRateHz: this.#deps.outbound.sampleRateHz }, this.#signal)) {
        if (!this.#firstByteReported) {
          this.#firstByteReported = true;
          this.#deps.onTtsFirstByte?.(this.#deps.now() - startedAt);
        }
        piece.audio.chunks.push(chunk);
        piece.audio.samples += chunk.length;
        this.#notify();
        // Woken when the writer takes audio of this piece (it is then the writer's, with the full lead).
        const bound = piece === this.#writing ? maxAhead : maxQueued;
        if (piece.audio.samples >= bound && !this.#signal.aborted) await new Promise<void>((resolve) => (piece.audio.room = resolve));
      }
    } catch (error) {
      piece.audio.failed = true;
      if (!this.#signal.aborted) this.#deps.log.error({ err: error, tts: this.#deps.tts.name }, 'speech synthesis failed; piece skipped');
    } finally {
      piece.audio.done = true;
      this.#notify();
    }
  }

  /** The writer: pieces in order, each piece's chunks in order, then its segment end. */
  async #run(): Promise<void> {
    const played: Promise<void>[] = [];
    for (let i = 0; ; i++) {
      while (i >= this.pieces.length || this.#gated) {
        if (this.#ended && i >= this.pieces.length) {
          await Promise.all(played);
          // A barge-in clears outbound (which ends pending segments) just before it aborts the turn.
          if (this.#signal.aborted) throw this.#signal.reason;
          return;
        }
        await this.#change();
      }
      const piece = this.pieces[i] as SpokenPiece;
      this.#writing = piece;
      const tag: SegmentTag = { turnId: this.turnId, segmentId: piece.segmentId };
      for (;;) {
        const chunk = piece.audio.chunks.shift();
        if (chunk !== undefined) {
          piece.audio.samples -= chunk.length;
          this.#makeRoom(piece);
          await this.#write(chunk, tag, piece);
          continue;
        }
        if (piece.audio.done) break;
        await this.#change();
      }
      if (piece.writtenSamples > 0) {
        const p = this.#deps.outbound.endSegment(tag, this.#signal);
        // Rejects on abort while the writer may be elsewhere: handled here, surfaced through finish().
        p.catch(() => undefined);
        played.push(p);
      }
    }
  }

  async #write(chunk: Int16Array, tag: SegmentTag, piece: SpokenPiece): Promise<void> {
    if (!this.#firstWrite) {
      this.#firstWrite = true;
      this.#deps.onFirstWrite?.(this.#deps.now(), piece);
    }
    await this.#deps.outbound.write(chunk, tag, this.#signal);
    piece.writtenSamples += chunk.length;
  }

  /** Lets a piece's synthesis read on (the writer took audio, or the turn was aborted). */
  #makeRoom(piece: SpokenPiece): void {
    const room = piece.audio.room;
    piece.audio.room = undefined;
    room?.();
  }

  #change(): Promise<void> {
    if (this.#signal.aborted) return Promise.reject(this.#signal.reason);
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    }).then(() => {
      if (this.#signal.aborted) throw this.#signal.reason;
    });
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
