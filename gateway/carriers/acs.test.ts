import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamingData, createOutboundAudioData, createOutboundStopAudioData } from '@azure/communication-call-automation';
import { describe, expect, it } from 'vitest';
import { AcsCodec } from './acs.ts';
import type { InboundEvent } from './types.ts';

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
    expect(codec.encode({ type: 'audio', pcm })).toEqual({ data: createOutboundAudioData(data), binary: false });
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
});
