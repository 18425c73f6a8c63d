import { describe, expect, it } from 'vitest';
import { FramePacer, type PacerClock } from './pacer.ts';

/** A manual clock: timers fire only when the test advances time, each `lateBy` ms late. */
class ManualClock implements PacerClock {
  t = 0;
  lateBy = 0;
  timers = new Map<number, { at: number; fn: () => void }>();
  #id = 0;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    this.timers.set(++this.#id, { at: this.t + ms + this.lateBy, fn });
    return this.#id;
  };
  clearTimeout = (h: unknown) => void this.timers.delete(h as number);
  advance(to: number): void {
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= to && (next === undefined || e[1].at < next[1].at)) next = e;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = to;
  }
}

describe('FramePacer', () => {
  it('keeps frames on start + n·20 ms even when every timer fires late', () => {
    const clock = new ManualClock();
    clock.lateBy = 3;
    const pacer = new FramePacer({ clock });
    const dues: number[] = [];
    pacer.add(0, (n, due) => dues.push(due));
    clock.advance(1000);
    // No drift: 1000 ms holds frames 0..49 whatever the timer lateness.
    expect(dues).toHaveLength(50);
    dues.forEach((due, n) => expect(due).toBe(n * 20));
    const stats = pacer.stats();
    expect(stats.frames).toBe(50);
    expect(stats.framesLate).toBe(0);
    expect(stats.maxLateMs).toBe(3);
    pacer.close();
  });

  it('catches up after a stall and counts the frames that missed their deadline', () => {
    const clock = new ManualClock();
    const pacer = new FramePacer({ clock });
    const sent: Array<[number, number]> = [];
    pacer.add(0, (n, _due, now) => {
      sent.push([n, now]);
      // The stall is over once the loop runs again.
      if (now >= 145) clock.lateBy = 0;
    });
    clock.advance(39);
    // After frame 2 (t = 40) the event loop is blocked: the next wake-up happens at 145, not 60.
    clock.lateBy = 85;
    clock.advance(200);
    expect(sent.map(([n]) => n)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Frames 3..7 (due 60..140) all went out at 145.
    expect(sent.filter(([, now]) => now === 145).map(([n]) => n)).toEqual([3, 4, 5, 6, 7]);
    // Due 60, 80, 100 and 120 were more than a frame late at 145; 140 was not.
    expect(pacer.stats().framesLate).toBe(4);
  });

  it('interleaves streams by phase and stops them independently', () => {
    const clock = new ManualClock();
    const pacer = new FramePacer({ clock });
    const order: string[] = [];
    const a = pacer.add(0, (n) => order.push(`a${n}`));
    pacer.add(10, (n) => order.push(`b${n}`));
    pacer.add(5, () => {
      throw new Error('broken stream');
    });
    clock.advance(30);
    a.stop();
    clock.advance(60);
    expect(order).toEqual(['a0', 'b0', 'a1', 'b1', 'b2']);
    expect(pacer.size).toBe(1);
    pacer.close();
    clock.advance(200);
    expect(order).toHaveLength(5);
    expect(clock.timers.size).toBe(0);
    expect(() => pacer.add(0, () => {})).toThrow(/closed/);
  });
});
