import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixture, type SpeechFixture } from '../test/speech-fixture.ts';
import { SileroModel } from '../vad/index.ts';
import { KernelArena } from '../../dsp/aec/wasm/arena.ts';
import { DspChannel } from './channel.ts';
import { DspCore, type TickStats } from './core.ts';
import { DspHost } from './host.ts';

let fixture: SpeechFixture;
let model: SileroModel;

beforeAll(async () => {
  fixture = buildFixture([600, 'Please send someone to fix the heating.', 900, 'Thank you.', 600]);
  model = await SileroModel.load();
});
afterAll(() => model.close());

/** Feeds `pcm` to the channels 20 ms at a time, ticking the core every 4 frames; returns each channel's probabilities. */
async function runCore(core: DspCore, streams: Array<{ channel: DspChannel; pcm: Int16Array }>): Promise<number[][]> {
  const probs = streams.map(() => [] as number[]);
  const audio = streams.map(() => 0);
  streams.forEach(({ channel }, i) => {
    channel.listener = {
      onAudio: (pcm) => (audio[i] = (audio[i] as number) + pcm.length),
      onWindow: (p) => probs[i]!.push(p),
    };
  });
  const frames = Math.max(...streams.map((s) => Math.floor(s.pcm.length / 320)));
  for (let f = 0; f < frames; f++) {
    for (const { channel, pcm } of streams) if ((f + 1) * 320 <= pcm.length) channel.pushAudio(pcm.subarray(f * 320, (f + 1) * 320), f * 20, false);
    if (f % 4 === 3 || f === frames - 1) {
      await core.tick();
      for (const { channel } of streams) channel.deliver();
    }
  }
  streams.forEach((s, i) => expect(audio[i]).toBe(Math.floor(s.pcm.length / 320) * 320)); // every frame came back
  return probs;
}

function open(core: DspCore, slotId: number, rate = 16000): DspChannel {
  const channel = new DspChannel(slotId, rate, 0, () => {});
  core.open({ slotId, buffer: channel.buffer, carrierRateHz: rate, epochMs: 0 });
  return channel;
}

