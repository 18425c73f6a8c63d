/**
 * The one-way dependency rules of the tree (STYLE.md "Shape"), checked over source text:
 * - `dsp/` imports nothing of ours outside `dsp/` and no Node API;
 * - `control/contract/` imports only itself and packages;
 * - `control/` never imports `gateway/` or `bench/`;
 * - `gateway/` imports only `gateway/`, `dsp/` and `control/contract/` of ours.
 * Tests (`*.test.ts`, `test/` folders) may import across, except that dsp tests keep the dsp rule
 * for our code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** One broken rule: which file imports what, and the rule it breaks. */
export interface ImportViolation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|[\s;])import\s*['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)/gm;
const BUILTINS = new Set(builtinModules);

/** Every module specifier a source file imports. */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(IMPORT_RE)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4];
    if (spec !== undefined) out.push(spec);
  }
  return out;
}

function isTest(rel: string): boolean {
  return /\.test\.tsx?$/.test(rel) || rel.split('/').includes('test');
}

function isNodeApi(spec: string): boolean {
  return spec.startsWith('node:') || BUILTINS.has(spec.split('/')[0] ?? '');
}

/** Checks one file (path relative to the root, with `/`) importing `spec`. */
export function checkImport(rel: string, spec: string): string | undefined {
  const area = rel.split('/')[0];
  const local = spec.startsWith('.');
  const target = local ? join(dirname(rel), spec).split(sep).join('/') : undefined;
  const test = isTest(rel);
  if (area === 'dsp') {
    if (target !== undefined && !target.startsWith('dsp/')) return 'dsp/ imports nothing of ours outside dsp/';
    if (!test && isNodeApi(spec)) return 'dsp/ uses no Node API';
    return undefined;
  }
  if (test || target === undefined) return undefined;
  if (rel.startsWith('control/contract/')) {
    return target.startsWith('control/contract/') ? undefined : 'control/contract/ imports only itself and packages';
  }
  if (area === 'control') {
    if (target.startsWith('gateway/') || target.startsWith('bench/')) return 'control/ never imports gateway/ or bench/';
    return undefined;
  }
  if (area === 'gateway') {
    const ok = target.startsWith('gateway/') || target.startsWith('dsp/') || target.startsWith('control/contract/');
    return ok ? undefined : 'gateway/ imports only gateway/, dsp/ and control/contract/ of ours';
  }
  return undefined;
}

function walk(dir: string, files: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, files);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name)) files.push(path);
  }
}

/** Scans `dsp/`, `control/` and `gateway/` under `root` and lists every broken rule. */
export function findViolations(root: string): ImportViolation[] {
  const files: string[] = [];
  for (const area of ['dsp', 'control', 'gateway']) {
    try {
      walk(resolve(root, area), files);
    } catch {
      // An area that does not exist yet has nothing to break.
    }
  }
  const violations: ImportViolation[] = [];
  for (const file of files) {
    const rel = relative(root, file).split(sep).join('/');
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const rule = checkImport(rel, specifier);
      if (rule !== undefined) violations.push({ file: rel, specifier, rule });
    }
  }
  return violations;
}
