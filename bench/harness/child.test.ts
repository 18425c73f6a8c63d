import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { otherCpus, parseCpuList, startChild } from './child.ts';
import type { ChildStats } from './ipc.ts';

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
