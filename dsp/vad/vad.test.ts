import { describe, expect, it } from 'vitest';
import { VadChange, VadHysteresis } from './hysteresis.ts';
import { SILERO_INPUT_SAMPLES, SileroWindower } from './silero-window.ts';

describe('SileroWindower', () => {
  it('turns 20 ms frames into 512-sample windows with 64 samples of context', () => {
    const w = new SileroWindower();
    const out = new Float32Array(SILERO_INPUT_SAMPLES * 2);
    let next = 0;
    const frame = new Int16Array(320);
    for (let f = 0; f < 4; f++) {
      for (let i = 0; i < 320; i++) frame[i] = next++;
      w.push(frame, false);
    }
    expect(w.buffered).toBe(1280);
    const first = w.take(out, 0);
    expect(first.endSample).toBe(512);
    expect(out[0]).toBe(0); // no context before the first window
    expect(out[64]).toBeCloseTo(0 / 32768);
    expect(out[64 + 511]).toBeCloseTo(511 / 32768);
    w.take(out, SILERO_INPUT_SAMPLES);
    // Second row: context is samples 448..511, then 512..1023.
    expect(out[SILERO_INPUT_SAMPLES]).toBeCloseTo(448 / 32768);
    expect(out[SILERO_INPUT_SAMPLES + 63]).toBeCloseTo(511 / 32768);
    expect(out[SILERO_INPUT_SAMPLES + 64]).toBeCloseTo(512 / 32768);
    expect(w.buffered).toBe(256);
    expect(w.ready).toBe(false);
  });

  it('reports power and whether the carrier marked the whole window silent', () => {
    const w = new SileroWindower();
    const out = new Float32Array(SILERO_INPUT_SAMPLES);
    w.push(new Int16Array(320), true);
    w.push(new Int16Array(320).fill(16384), false);
    const info = w.take(out, 0);
    expect(info.carrierSilent).toBe(false);
    expect(info.power).toBeCloseTo((192 / 512) * 0.25, 5);
    w.push(new Int16Array(320), true);
    w.push(new Int16Array(320), true);
    expect(w.take(out, 0).carrierSilent).toBe(false); // 128 samples of the loud frame remain
    w.push(new Int16Array(320), true);
    expect(w.take(out, 0).carrierSilent).toBe(true);
    expect(() => {
      for (let i = 0; i < 10; i++) w.push(new Int16Array(320), true);
    }).toThrow(RangeError);
  });
});

/** Feeds probabilities, one per 32 ms window, and returns the changes with their times. */
function run(h: VadHysteresis, probs: number[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  probs.forEach((p, i) => {
    const change = h.update(p, i * 32, (i + 1) * 32);
    if (change === VadChange.Start) out.push(['start', h.onsetMs]);
    if (change === VadChange.End) out.push(['end', h.lastVoicedMs]);
  });
  return out;
}

describe('VadHysteresis', () => {
  it('starts after min speech at the onset of the run and ends after min silence at the last voiced window', () => {
    const h = new VadHysteresis({ threshold: 0.5, minSpeechMs: 64, minSilenceMs: 96 });
    expect(run(h, [0.1, 0.1, 0.9, 0.9, 0.9, 0.8, 0.1, 0.1, 0.1, 0.1])).toEqual([
      ['start', 64],
      ['end', 192],
    ]);
  });

  it('ignores a single loud window and keeps speech through a dip above the lower threshold', () => {
    const h = new VadHysteresis({ threshold: 0.5 });
    expect(run(h, [0.9, 0.1, 0.1, 0.1])).toEqual([]);
    h.reset();
    // 0.4 is under 0.5 but over 0.35: speech goes on.
    expect(run(h, [0.9, 0.9, 0.4, 0.4, 0.9, 0.1, 0.1, 0.1, 0.1])).toEqual([
      ['start', 0],
      ['end', 160],
    ]);
  });

  it('ends a long doubtful tail and refuses a threshold outside [0, 1]', () => {
    const h = new VadHysteresis({ threshold: 0.5, minSilenceMs: 96 });
    const changes = run(h, [0.9, 0.9, ...new Array(20).fill(0.4)]);
    expect(changes[0]).toEqual(['start', 0]);
    expect(changes[1]).toEqual(['end', 64]);
    expect(() => new VadHysteresis({ threshold: 1.5 })).toThrow(RangeError);
  });
});

describe('VadHysteresis onset', () => {
  it('starts the onset one window early on a rising edge through the band', () => {
    const h = new VadHysteresis({ threshold: 0.5 });
    expect(run(h, [0.0, 0.4, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1])).toEqual([
      ['start', 32],
      ['end', 128],
    ]);
  });
});
