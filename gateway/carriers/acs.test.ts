import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamingData, createOutboundAudioData, createOutboundStopAudioData } from '@azure/communication-call-automation';
import { describe, expect, it } from 'vitest';
import { AcsCodec } from './acs.ts';
import type { InboundEvent, WireMessage } from './types.ts';

/** A recorded ACS media session: metadata, two voiced frames, a silent one, a DTMF, transcription metadata. */
const recorded = readFileSync(join(import.meta.dirname, 'fixtures/acs-session.jsonl'), 'utf8').trim().split('\n');

function tone(start: number): number[] {
  return Array.from(new Int16Array(320).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (start + i)) / 16000))));
}

function copy(event: InboundEvent | undefined): unknown {
  return event?.type === 'audio' ? { ...event, pcm: Array.from(event.pcm) } : event;
}

describe('ACS codec', () => {
  it('decodes a recorded session', () => {
    const codec = new AcsCodec(16000);
    const events = recorded.map((line) => copy(codec.decode(line, false)));
    expect(events[0]).toEqual({ type: 'start', sampleRateHz: 16000, streamId: '6e4a9f1c-3b2d-4c8e-9f01-2a7d5b8c6e13' });
    expect(events[1]).toEqual({ type: 'audio', pcm: tone(0), sampleRateHz: 16000, silent: false });
    expect(events[2]).toEqual({ type: 'audio', pcm: tone(320), sampleRateHz: 16000, silent: false });
    expect(events[3]).toMatchObject({ type: 'audio', silent: true });
    expect(events[4]).toEqual({ type: 'dtmf', digit: '5' });
    expect(events[5]).toBeUndefined(); // transcription is not used
  });

  it('reads the same audio and flags as the ACS SDK parser', () => {
    const codec = new AcsCodec(16000);
    for (const line of recorded.slice(1, 4)) {
      const sdk = StreamingData.parse(line) as { data: string; isSilent: boolean };
      const ours = codec.decode(line, false);
      if (ours?.type !== 'audio') throw new Error('expected audio');
      expect(Buffer.from(ours.pcm.buffer, ours.pcm.byteOffset, ours.pcm.byteLength).toString('base64')).toBe(sdk.data);
      expect(ours.silent).toBe(sdk.isSilent);
    }
  });

  it('accepts either casing of kind, JSON in a binary frame, and follows a 24 kHz metadata', () => {
    const codec = new AcsCodec(16000);
    const lower = recorded[1]!.replace('"AudioData"', '"audioData"');
    expect(codec.decode(lower, false)?.type).toBe('audio');
    expect(codec.decode(new TextEncoder().encode(recorded[1]!), true)?.type).toBe('audio');
    const meta = JSON.stringify({ kind: 'audioMetadata', audioMetadata: { subscriptionId: 's', encoding: 'PCM', sampleRate: 24000, channels: 1, length: 960 } });
    expect(codec.decode(meta, false)).toEqual({ type: 'start', sampleRateHz: 24000, streamId: 's' });
    expect(codec.sampleRateHz).toBe(24000);
    expect(codec.frameSamples).toBe(480);
  });

  it('writes exactly what the ACS SDK helpers write', () => {
    const codec = new AcsCodec(16000);
    const pcm = new Int16Array(tone(0));
    const data = Buffer.from(pcm.buffer).toString('base64');
    const text = (m: WireMessage | undefined) => (m === undefined ? undefined : { data: typeof m.data === 'string' ? m.data : Buffer.from(m.data).toString('latin1'), binary: m.binary });
    expect(text(codec.encode({ type: 'audio', pcm }))).toEqual({ data: createOutboundAudioData(data), binary: false });
    // A short frame (a segment's last), then a full one again: each message is exactly its own.
    const short = pcm.subarray(0, 101);
    expect(text(codec.encode({ type: 'audio', pcm: short }))).toEqual({ data: createOutboundAudioData(Buffer.from(short.buffer, 0, 202).toString('base64')), binary: false });
    const other = new Int16Array(tone(320));
    expect(text(codec.encode({ type: 'audio', pcm: other }))).toEqual({ data: createOutboundAudioData(Buffer.from(other.buffer).toString('base64')), binary: false });
    // Longer than any carrier frame: still encoded, through the string path.
    const long = new Int16Array(2000).fill(-3);
    expect(text(codec.encode({ type: 'audio', pcm: long }))).toEqual({ data: createOutboundAudioData(Buffer.from(long.buffer).toString('base64')), binary: false });
    expect(codec.encode({ type: 'stop_audio' })).toEqual({ data: createOutboundStopAudioData(), binary: false });
    expect(codec.encode({ type: 'mark', name: 'x' })).toBeUndefined();
  });

  it('refuses bad input with the reason, never throwing', () => {
    const codec = new AcsCodec(16000);
    const audio = (data: unknown) => JSON.stringify({ kind: 'AudioData', audioData: { data, silent: false } });
    const cases: Array<[string, string]> = [
      ['{"kind":"AudioData",', 'bad_json'],
      ['[1,2,3]', 'bad_json'],
      ['{"audioData":{}}', 'bad_field'],
      [audio(42), 'bad_field'],
      [audio('AAA!AAAA'), 'bad_base64'],
      [audio('AAA'), 'bad_base64'],
      [audio('AAAA'), 'bad_size'], // 3 bytes: not whole samples
      [audio(Buffer.alloc(16000).toString('base64')), 'bad_size'], // 500 ms in one message
      [JSON.stringify({ kind: 'AudioMetadata', audioMetadata: { sampleRate: 44100 } }), 'bad_field'],
      [JSON.stringify({ kind: 'DtmfData', dtmfData: { data: '55' } }), 'bad_field'],
    ];
    for (const [msg, problem] of cases) expect(codec.decode(msg, false)).toMatchObject({ type: 'invalid', problem });
    expect(codec.decode('{"kind":"SomethingNew"}', false)).toMatchObject({ type: 'invalid', problem: 'unknown_kind' });
  });

  it('reads AudioData from message bytes exactly as the general path reads its text', () => {
    const frame = JSON.parse(recorded[1]!) as { audioData: Record<string, unknown> };
    const data = frame.audioData.data as string;
    const variants = [
      ...recorded,
      recorded[1]!.replace('"AudioData"', '"AUDIODATA"'),
      recorded[1]!.replace('"AudioData"', '"AudioDatum"'),
      ` \r\n\t${recorded[1]!} \n`,
      recorded[1]!.replace('"timestamp":', '"timestamp" : '),
      JSON.stringify({ kind: 'AudioData', audioData: { data, silent: true } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data, silent: 'true' } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data, silent: 1 } }),
      JSON.stringify({ audioData: { data, silent: true }, kind: 'audiodata', n: -1.5e3, z: 0, m: null, f: false }),
      JSON.stringify({ kind: 'AudioData', audioData: { data } }).replace('}}', '},"audioData":{"data":"AAAA"}}'), // duplicate: the last counts
      JSON.stringify({ kind: 'AudioData', audioData: { data: 'AAAA', silent: true } }).replace('}}', '},"kind":"Dtmfdata"}'),
      JSON.stringify({ kind: 'AudioData', audioData: { data, nested: { a: 1 } } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data, participantRawID: 'caf\u00e9 \"x\"' } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data, who: 'café' } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data: `${data.slice(0, -4)}-_AA` } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data: 'AAAAAA==' } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data: 'AAA=' } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data: 'AA=A' } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data: '' } }),
      JSON.stringify({ kind: 'AudioData', audioData: { data: Buffer.alloc(16000).toString('base64') } }),
      JSON.stringify({ kind: 'AudioData', audioData: [] }),
      JSON.stringify({ kind: 'AudioData', audioData: { data: 7 } }),
      JSON.stringify({ kind: ['AudioData'], audioData: { data } }),
      `{"kind":"AudioData","audioData":{"data":"${data}","n":01}}`,
      `{"kind":"AudioData","audioData":{"data":"${data}","n":1.}}`,
      `{"kind":"AudioData","audioData":{"data":"${data}","n":tru}}`,
      `{"kind":"AudioData","audioData":{"data":"${data}",}}`,
      `{"kind":"AudioData","audioData":{"data":"${data}"}}x`,
      `{"kind":"AudioData","audioData":{"data":"${data}"}`,
      `{"kind":"AudioData","audioData":{"data":"${data}	"}}`,
      '{}',
      '',
    ];
    for (const text of variants) {
      const general = copy(new AcsCodec(16000).decode(text, false));
      const inPlace = copy(new AcsCodec(16000).decode(new TextEncoder().encode(text), false));
      expect(inPlace, text.slice(0, 120)).toEqual(general);
    }
    // The general path really ran for some and the in-place one for others: both kinds of answer occur.
    const kinds = variants.map((t) => (copy(new AcsCodec(16000).decode(t, false)) as { type?: string } | undefined)?.type);
    expect(kinds).toContain('audio');
    expect(kinds).toContain('invalid');
  });
});
