/** `npm run demo` with no credentials: a simulated call completes and its report URL serves the report. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('npm run demo', () => {
  it('runs a simulated call through the stack and prints the conversation, claim, latencies and a served report URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-'));
    const env: Record<string, string | undefined> = { ...process.env, DEMO_DATA_DIR: dir };
    // No credentials at all.
    for (const key of Object.keys(env)) if (/OPENAI|AZURE|ACS__|LLM__|STT__|TTS__/.test(key)) delete env[key];
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    rmSync(dir, { recursive: true, force: true });
    expect(output).toContain('SIMULATION');
    expect(code).toBe(0);
    expect(output).toMatch(/Caller: My name is Jane Doe\./);
    expect(output).toMatch(/building_location\s+Building B, third floor/);
    expect(output).toMatch(/turn 4: answer \d+/);
    expect(output).toMatch(/Report: http:\/\/127\.0\.0\.1:\d+\/report\/[0-9a-f-]{36} {2}\(HTTP 200, \d+ bytes\)/);
  }, 180_000);
});
