import { describe, expect, it } from 'vitest';
import { retryable } from './capacity.ts';

describe('capacity ramp', () => {
  it('runs a step again only when it missed deadlines, not when calls were refused or it held', () => {
    expect(retryable({ held: false, connect_errors: 0 })).toBe(true);
    expect(retryable({ held: false, connect_errors: 3 })).toBe(false);
    expect(retryable({ held: true, connect_errors: 0 })).toBe(false);
  });
});
