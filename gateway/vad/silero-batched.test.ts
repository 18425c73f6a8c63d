import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SILERO_INPUT_SAMPLES, SILERO_STATE_SIZE, SileroWindower } from '../../dsp/vad/index.ts';
import { buildFixture } from '../test/speech-fixture.ts';
import { SileroModel } from './silero-model.ts';

let original: SileroModel;
let batched: SileroModel;
beforeAll(async () => {
  original = await SileroModel.load(undefined, 'original');
  batched = await SileroModel.load(undefined, 'batched');
});
afterAll(async () => {
  await original.close();
  await batched.close();
});

describe('batch-friendly Silero graph', () => {
  it('gives the original model’s probabilities and states on real speech, row by row, state carried', async () => {
    const fx = buildFixture([300, 'Hello, I would like to report a broken laptop.', 500, 'Thanks.', 300]);
    const B = 3; // three streams at different levels, one of them silent-ish
    const gains = [1, 0.3, 0.02];
    const windowers = gains.map(() => new SileroWindower());
    const input = new Float32Array(B * SILERO_INPUT_SAMPLES);
    const states = { original: new Float32Array(2 * B * SILERO_STATE_SIZE), batched: new Float32Array(2 * B * SILERO_STATE_SIZE) };
    const next = { original: new Float32Array(2 * B * SILERO_STATE_SIZE), batched: new Float32Array(2 * B * SILERO_STATE_SIZE) };
    const probs = { original: new Float32Array(B), batched: new Float32Array(B) };
    const frame = new Int16Array(320);
    let windows = 0;
    let maxDiff = 0;
    let maxStateDiff = 0;
    let speech = 0;
    for (let f = 0; (f + 1) * 320 <= fx.pcm.length; f++) {
      gains.forEach((gain, r) => {
        for (let i = 0; i < 320; i++) frame[i] = Math.round((fx.pcm[f * 320 + i] as number) * gain);
        windowers[r]!.push(frame, false);
      });
      if (!windowers[0]!.ready) continue;
      windowers.forEach((w, r) => w.take(input, r * SILERO_INPUT_SAMPLES));
      await original.infer(B, input, states.original, probs.original, next.original);
      await batched.infer(B, input, states.batched, probs.batched, next.batched);
      for (let r = 0; r < B; r++) maxDiff = Math.max(maxDiff, Math.abs((probs.original[r] as number) - (probs.batched[r] as number)));
      for (let i = 0; i < next.original.length; i++) maxStateDiff = Math.max(maxStateDiff, Math.abs((next.original[i] as number) - (next.batched[i] as number)));
      if ((probs.original[0] as number) > 0.5) speech++;
      states.original.set(next.original);
      states.batched.set(next.batched);
      windows++;
    }
    expect(windows).toBeGreaterThan(100);
    expect(speech).toBeGreaterThan(40); // the comparison covers speech, not only silence
    expect(maxDiff).toBeLessThan(1e-4);
    expect(maxStateDiff).toBeLessThan(1e-3);
  });

  it('handles a batch of one and a large batch', async () => {
    for (const B of [1, 200]) {
      const input = new Float32Array(B * SILERO_INPUT_SAMPLES).map((_, i) => 0.2 * Math.sin(i * 0.07) * ((i % 576) / 576));
      const state = new Float32Array(2 * B * SILERO_STATE_SIZE).map((_, i) => 0.1 * Math.cos(i));
      const a = { p: new Float32Array(B), s: new Float32Array(state.length) };
      const b = { p: new Float32Array(B), s: new Float32Array(state.length) };
      await original.infer(B, input, state, a.p, a.s);
      await batched.infer(B, input, state, b.p, b.s);
      for (let r = 0; r < B; r++) expect(b.p[r]).toBeCloseTo(a.p[r] as number, 4);
    }
  });
});
