import { describe, expect, it } from 'vitest';
import { SoftphoneCodec } from './softphone.ts';

/** What the page sends, in order: hello, two 20 ms frames from the capture worklet, a key press, hangup. */
function recordedPage(): Array<[ArrayBuffer | string, boolean]> {
  const frame = (v: number) => new Int16Array(320).fill(v).buffer;
  return [
    ['{"type":"hello"}', false],
    [frame(1200), true],
    [frame(-300), true],
    ['{"type":"dtmf","digit":"7"}', false],
    ['{"type":"hangup"}', false],
  ];
}

describe('softphone codec', () => {
  it('decodes what the page sends', () => {
    const codec = new SoftphoneCodec();
    const events = recordedPage().map(([m, bin]) => {
      const e = codec.decode(m, bin);
      return e?.type === 'audio' ? { type: 'audio', n: e.pcm.length, first: e.pcm[0], rate: e.sampleRateHz } : e;
    });
    expect(events).toEqual([
      { type: 'start', sampleRateHz: 16000, streamId: undefined },
      { type: 'audio', n: 320, first: 1200, rate: 16000 },
      { type: 'audio', n: 320, first: -300, rate: 16000 },
      { type: 'dtmf', digit: '7' },
      { type: 'stop' },
    ]);
  });

  it('copies audio out of unaligned socket memory', () => {
    const codec = new SoftphoneCodec();
    const raw = new Uint8Array(641);
    new DataView(raw.buffer).setInt16(1, -1234, true);
    const event = codec.decode(raw.subarray(1), true);
    expect(event?.type === 'audio' && event.pcm[0]).toBe(-1234);
  });

  it('writes binary audio, clear and page events', () => {
    const codec = new SoftphoneCodec();
    const pcm = new Int16Array([1, -2, 3]);
    const audio = codec.encode({ type: 'audio', pcm })!;
    expect(audio.binary).toBe(true);
    expect(Array.from(new Int16Array((audio.data as Uint8Array).slice().buffer))).toEqual([1, -2, 3]);
    expect(codec.encode({ type: 'stop_audio' })).toEqual({ data: '{"type":"clear"}', binary: false });
    const t = codec.encode({ type: 'page', message: { type: 'transcript', persona: 'human', text: 'hello', final: true } })!;
    expect(JSON.parse(t.data as string)).toEqual({ type: 'transcript', persona: 'human', text: 'hello', final: true });
    expect(JSON.parse(codec.encode({ type: 'page', message: { type: 'latency', turn_id: 't1', answer_ms: 640 } })!.data as string)).toMatchObject({ answer_ms: 640 });
  });

  it('refuses odd sizes, long audio, long text and bad JSON', () => {
    const codec = new SoftphoneCodec();
    expect(codec.decode(new ArrayBuffer(641), true)).toMatchObject({ problem: 'bad_size' });
    expect(codec.decode(new ArrayBuffer(0), true)).toMatchObject({ problem: 'bad_size' });
    expect(codec.decode(new ArrayBuffer(64000), true)).toMatchObject({ problem: 'bad_size' });
    expect(codec.decode(`{"type":"hello","pad":"${'x'.repeat(2000)}"}`, false)).toMatchObject({ problem: 'bad_size' });
    expect(codec.decode('{"type":', false)).toMatchObject({ problem: 'bad_json' });
    expect(codec.decode('{"type":"dtmf","digit":"x"}', false)).toMatchObject({ problem: 'bad_field' });
    expect(codec.decode('{"type":"later"}', false)).toMatchObject({ problem: 'unknown_kind' });
  });
});
