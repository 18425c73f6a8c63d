import { describe, expect, it } from 'vitest';
import { Resampler } from './polyphase.ts';

const AMPLITUDE = 16000;

function tone(freqHz: number, rateHz: number, seconds: number): Int16Array {
  const out = new Int16Array(Math.round(rateHz * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(AMPLITUDE * Math.sin((2 * Math.PI * freqHz * i) / rateHz));
  return out;
}

function resampleAll(r: Resampler, input: Int16Array, chunk: number): Int16Array {
  const out = new Int16Array(r.maxOutputLength(input.length) + 64);
  const scratch = new Int16Array(r.maxOutputLength(chunk));
  let n = 0;
  for (let i = 0; i < input.length; i += chunk) {
    const w = r.process(input.subarray(i, Math.min(input.length, i + chunk)), scratch);
    out.set(scratch.subarray(0, w), n);
    n += w;
  }
  return out.subarray(0, n);
}

/** Amplitude of the component at `freqHz` (Hann-windowed single DFT bin, skipping the filter's start-up). */
function amplitudeAt(signal: Int16Array, freqHz: number, rateHz: number): number {
  const start = Math.round(rateHz * 0.05);
  const n = signal.length - start;
  let re = 0;
  let im = 0;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const x = (signal[start + i] as number) * w;
    const ph = (2 * Math.PI * freqHz * (start + i)) / rateHz;
    re += x * Math.cos(ph);
    im -= x * Math.sin(ph);
    wsum += w;
  }
  return (2 * Math.hypot(re, im)) / wsum;
}

function rms(signal: Int16Array, skip: number): number {
  let acc = 0;
  for (let i = skip; i < signal.length; i++) acc += (signal[i] as number) ** 2;
  return Math.sqrt(acc / Math.max(1, signal.length - skip));
}

const db = (ratio: number) => 20 * Math.log10(ratio);
const PAIRS: Array<[number, number]> = [
  [8000, 16000],
  [16000, 8000],
  [16000, 24000],
  [24000, 16000],
  [8000, 24000],
  [24000, 8000],
];

describe('Resampler frequency response', () => {
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}: pass-band tones keep their level within 0.5 dB`, () => {
      const lowNyquist = Math.min(from, to) / 2;
      for (const f of [300, 1000, 0.5 * lowNyquist, 0.85 * lowNyquist]) {
        const out = resampleAll(new Resampler(from, to), tone(f, from, 0.5), 320);
        expect(Math.abs(db(amplitudeAt(out, f, to) / AMPLITUDE))).toBeLessThan(0.5);
      }
    });
  }

  for (const [from, to] of PAIRS.filter(([a, b]) => a > b)) {
    it(`${from} → ${to}: tones above the output's Nyquist frequency are rejected by ≥ 50 dB`, () => {
      for (const f of [1.05 * (to / 2), 1.3 * (to / 2), 0.95 * (from / 2)]) {
        const out = resampleAll(new Resampler(from, to), tone(f, from, 0.5), 320);
        const inputRms = AMPLITUDE / Math.SQRT2;
        expect(db(rms(out, Math.round(to * 0.05)) / inputRms)).toBeLessThan(-50);
      }
    });
  }

  for (const [from, to] of PAIRS.filter(([a, b]) => a < b)) {
    it(`${from} → ${to}: upsampling images are rejected by ≥ 50 dB`, () => {
      for (const f of [500, 1000, 0.8 * (from / 2)]) {
        const out = resampleAll(new Resampler(from, to), tone(f, from, 0.5), 160);
        for (const image of [from - f, from + f]) {
          if (image >= to / 2) continue;
          expect(db(amplitudeAt(out, image, to) / AMPLITUDE)).toBeLessThan(-50);
        }
      }
    });
  }
});

describe('Resampler streaming', () => {
  it('gives the same output whatever the chunk size (state carries across frames)', () => {
    const input = new Int16Array(8000);
    for (let i = 0; i < input.length; i++) input[i] = Math.round(8000 * Math.sin(i * 0.05) + 3000 * Math.sin(i * 0.71));
    for (const [from, to] of PAIRS) {
      const whole = resampleAll(new Resampler(from, to), input, input.length);
      for (const chunk of [1, 7, 160, 333]) {
        expect(Array.from(resampleAll(new Resampler(from, to), input, chunk))).toEqual(Array.from(whole));
      }
    }
  });

  it('turns 20 ms in into 20 ms out, frame after frame', () => {
    const r = new Resampler(8000, 16000);
    const out = new Int16Array(r.maxOutputLength(160));
    for (let i = 0; i < 10; i++) expect(r.process(new Int16Array(160), out)).toBe(320);
    const down = new Resampler(24000, 16000);
    const out2 = new Int16Array(down.maxOutputLength(480));
    let total = 0;
    for (let i = 0; i < 10; i++) total += down.process(new Int16Array(480), out2);
    expect(total).toBe(3200);
  });

  it('copies when the rates are equal and resets its state', () => {
    const same = new Resampler(16000, 16000);
    const out = new Int16Array(4);
    expect(same.process(new Int16Array([1, 2, 3, 4]), out)).toBe(4);
    expect(Array.from(out)).toEqual([1, 2, 3, 4]);
    const r = new Resampler(16000, 8000);
    const buf = new Int16Array(r.maxOutputLength(320));
    const first = new Int16Array(r.process(tone(440, 16000, 0.02), buf));
    first.set(buf.subarray(0, first.length));
    r.process(tone(1000, 16000, 0.02), buf);
    r.reset();
    const again = new Int16Array(r.process(tone(440, 16000, 0.02), buf));
    again.set(buf.subarray(0, again.length));
    expect(Array.from(again)).toEqual(Array.from(first));
  });

  it('resamples a range of its input exactly as a view of that range', () => {
    const input = tone(440, 16000, 0.1);
    const viaView = new Resampler(16000, 24000);
    const viaRange = new Resampler(16000, 24000);
    const a = new Int16Array(viaView.maxOutputLength(160));
    const b = new Int16Array(viaRange.maxOutputLength(160));
    for (let i = 0; i < input.length; i += 160) {
      const n = viaView.process(input.subarray(i, i + 160), a);
      expect(viaRange.process(input, b, i, i + 160)).toBe(n);
      expect(Array.from(b.subarray(0, n))).toEqual(Array.from(a.subarray(0, n)));
    }
    const same = new Resampler(16000, 16000);
    const out = new Int16Array(2);
    expect(same.process(new Int16Array([1, 2, 3, 4]), out, 1, 3)).toBe(2);
    expect(Array.from(out)).toEqual([2, 3]);
    expect(() => same.process(new Int16Array(4), out, 3, 5)).toThrow(RangeError);
    expect(() => same.process(new Int16Array(4), out, 2, 1)).toThrow(RangeError);
  });

  it('refuses bad rates and short outputs', () => {
    expect(() => new Resampler(0, 16000)).toThrow(RangeError);
    expect(() => new Resampler(16000, 16000.5)).toThrow(RangeError);
    expect(() => new Resampler(8000, 16000).process(new Int16Array(160), new Int16Array(100))).toThrow(RangeError);
  });
});
