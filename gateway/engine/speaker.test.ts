import { describe, expect, it } from 'vitest';
import type { OutboundAudio, SegmentTag } from '../call/engine-port.ts';
import type { TtsProvider } from '../providers/tts/index.ts';
import { silentLogger } from './logger.ts';
import { Speaker } from './speaker.ts';

const RATE = 16000;
const CHUNK = 1600; // 100 ms
const voice = { lang: 'en-US', voice: 'test' };

/** A TTS that has every piece's audio at once (much faster than real time) and counts what was read. */
function instantTts(chunksPerPiece: number) {
  const pulled = new Map<string, number>();
  const finished = new Set<string>();
  const tts: TtsProvider = {
    name: 'instant',
    async *synthesize(request) {
      try {
        for (let i = 0; i < chunksPerPiece; i++) {
          pulled.set(request.text, i + 1);
          yield new Int16Array(CHUNK).fill(i + 1);
        }
      } finally {
        finished.add(request.text);
      }
    },
    close: async () => undefined,
  };
  return { tts, pulled, finished };
}

/** An outbound whose writes wait until `take()` accepts them: a caller hearing audio in real time. */
function heldOutbound() {
  const waiting: Array<{ pcm: Int16Array; resolve: () => void }> = [];
  const taken: Array<{ segmentId: number; first: number }> = [];
  const outbound: OutboundAudio & { take(n: number): void; waiting: number; taken: typeof taken } = {
    sampleRateHz: RATE,
    write(pcm: Int16Array, tag: SegmentTag, signal: AbortSignal) {
      if (signal.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener('abort', onAbort, { once: true });
        waiting.push({
          pcm,
          resolve: () => {
            signal.removeEventListener('abort', onAbort);
            taken.push({ segmentId: tag.segmentId, first: pcm[0] as number });
            resolve();
          },
        });
      });
    },
    endSegment: () => Promise.resolve(),
    heardMs: () => 0,
    queuedMs: () => 0,
    clear() {},
    speaking: false,
    take(n: number) {
      for (let i = 0; i < n; i++) waiting.shift()?.resolve();
    },
    get waiting() {
      return waiting.length;
    },
    taken,
  };
  return outbound;
}

/** Lets every pending promise and stream step run (event-loop turns, no timer). */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
}

/** Settles until `ok()` holds; fails if it never does. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setImmediate(r));
  if (!ok()) throw new Error(`never: ${what}`);
}

describe('Speaker', () => {
  it('reads the piece being played at most ~1 s ahead and the next ones ~200 ms, and loses nothing', async () => {
    const { tts, pulled } = instantTts(30); // 3 s of audio per piece
    const outbound = heldOutbound();
    let segment = 0;
    const speaker = new Speaker({ tts, outbound, now: () => performance.now(), log: silentLogger, nextSegmentId: () => ++segment }, 't1', new AbortController().signal);
    speaker.say('one', { style: 'none', voice, rate: 1, kind: 'answer' });
    speaker.say('two', { style: 'none', voice, rate: 1, kind: 'answer' });
    const done = speaker.finish();
    await settle();
    // The writer holds one chunk of piece one in `write` and piece one buffers at most 1 s (10
    // chunks); piece two, not reached yet, at most 200 ms (2 chunks).
    expect(pulled.get('one')).toBeLessThanOrEqual(12);
    expect(pulled.get('one')).toBeGreaterThanOrEqual(10);
    expect(pulled.get('two')).toBe(2);
    // Once the writer is on piece two, its synthesis runs the full second ahead.
    while (outbound.taken.length < 31) {
      await until(() => outbound.waiting > 0, 'a write waiting');
      outbound.take(1);
    }
    await settle();
    expect(pulled.get('two')).toBeGreaterThanOrEqual(10);
    expect(pulled.get('two')).toBeLessThanOrEqual(13);
    // The caller hears everything: synthesis reads on as the writer takes audio.
    while (outbound.taken.length < 60) {
      await until(() => outbound.waiting > 0, 'a write waiting');
      outbound.take(1);
    }
    await done;
    expect(pulled.get('one')).toBe(30);
    expect(pulled.get('two')).toBe(30);
    expect(outbound.taken.map((t) => t.segmentId)).toEqual([...Array<number>(30).fill(1), ...Array<number>(30).fill(2)]);
    expect(outbound.taken.map((t) => t.first)).toEqual([...Array.from({ length: 30 }, (_, i) => i + 1), ...Array.from({ length: 30 }, (_, i) => i + 1)]);
  });

  it('a barge-in ends syntheses that wait for room', async () => {
    const { tts, finished } = instantTts(30);
    const outbound = heldOutbound();
    const abort = new AbortController();
    let segment = 0;
    const speaker = new Speaker({ tts, outbound, now: () => performance.now(), log: silentLogger, nextSegmentId: () => ++segment }, 't1', abort.signal);
    speaker.say('one', { style: 'none', voice, rate: 1, kind: 'answer' });
    speaker.say('two', { style: 'none', voice, rate: 1, kind: 'answer' });
    const done = speaker.finish();
    await settle();
    expect(finished.size).toBe(0);
    abort.abort(new Error('barge-in'));
    await expect(done).rejects.toThrow('barge-in');
    await until(() => finished.size === 2, 'both syntheses ended');
    expect([...finished].sort()).toEqual(['one', 'two']);
  });
});
