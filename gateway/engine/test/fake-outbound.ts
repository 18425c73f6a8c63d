/**
 * An outbound audio queue for engine tests that plays out on a manual clock: `play(ms)` moves
 * the playout position, `heardMs` follows it, `endSegment` resolves when a segment's last sample
 * has been played. With `autoPlay`, everything written counts as heard at once.
 */
import type { OutboundAudio, SegmentTag } from '../../call/engine-port.ts';

interface Segment {
  readonly turnId: string;
  queued: number;
  heard: number;
  ended: boolean;
  readonly waiters: Array<() => void>;
}

/** One write, as seen by the carrier. */
export interface OutboundWrite {
  readonly turnId: string;
  readonly segmentId: number;
  readonly samples: number;
  readonly atMs: number;
  readonly peak: number;
}

export class FakeOutbound implements OutboundAudio {
  readonly sampleRateHz: number;
  readonly writes: OutboundWrite[] = [];
  readonly #segments = new Map<number, Segment>();
  readonly #order: number[] = [];
  clears = 0;

  constructor(
    readonly now: () => number,
    public autoPlay = true,
    sampleRateHz = 16000,
  ) {
    this.sampleRateHz = sampleRateHz;
  }

  write(pcm: Int16Array, tag: SegmentTag, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const seg = this.#segment(tag);
    seg.queued += pcm.length;
    if (this.autoPlay) seg.heard = seg.queued;
    let peak = 0;
    for (const v of pcm) peak = Math.max(peak, Math.abs(v));
    this.writes.push({ turnId: tag.turnId, segmentId: tag.segmentId, samples: pcm.length, atMs: this.now(), peak });
    return Promise.resolve();
  }

  endSegment(tag: SegmentTag, signal: AbortSignal): Promise<void> {
    const seg = this.#segment(tag);
    seg.ended = true;
    if (seg.heard >= seg.queued) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      seg.waiters.push(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  heardMs(segmentId: number): number {
    return ((this.#segments.get(segmentId)?.heard ?? 0) / this.sampleRateHz) * 1000;
  }

  queuedMs(segmentId: number): number {
    return ((this.#segments.get(segmentId)?.queued ?? 0) / this.sampleRateHz) * 1000;
  }

  clear(): void {
    this.clears++;
    for (const seg of this.#segments.values()) seg.queued = seg.heard;
  }

  get speaking(): boolean {
    for (const seg of this.#segments.values()) if (seg.heard < seg.queued) return true;
    return false;
  }

  /** Milliseconds of audio queued and not yet played. */
  get backlogMs(): number {
    let n = 0;
    for (const seg of this.#segments.values()) n += seg.queued - seg.heard;
    return (n / this.sampleRateHz) * 1000;
  }

  /** Plays `ms` of queued audio in write order. */
  play(ms: number): void {
    let samples = Math.round((ms / 1000) * this.sampleRateHz);
    for (const id of this.#order) {
      if (samples <= 0) break;
      const seg = this.#segments.get(id) as Segment;
      const n = Math.min(samples, seg.queued - seg.heard);
      seg.heard += n;
      samples -= n;
      if (seg.ended && seg.heard >= seg.queued) for (const w of seg.waiters.splice(0)) w();
    }
  }

  /** Total milliseconds written for a turn. */
  writtenMs(turnId: string): number {
    return (this.writes.filter((w) => w.turnId === turnId).reduce((n, w) => n + w.samples, 0) / this.sampleRateHz) * 1000;
  }

  #segment(tag: SegmentTag): Segment {
    let seg = this.#segments.get(tag.segmentId);
    if (seg === undefined) {
      seg = { turnId: tag.turnId, queued: 0, heard: 0, ended: false, waiters: [] };
      this.#segments.set(tag.segmentId, seg);
      this.#order.push(tag.segmentId);
    }
    return seg;
  }
}
