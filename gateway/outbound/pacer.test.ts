import { describe, expect, it } from 'vitest';
import { CallClosedError, OverflowError } from '../call/errors.ts';
import { OutboundPacer, type PacerSink } from './pacer.ts';

function setup(opts: { engineRateHz?: number; carrierRateHz?: number; queueMs?: number } = {}) {
  let now = 0;
  let congested = false;
  const sent: Array<{ at: number; n: number; first: number }> = [];
  const refs: number[] = [];
  const log: string[] = [];
  const sink: PacerSink = {
    sendAudio: (pcm) => sent.push({ at: now, n: pcm.length, first: pcm[0] as number }),
    stopAudio: () => log.push('stop'),
    congested: () => congested,
    reference: (_pcm, start) => refs.push(start),
    firstAudio: (turn, at) => log.push(`first:${turn}@${at}`),
    speakingChanged: (s, at) => log.push(`speaking:${s}@${at}`),
  };
  const pacer = new OutboundPacer({
    engineRateHz: opts.engineRateHz ?? 16000,
    carrierRateHz: opts.carrierRateHz ?? 16000,
    queueMs: opts.queueMs,
    now: () => now,
    sink,
    callId: 'c1',
  });
  /** Advances the clock in 10 ms ticks, servicing the pacer like the gateway tick does. */
  const run = (ms: number) => {
    for (let t = 0; t < ms; t += 10) {
      now += 10;
      pacer.service(now);
    }
  };
  return { pacer, sent, refs, log, run, setNow: (t: number) => (now = t), now: () => now, congest: (c: boolean) => (congested = c) };
}

const tone = (ms: number, value = 1000, rate = 16000) => new Int16Array((rate * ms) / 1000).fill(value);

describe('OutboundPacer', () => {
  it('paces in real time with at most 100 ms queued at the carrier, and keeps the reference aligned', async () => {
    const s = setup();
    const ctl = new AbortController();
    // 1 s of audio at once, more than the queue holds: the writer waits for room, nothing is lost.
    let written = false;
    const write = s.pacer.write(tone(1000, 1000), { turnId: 't1', segmentId: 1 }, ctl.signal).then(() => (written = true));
    expect(s.pacer.speaking).toBe(true);
    s.pacer.service(0);
    expect(s.sent.length).toBe(5); // 100 ms lead at once
    s.run(500);
    // After 500 ms: 500 ms played + ≤ 100 ms lead sent.
    expect(s.sent.length).toBeGreaterThanOrEqual(29);
    expect(s.sent.length).toBeLessThanOrEqual(30);
    expect(s.refs.slice(0, 6)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(s.pacer.heardMs(1)).toBe(500);
    expect(s.log).toContain('first:t1@0');
    await Promise.resolve();
    expect(written).toBe(false); // 500 ms still to send: more than the 400 ms queue
    s.run(200);
    await write;
    s.run(400);
    expect(s.sent.reduce((a, f) => a + f.n, 0)).toBe(16000);
    expect(s.sent.every((f) => f.first === 1000)).toBe(true);
  });

  it('endSegment resolves once the last sample has been played out', async () => {
    const s = setup();
    const ctl = new AbortController();
    await s.pacer.write(tone(210), { turnId: 't1', segmentId: 1 }, ctl.signal);
    let done = false;
    const ended = s.pacer.endSegment({ turnId: 't1', segmentId: 1 }, ctl.signal).then(() => (done = true));
    s.pacer.service(0);
    s.run(200);
    await Promise.resolve();
    expect(done).toBe(false);
    s.run(20);
    await ended;
    expect(s.pacer.heardMs(1)).toBe(210);
    expect(s.pacer.queuedMs(1)).toBe(210);
    expect(s.sent.at(-1)?.n).toBe(160); // the last 10 ms went out as a short frame
    s.run(10);
    expect(s.pacer.speaking).toBe(false);
    expect(s.log.at(-1)).toMatch(/^speaking:false/);
  });

  it('clear() drops the queue, tells the carrier, and cuts heardMs to what was played', async () => {
    // A queue that holds the whole 2 s write, so that the write resolves before the clock runs.
    const s = setup({ queueMs: 4000 });
    const ctl = new AbortController();
    await s.pacer.write(tone(2000), { turnId: 't1', segmentId: 7 }, ctl.signal);
    s.pacer.service(0);
    s.run(300);
    const sentBefore = s.sent.length;
    const end = s.pacer.endSegment({ turnId: 't1', segmentId: 7 }, ctl.signal);
    s.pacer.clear();
    await end; // nothing more will play
    expect(s.log).toContain('stop');
    expect(s.pacer.heardMs(7)).toBe(300);
    expect(s.pacer.speaking).toBe(false);
    s.run(200);
    expect(s.sent.length).toBe(sentBefore);
  });

  it('resamples engine PCM to the carrier rate', async () => {
    const s = setup({ engineRateHz: 16000, carrierRateHz: 8000 });
    const write = s.pacer.write(tone(400), { turnId: 't', segmentId: 1 }, new AbortController().signal);
    s.run(600);
    await write;
    const samples = s.sent.reduce((a, f) => a + f.n, 0);
    expect(samples).toBeGreaterThanOrEqual(3100); // ~400 ms at 8 kHz, minus the filter's start-up
    expect(s.sent.every((f) => f.n <= 160)).toBe(true);
  });

  it('makes writers wait for room (backpressure) and refuses beyond 8 waiting', async () => {
    const s = setup({ queueMs: 200 });
    const sig = new AbortController().signal;
    let firstDone = false;
    const first = s.pacer.write(tone(500), { turnId: 't', segmentId: 1 }, sig).then(() => (firstDone = true));
    await Promise.resolve();
    expect(firstDone).toBe(false);
    const waiting = Array.from({ length: 7 }, (_, i) => s.pacer.write(tone(20), { turnId: 't', segmentId: 1 }, sig));
    await expect(s.pacer.write(tone(20), { turnId: 't', segmentId: 1 }, sig)).rejects.toBeInstanceOf(OverflowError);
    s.pacer.service(0);
    s.run(600);
    await first;
    await Promise.all(waiting);
  });

  it('an aborted turn rejects its writes and drops its queued audio', async () => {
    const s = setup({ queueMs: 200 });
    const ctl = new AbortController();
    const pending = s.pacer.write(tone(1000), { turnId: 't', segmentId: 1 }, ctl.signal);
    s.pacer.service(0);
    const reason = new Error('barge-in');
    ctl.abort(reason);
    await expect(pending).rejects.toBe(reason);
    const sentAtAbort = s.sent.length;
    s.run(300);
    expect(s.sent.length).toBe(sentAtAbort);
    await expect(s.pacer.write(tone(20), { turnId: 't', segmentId: 1 }, ctl.signal)).rejects.toBe(reason);
  });

  it('holds frames while the socket is congested, and close() rejects pending work', async () => {
    const s = setup();
    const sig = new AbortController().signal;
    s.congest(true);
    await s.pacer.write(tone(100), { turnId: 't', segmentId: 1 }, sig);
    s.run(50);
    expect(s.sent.length).toBe(0);
    s.congest(false);
    s.run(10);
    expect(s.sent.length).toBeGreaterThan(0);
    const end = s.pacer.endSegment({ turnId: 't', segmentId: 1 }, sig);
    s.pacer.close();
    await expect(end).rejects.toBeInstanceOf(CallClosedError);
    await expect(s.pacer.write(tone(20), { turnId: 't', segmentId: 2 }, sig)).rejects.toBeInstanceOf(CallClosedError);
  });
});
