import { describe, expect, it } from 'vitest';
import { synthVoice } from './voice.ts';

describe('synthVoice', () => {
  it('gives the same audio for the same sentence and settings, synthesised once', () => {
    const a = synthVoice('Let me note that in your claim.', 16000);
    const b = synthVoice('Let me note that in your claim.', 16000);
    expect(b).toBe(a);
    expect(a.some((s) => Math.abs(s) > 2000)).toBe(true);
  });

  it('keeps sentences, rates and speeds apart', () => {
    const base = synthVoice('Could you tell me when it happened?', 16000);
    const other = synthVoice('Could you tell me where it happened?', 16000);
    const wide = synthVoice('Could you tell me when it happened?', 24000);
    const fast = synthVoice('Could you tell me when it happened?', 16000, { rate: 2 });
    expect(other).not.toBe(base);
    expect(wide.length / 24000).toBeCloseTo(base.length / 16000, 2);
    expect(fast.length).toBeCloseTo(base.length / 2, -1);
  });

  it('keeps the most recently used sentences only', () => {
    const first = synthVoice('The first sentence of many.', 8000);
    for (let i = 0; i < 300; i++) synthVoice(`Sentence number ${i}.`, 8000);
    const again = synthVoice('The first sentence of many.', 8000);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});
