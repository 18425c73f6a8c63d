import { describe, expect, it } from 'vitest';
import { FarTimeline } from './far-timeline.ts';

const ramp = (n: number, from: number) => new Int16Array(n).map((_, i) => from + i);

describe('FarTimeline', () => {
  it('lays frames on the call clock and reads any span back, silence where nothing played', () => {
    const t = new FarTimeline();
    t.write(ramp(320, 1), 1000); // samples 1000..1319
    t.write(ramp(320, 321), 1320); // contiguous
    const out = new Int16Array(400);
    t.read(out, 900);
    expect(out[99]).toBe(0);
    expect(out[100]).toBe(1);
    expect(out[399]).toBe(300);
    t.read(out, 1500);
    expect(out[0]).toBe(501);
    expect(out[139]).toBe(640);
    expect(out[140]).toBe(0); // past the end of what was played
  });

  it('lays only the given prefix of a reused buffer', () => {
    const t = new FarTimeline();
    const buf = ramp(400, 1);
    t.write(buf, 1000, 320);
    const out = new Int16Array(400);
    t.read(out, 1000);
    expect(out[319]).toBe(320);
    expect(out[320]).toBe(0);
  });

  it('snaps a frame starting within 1 ms of the previous end onto it, and forgets old audio after wrapping', () => {
    const t = new FarTimeline();
    t.write(ramp(320, 1), 0);
    t.write(ramp(320, 321), 330); // 10 samples late: continues at 320
    const out = new Int16Array(640);
    t.read(out, 0);
    expect(Array.from(out.subarray(318, 322))).toEqual([319, 320, 321, 322]);
    t.write(ramp(160, 7), 16_000 + 0); // 1 s later: same ring slot as sample 0
    t.read(out, 0);
    expect(out[0]).toBe(0); // the old block is not mistaken for it
  });

  it('does not count a reference that ended: the agent stopped, the caller frames go on', () => {
    const t = new FarTimeline();
    const out = new Int16Array(320);
    expect(t.write(ramp(320, 1), 16_000)).toBe(0);
    // Caller frames (read contiguously, as the near clock does) run on past the agent's audio.
    for (let at = 15_680; at < 40_000; at += 320) t.read(out, at);
    // The agent's next answer is laid down ahead of the caller frames: nothing of it is late.
    expect(t.write(ramp(320, 1), 40_320)).toBe(0);
  });

  it('reports late samples when the reference for an already read frame arrives afterwards', () => {
    const t = new FarTimeline();
    const out = new Int16Array(320);
    t.write(ramp(320, 1), 0);
    t.read(out, 320); // the frame after: nothing laid down for it yet
    expect(t.write(ramp(320, 321), 320)).toBe(320); // its audio arrives only now
    expect(t.write(ramp(320, 641), 640)).toBe(0); // the next one in time
    t.read(out, 640);
    expect(out[0]).toBe(641);
  });

  it('keeps audio laid down 760 ms ahead of the frame being read (pacer lead + input ring + one frame)', () => {
    const t = new FarTimeline();
    const start = 50_000;
    // Agent audio sent up to 100 ms ahead while the DSP thread works through 640 ms of caller frames.
    for (let at = start; at < start + 16 * 780; at += 320) t.write(ramp(320, (at - start) / 16 + 1), at);
    const out = new Int16Array(320);
    t.read(out, start);
    expect(out[0]).toBe(1);
    expect(out[319]).toBe(320);
  });
});
