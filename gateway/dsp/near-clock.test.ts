import { describe, expect, it } from 'vitest';
import { NearClock } from './near-clock.ts';

/** Deterministic pseudo-random lateness in [0, max) ms, whole ms like the real arrival stamps. */
function jitter(seed: number, max: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return Math.floor((s / 2 ** 32) * max);
  };
}

describe('NearClock', () => {
  it('steps exactly 20 ms per frame whatever the arrival jitter', () => {
    const clock = new NearClock();
    const late = jitter(1, 8);
    const starts: number[] = [];
    for (let k = 0; k < 500; k++) starts.push(clock.next(1000 + 20 * k + late()));
    // After the anchor settles on the earliest arrival, every step is exactly one frame.
    const settled = starts.slice(100);
    for (let i = 1; i < settled.length; i++) expect((settled[i] as number) - (settled[i - 1] as number)).toBe(20);
    // Anchored on time (within the 2 ms dead band) and one frame before the arrival.
    expect(settled[0] as number).toBeGreaterThanOrEqual(1000 + 20 * 100 - 20);
    expect(settled[0] as number).toBeLessThanOrEqual(1000 + 20 * 100 - 20 + 2);
    expect(clock.reanchors).toBeLessThan(5);
  });

  it('moves earlier when the first frames came in late', () => {
    const clock = new NearClock();
    expect(clock.next(1050)).toBe(1030); // first frame 50 ms late
    for (let k = 1; k < 10; k++) clock.next(1000 + 20 * k);
    expect(clock.next(1000 + 20 * 10)).toBe(1000 + 20 * 9);
    expect(clock.reanchors).toBe(1);
  });

  it('ignores a single late frame but follows a gap in the caller stream after a window', () => {
    const clock = new NearClock();
    for (let k = 0; k < 100; k++) clock.next(20 * k);
    // One frame 30 ms late among on-time ones: jitter, the cursor does not move.
    expect(clock.next(20 * 100 + 30)).toBe(20 * 99);
    for (let k = 101; k < 300; k++) expect(clock.next(20 * k)).toBe(20 * k - 20);
    expect(clock.reanchors).toBe(0);
    // From here on every frame is 200 ms later than the stream so far (frames lost upstream).
    let last = 0;
    for (let k = 300; k < 500; k++) last = clock.next(20 * k + 200);
    expect(last).toBe(20 * 499 + 200 - 20);
    expect(clock.reanchors).toBe(1);
  });
});
