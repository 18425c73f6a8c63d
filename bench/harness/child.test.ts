import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { otherCpus, parseCpuList, startChild } from './child.ts';
import type { ChildStats } from './ipc.ts';

/** Niceness of every thread of `pid` (Linux: field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNiceness(pid: number | 'self'): number[] {
  return readdirSync(`/proc/${pid}/task`).map((tid) => {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

const entry = join(import.meta.dirname, 'fixtures', 'test-child.ts');
const dir = mkdtempSync(join(tmpdir(), 'harness-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bench child processes', () => {
  it('starts, answers requests, measures its own event-loop lag, and stops on request', async () => {
    const child = await startChild('test', entry, {}, join(dir, 'a.log'));
    expect(child.port).toBe(1);
    // The child blocks its loop for 60 ms after the reset, before it answers.
    await child.channel.request({ type: 'reset-stats' });
    const stats = await child.channel.request<ChildStats>({ type: 'stats' });
    expect(stats.lagMs.max).toBeGreaterThan(40);
    expect(stats.cpuMs).toBeGreaterThan(30);
    expect(stats.rssMb).toBeGreaterThan(10);
    await expect(child.channel.request({ type: 'create-calls', count: 1, numberPrefix: '+1' })).rejects.toThrow(/unsupported create-calls/);
    await child.close();
    expect(child.process.exitCode).toBe(0);
    // Idempotent.
    await child.close();
  });

  it('escalates to SIGTERM when a child ignores the close request', async () => {
    const child = await startChild('stubborn', entry, { STUBBORN: '1' }, join(dir, 'b.log'));
    await child.close();
    expect(child.process.signalCode).toBe('SIGTERM');
  });

  it('reports a child that fails to start, naming its log', async () => {
    await expect(startChild('broken', entry, { FAIL_START: '1' }, join(dir, 'c.log'))).rejects.toThrow(/broken failed to start: cannot start: bad config.*c\.log/);
  });
});

describe('niceness of the load generator', () => {
  it('starts a child with every thread at the niceness asked for', async () => {
    const child = await startChild('niced', entry, {}, join(dir, 'd.log'), { nice: 7 });
    try {
      const nice = threadNiceness(child.pid);
      expect(nice.length).toBeGreaterThan(1);
      expect(new Set(nice)).toEqual(new Set([7]));
    } finally {
      await child.close();
    }
  });

  it('renices every thread of a running process, worker threads started before included', async () => {
    const here = JSON.stringify(join(import.meta.dirname, 'child.ts'));
    // The process renices itself, reports, and stays alive (its worker) until killed.
    const script = `
      import { Worker } from 'node:worker_threads';
      import { niceThisProcess } from ${here};
      const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
      await new Promise((r) => w.once('online', r));
      console.log(JSON.stringify({ ok: niceThisProcess(6) }));`;
    const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const [line] = (await once(createInterface({ input: proc.stdout! }), 'line')) as [string];
      expect(JSON.parse(line)).toEqual({ ok: true });
      const nice = threadNiceness(proc.pid!);
      // Main thread, the worker, libuv's and V8's helper threads.
      expect(nice.length).toBeGreaterThan(2);
      expect(new Set(nice)).toEqual(new Set([6]));
      // This process (the test runner) is untouched.
      expect(threadNiceness('self')).toContain(0);
    } finally {
      proc.kill('SIGKILL');
    }
  });
});

describe('CPU lists', () => {
  it('parses taskset lists and finds the other CPUs', () => {
    expect(parseCpuList('0,2-4')).toEqual([0, 2, 3, 4]);
    expect(() => parseCpuList('one')).toThrow(/not a CPU list/);
    expect(() => parseCpuList('3-1')).toThrow(/not a CPU list/);
    expect(otherCpus('1', 2)).toBe('0');
    expect(otherCpus('0-1', 2)).toBeUndefined();
    expect(otherCpus('1', 4)).toBe('0,2,3');
    expect(() => otherCpus('5', 2)).toThrow(/does not exist/);
  });
});
