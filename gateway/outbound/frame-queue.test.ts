import { describe, expect, it } from 'vitest';
import { FrameQueue } from './frame-queue.ts';

const ramp = (n: number, from: number) => Int16Array.from({ length: n }, (_, i) => from + i);

describe('FrameQueue', () => {
  it('cuts appended audio into frames in order, a short frame where the owner changes', () => {
    const a = { queuedFrames: 0 };
    const b = { queuedFrames: 0 };
    const q = new FrameQueue<typeof a>(8, 4);
    q.append(ramp(3, 0), a);
    q.append(ramp(10, 3), a, 6); // only the first 6 samples: 3..8
    q.append(ramp(5, 100), b); // a's partial frame [8] is committed short first
    const frames: Array<[number[], typeof a | undefined]> = [];
    for (let owner = q.headOwner(); owner !== undefined; owner = q.headOwner()) {
      frames.push([Array.from(q.headPcm()), owner]);
      q.pop();
    }
    expect(frames).toEqual([
      [[0, 1, 2, 3], a],
      [[4, 5, 6, 7], a],
      [[8], a],
      [[100, 101, 102, 103], b],
    ]);
    expect(q.fillSamples).toBe(1); // 104 still filling
    expect(a.queuedFrames + b.queuedFrames).toBe(0);
  });

  it('reuses its ring: frames read after wrapping around hold the new audio', () => {
    const o = { queuedFrames: 0 };
    const q = new FrameQueue<typeof o>(2, 3);
    for (let round = 0; round < 3; round++) {
      q.append(ramp(6, round * 10), o);
      expect(q.freeSamples()).toBe(0);
      expect(Array.from(q.headPcm())).toEqual([round * 10, round * 10 + 1, round * 10 + 2]);
      q.pop();
      expect(Array.from(q.headPcm())).toEqual([round * 10 + 3, round * 10 + 4, round * 10 + 5]);
      q.pop();
    }
  });
});
