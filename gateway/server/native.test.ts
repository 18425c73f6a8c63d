import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isNativeUws, nativeUws } from './native.ts';

describe('uWS native check', () => {
  it('accepts the native addon loaded here', () => {
    expect(() => nativeUws()).not.toThrow();
  });

  it('recognises the package JS fallback shim as not native', () => {
    // The shim the package silently falls back to on another Node ABI.
    const shim = createRequire(import.meta.url)('uWebSockets.js/dist/index.js');
    expect(isNativeUws(shim)).toBe(false);
    expect(isNativeUws(null)).toBe(false);
  });
});
