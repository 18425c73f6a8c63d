import { describe, expect, it } from 'vitest';
import { FrameAssembler } from './frame-assembler.ts';

describe('FrameAssembler', () => {
  it('turns pieces of any size into whole frames, silent only if all pieces were', () => {
    const a = new FrameAssembler(4);
    const out: Array<[number[], boolean]> = [];
    const emit = (f: Int16Array, s: boolean) => out.push([Array.from(f), s]);
    a.push(new Int16Array([1, 2, 3]), true, emit);
    expect(out).toEqual([]);
    a.push(new Int16Array([4, 5, 6, 7, 8, 9, 10]), false, emit);
    a.push(new Int16Array([11, 12]), true, emit);
    expect(out).toEqual([
      [[1, 2, 3, 4], false],
      [[5, 6, 7, 8], false],
      [[9, 10, 11, 12], false],
    ]);
    a.push(new Int16Array([0, 0, 0, 0]), true, emit);
    expect(out.at(-1)).toEqual([[0, 0, 0, 0], true]);
    a.resize(2);
    a.push(new Int16Array([7, 8]), false, emit);
    expect(out.at(-1)).toEqual([[7, 8], false]);
  });
});
