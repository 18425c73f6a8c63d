/**
 * `npm start` as a user runs it: both processes start on embedded defaults, the softphone page is
 * served at `/`, both `/metrics` expose the answer-latency histogram, and SIGTERM stops both.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../control/test/support/free-port.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('npm start', () => {
  it('serves the softphone page and both metrics endpoints, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'start-'));
    const [controlPort, gatewayPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'start.ts')], {
      cwd: root,
      env: {
        ...process.env,
        CONFIG_FILE: '/dev/null',
        OPENAI_API_KEY: '',
        CONTROL__PORT: String(controlPort),
        GATEWAY__PORT: String(gatewayPort),
        STORE__SQLITE__PATH: join(dir, 'calls.sqlite'),
        QUEUE__SQLITE__PATH: join(dir, 'jobs.sqlite'),
        TELEMETRY__LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const live = (port: number) => fetch(`http://127.0.0.1:${port}/health/liveness`).then((r) => r.status, () => 0);
      await expect.poll(() => live(controlPort), { timeout: 60_000, interval: 250 }).toBe(200);
      await expect.poll(() => live(gatewayPort), { timeout: 60_000, interval: 250 }).toBe(200);
      expect(output).toContain(`Softphone (call the bot from your browser): http://localhost:${controlPort}/`);
      expect(output).toMatch(/LLM: not configured/);
      const page = await fetch(`http://127.0.0.1:${controlPort}/`);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(await page.text()).toContain('<title>Call center softphone</title>');
      for (const port of [controlPort, gatewayPort]) {
        const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        expect(metrics).toMatch(/^# TYPE call_answer_latency histogram$/m);
      }
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
      rmSync(dir, { recursive: true, force: true });
    }
    // Both services are gone with the launcher.
    await expect(fetch(`http://127.0.0.1:${controlPort}/health/liveness`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${gatewayPort}/health/liveness`)).rejects.toThrow();
  }, 120_000);
});
