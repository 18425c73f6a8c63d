import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameRing } from './frame-ring.ts';

const shape = { capacity: 8, frameSamples: 4, metaWords: 2 };

describe('FrameRing', () => {
  it('passes frames and metadata in order and refuses the newest when full', () => {
    const ring = new FrameRing(new ArrayBuffer(FrameRing.byteLength(shape)), 0, shape);
    for (let i = 0; i < 8; i++) expect(ring.push(new Int16Array([i, i, i, i]), i * 10, i - 100)).toBe(true);
    expect(ring.push(new Int16Array([99, 99, 99, 99]))).toBe(false);
    expect(ring.dropped).toBe(1);
    expect(ring.size).toBe(8);
    const out = new Int16Array(4);
    for (let i = 0; i < 8; i++) {
      expect(ring.pop(out)).toBe(true);
      expect(Array.from(out)).toEqual([i, i, i, i]);
      expect(ring.lastMeta(0)).toBe(i * 10);
      expect(ring.lastMeta(1)).toBe(i - 100);
    }
    expect(ring.pop(out)).toBe(false);
  });

  it('wraps around many times, zero-pads short frames, and reads in place', () => {
    const ring = new FrameRing(new ArrayBuffer(FrameRing.byteLength(shape)), 0, shape);
    for (let i = 0; i < 1000; i++) {
      ring.push(new Int16Array([i]), i);
      const slot = ring.peek();
      expect(Array.from(ring.frameAt(slot))).toEqual([i, 0, 0, 0]);
      expect(ring.metaAt(slot, 0)).toBe(i);
      ring.release();
    }
    expect(ring.size).toBe(0);
    ring.push(null, 1);
    ring.push(null, 2);
    ring.clear();
    expect(ring.peek()).toBe(-1);
  });

  it('packs several rings in one buffer and refuses bad shapes', () => {
    const len = FrameRing.byteLength(shape);
    expect(len % 8).toBe(0);
    const buf = new ArrayBuffer(2 * len);
    const a = new FrameRing(buf, 0, shape);
    const b = new FrameRing(buf, len, shape);
    a.push(new Int16Array([1, 1, 1, 1]));
    expect(b.size).toBe(0);
    expect(() => new FrameRing(buf, 0, { ...shape, capacity: 6 })).toThrow(RangeError);
    expect(() => new FrameRing(buf, len + 8, shape)).toThrow(RangeError);
  });

  describe('across threads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ring-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('delivers 20,000 frames from a worker intact and in order', async () => {
      const big = { capacity: 16, frameSamples: 320, metaWords: 1 };
      const sab = new SharedArrayBuffer(FrameRing.byteLength(big));
      const script = join(dir, 'producer.mjs');
      const ringUrl = pathToFileURL(resolve(import.meta.dirname, 'frame-ring.ts')).href;
      const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
      writeFileSync(
        script,
        `import { register } from ${JSON.stringify(tsxApi)};
         import { workerData, parentPort } from 'node:worker_threads';
         register();
         const { FrameRing } = await import(${JSON.stringify(ringUrl)});
         const ring = new FrameRing(workerData.sab, 0, workerData.shape);
         const frame = new Int16Array(320);
         for (let i = 0; i < 20000; ) {
           frame.fill(i % 30000);
           if (ring.push(frame, i)) i++;
         }
         parentPort.postMessage('done');`,
      );
      const consumer = new FrameRing(sab, 0, big);
      const worker = new Worker(script, { workerData: { sab, shape: big }, execArgv: [] });
      const out = new Int16Array(320);
      let next = 0;
      let bad = 0;
      let failure: unknown;
      worker.once('error', (error) => (failure = error));
      const done = new Promise((res) => worker.once('message', res));
      while (next < 20000 && failure === undefined) {
        if (!consumer.pop(out)) {
          await new Promise((r) => setImmediate(r));
          continue;
        }
        if (consumer.lastMeta(0) !== next || out[0] !== next % 30000 || out[319] !== next % 30000) bad++;
        next++;
      }
      expect(failure).toBeUndefined();
      await done;
      await worker.terminate();
      expect(next).toBe(20000);
      expect(bad).toBe(0);
    });
  });
});
