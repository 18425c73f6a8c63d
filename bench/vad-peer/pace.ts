/** Real-time pacing: runs `step(n)` for frame n every 20 ms on an absolute schedule, catching up if late. */

/** Steps taken, and how many had to be caught up (the process was late for their deadline). */
export interface PaceResult {
  readonly steps: number;
  readonly lateSteps: number;
}

/**
 * Calls `step` once per 20 ms frame for `frames` frames; `step` may be async (awaited in order).
 * @example await paceFrames(500, async (n) => { push(n); await core.tick(); });
 */
export async function paceFrames(frames: number, step: (frame: number) => void | Promise<void>): Promise<PaceResult> {
  const start = performance.now();
  let late = 0;
  for (let n = 0; n < frames; n++) {
    const due = start + n * 20;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else if (wait < -20) late++;
    await step(n);
  }
  return { steps: frames, lateSteps: late };
}
