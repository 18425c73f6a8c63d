import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findViolations, importsOf } from './import-rules.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('import direction', () => {
  it('holds in this repository', () => {
    expect(findViolations(root)).toEqual([]);
  });

  it('finds every import form', () => {
    expect(importsOf(`import a from './a.ts';\nimport { b } from "b";\nexport * from './c.ts';\nimport './d.ts';\nconst e = await import('./e.ts');\nimport type { F } from './f.ts';`)).toEqual([
      './a.ts',
      'b',
      './c.ts',
      './d.ts',
      './e.ts',
      './f.ts',
    ]);
  });

  it.each([
    ['dsp/x.ts', `import { readFileSync } from 'node:fs';`, 'dsp/ uses no Node API'],
    ['dsp/x.ts', `import fs from 'fs';`, 'dsp/ uses no Node API'],
    ['dsp/x.ts', `import { y } from '../gateway/y.ts';`, 'dsp/ imports nothing of ours outside dsp/'],
    ['control/x.ts', `import { y } from '../gateway/y.ts';`, 'control/ never imports gateway/ or bench/'],
    ['control/contract/x.ts', `import { y } from '../store/y.ts';`, 'control/contract/ imports only itself and packages'],
    ['gateway/a/x.ts', `import { y } from '../../control/store/y.ts';`, 'gateway/ imports only gateway/, dsp/ and control/contract/ of ours'],
  ])('refuses a wrong-way import in %s', (file, text, rule) => {
    expect(findViolations(tree({ [file]: text }))).toEqual([{ file, specifier: expect.any(String), rule }]);
  });

  it('allows the right-way imports', () => {
    const dir = tree({
      'dsp/a.ts': `import { b } from './b.ts';\nimport FFT from 'fft.js';`,
      'gateway/x.ts': `import { c } from '../control/contract/index.ts';\nimport { d } from '../dsp/a.ts';\nimport uWS from 'uWebSockets.js';\nimport { x } from 'node:fs';`,
      'control/api/x.ts': `import { c } from '../contract/index.ts';\nimport { s } from '../store/types.ts';`,
      'gateway/test/e2e.test.ts': `import { s } from '../../control/main.ts';\nimport { b } from '../../bench/standins/llm.ts';`,
    });
    expect(findViolations(dir)).toEqual([]);
  });
});