describe('DspCore', () => {
  it('gives the echo-canceller memory of each closed call back to the kernel arena of its thread', () => {
    const arena = KernelArena.forThisThread()!;
    const core = new DspCore(model, () => 0);
    // The first canceller of a thread also sets up the thread's shared FFT plan (kept for good).
    open(core, 99);
    core.close(99);
    const before = arena.liveRegions;
    for (let id = 1; id <= 5; id++) open(core, id);
    expect(arena.liveRegions).toBe(before + 5);
    for (let id = 1; id <= 5; id++) core.close(id);
    core.close(3); // twice: no double free
    expect(arena.liveRegions).toBe(before);
  });

  it('a batch of calls gives each call the probabilities it gets alone (state gathered and scattered per call)', async () => {
    const other = fixture.pcm.slice(16000); // the same speech, shifted by one second
    const soloCore = new DspCore(model, () => 0);
    const [soloA] = await runCore(soloCore, [{ channel: open(soloCore, 1), pcm: fixture.pcm }]);
    const soloCore2 = new DspCore(model, () => 0);
    const [soloB] = await runCore(soloCore2, [{ channel: open(soloCore2, 1), pcm: other }]);
    const batchCore = new DspCore(model, () => 0);
    const [a, b, silent] = await runCore(batchCore, [
      { channel: open(batchCore, 1), pcm: fixture.pcm },
      { channel: open(batchCore, 2), pcm: other },
      { channel: open(batchCore, 3), pcm: new Int16Array(fixture.pcm.length) },
    ]);
    expect(a!.length).toBe(soloA!.length);
    for (let i = 0; i < a!.length; i++) expect(a![i]).toBeCloseTo(soloA![i]!, 4);
    for (let i = 0; i < b!.length; i++) expect(b![i]).toBeCloseTo(soloB![i]!, 4);
    expect(Math.max(...a!)).toBeGreaterThan(0.9); // it hears the speech
    expect(Math.max(...silent!)).toBe(0); // digital silence is skipped, never inferred
  });

  it('runs more windows than a batch holds in rounds of at most 32, each call still getting what it gets alone', async () => {
    const other = fixture.pcm.slice(16000); // the same speech, shifted by one second
    const solo = async (pcm: Int16Array) => {
      const core = new DspCore(model, () => 0);
      return (await runCore(core, [{ channel: open(core, 1), pcm }]))[0]!;
    };
    const [soloA, soloB] = [await solo(fixture.pcm), await solo(other)];
    const core = new DspCore(model, () => 0);
    const ticks: TickStats[] = [];
    const tick = core.tick.bind(core);
    core.tick = async () => {
      const stats = await tick();
      ticks.push(stats);
      return stats;
    };
    const streams = Array.from({ length: 40 }, (_, i) => ({ channel: open(core, i + 1), pcm: i % 2 === 0 ? fixture.pcm : other }));
    const probs = await runCore(core, streams);
    probs.forEach((p, i) => {
      const alone = i % 2 === 0 ? soloA : soloB;
      expect(p.length).toBe(alone.length);
      for (let k = 0; k < p.length; k++) expect(p[k]).toBeCloseTo(alone[k]!, 4);
    });
    expect(Math.max(...ticks.map((t) => t.inferred))).toBeGreaterThan(32);
    for (const t of ticks) expect(t.inferred).toBeLessThanOrEqual(32 * t.batches);
  });

  it('resamples 8 kHz carrier audio to 16 kHz and still hears the speech', async () => {
    const core = new DspCore(model, () => 0);
    const down = new Int16Array(fixture.pcm.length / 2);
    for (let i = 0; i < down.length; i++) down[i] = fixture.pcm[2 * i] as number; // crude decimation is enough for a VAD
    const channel = new DspChannel(1, 8000, 0, () => {});
    core.open({ slotId: 1, buffer: channel.buffer, carrierRateHz: 8000, epochMs: 0 });
    const probs: number[] = [];
    channel.listener = { onAudio: () => {}, onWindow: (p) => probs.push(p) };
    for (let f = 0; (f + 1) * 160 <= down.length; f++) {
      channel.pushAudio(down.subarray(f * 160, (f + 1) * 160), f * 20, false);
      if (f % 4 === 3) {
        await core.tick();
        channel.deliver();
      }
    }
    expect(probs.length).toBeGreaterThan(100);
    expect(probs.filter((p) => p > 0.5).length).toBeGreaterThan(30);
  });
});

describe('DspHost', () => {
  it('runs calls on a worker thread (tsx bootstrap) and delivers their results back', async () => {
    // Each finished tick feeds the next 80 ms and starts the next tick: the ring never overflows,
    // however slow the machine.
    let feed: () => void = () => {};
    const host = await DspHost.start({ workers: 1, onTick: () => feed() });
    try {
      const channel = host.attach(16000, performance.timeOrigin + performance.now());
      const probs: number[] = [];
      const frames = Math.floor(fixture.pcm.length / 320);
      const expected = Math.floor((frames * 320) / 512);
      let f = 0;
      let t = 0;
      let accepted = true;
      const done = new Promise<void>((resolve) => {
        channel.listener = {
          onAudio: () => {},
          onWindow: (p) => {
            probs.push(p);
            if (probs.length === expected) resolve();
          },
        };
        feed = () => {
          if (probs.length >= expected) return;
          for (let k = 0; k < 4 && f < frames; k++, f++) accepted &&= channel.pushAudio(fixture.pcm.subarray(f * 320, (f + 1) * 320), f * 20, false);
          host.tick((t += 20));
        };
      });
      feed();
      await done;
      expect(accepted).toBe(true);
      expect(Math.max(...probs)).toBeGreaterThan(0.9);
      expect(host.channels).toBe(1);
      channel.detach();
      expect(host.channels).toBe(0);
    } finally {
      await host.close();
    }
  });
});
