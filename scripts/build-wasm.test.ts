import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileKernels, kernelsModuleText } from './build-wasm.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('dsp/aec/wasm/kernels-wasm.ts', () => {
  it('is the compiled form of kernels.as.ts (rebuild with npx tsx scripts/build-wasm.ts)', () => {
    const committed = readFileSync(join(root, 'dsp/aec/wasm/kernels-wasm.ts'), 'utf8');
    expect(committed).toBe(kernelsModuleText(compileKernels()));
  }, 60_000);
});
