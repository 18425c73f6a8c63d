import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulawDecode } from '../../dsp/codecs/index.ts';
import { TwilioCodec } from './twilio.ts';

/** A recorded Twilio Media Streams session: connected, start, two media chunks, dtmf, mark, stop. */
const recorded = readFileSync(join(import.meta.dirname, 'fixtures/twilio-session.jsonl'), 'utf8').trim().split('\n');

describe('Twilio codec', () => {
  it('decodes a recorded session', () => {
    const codec = new TwilioCodec();
    expect(codec.decode(recorded[0]!, false)).toBeUndefined(); // connected
    expect(codec.decode(recorded[1]!, false)).toEqual({ type: 'start', sampleRateHz: 8000, streamId: 'MZ18ad3ab5a668481ce02b83e7395059f0' });
    expect(codec.streamSid).toBe('MZ18ad3ab5a668481ce02b83e7395059f0');
    for (const line of recorded.slice(2, 4)) {
      const event = codec.decode(line, false);
      if (event?.type !== 'audio') throw new Error('expected audio');
      const payload = Buffer.from(JSON.parse(line).media.payload, 'base64');
      const want = new Int16Array(payload.length);
      mulawDecode(payload, want);
      expect(event.sampleRateHz).toBe(8000);
      expect(Array.from(event.pcm)).toEqual(Array.from(want));
      // The μ-law of a 440 Hz tone at 8000 peak decodes back within its quantisation step.
      expect(Math.max(...Array.from(event.pcm))).toBeGreaterThan(7500);
    }
    expect(codec.decode(recorded[4]!, false)).toEqual({ type: 'dtmf', digit: '1' });
    expect(codec.decode(recorded[5]!, false)).toEqual({ type: 'mark', name: 'seg-3' });
    expect(codec.decode(recorded[6]!, false)).toEqual({ type: 'stop' });
  });

  it('writes media, clear and mark with the stream id', () => {
    const codec = new TwilioCodec();
    codec.decode(recorded[1]!, false);
    const pcm = new Int16Array(160).fill(1000);
    const media = JSON.parse(codec.encode({ type: 'audio', pcm })!.data as string);
    expect(media.event).toBe('media');
    expect(media.streamSid).toBe('MZ18ad3ab5a668481ce02b83e7395059f0');
    const bytes = Buffer.from(media.media.payload, 'base64');
    expect(bytes.length).toBe(160);
    const back = new Int16Array(160);
    mulawDecode(bytes, back);
    expect(Math.abs((back[0] as number) - 1000)).toBeLessThan(40);
    expect(JSON.parse(codec.encode({ type: 'stop_audio' })!.data as string)).toEqual({ event: 'clear', streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0' });
    expect(JSON.parse(codec.encode({ type: 'mark', name: 'seg-1' })!.data as string)).toEqual({
      event: 'mark',
      streamSid: 'MZ18ad3ab5a668481ce02b83e7395059f0',
      mark: { name: 'seg-1' },
    });
  });

  it('refuses bad input with the reason and skips our own echoed track', () => {
    const codec = new TwilioCodec();
    expect(codec.decode(new Uint8Array([1, 2, 3]), true)).toMatchObject({ type: 'invalid', problem: 'bad_frame_type' });
    expect(codec.decode('not json', false)).toMatchObject({ type: 'invalid', problem: 'bad_json' });
    expect(codec.decode('{"event":"media","media":{"payload":"@@@@"}}', false)).toMatchObject({ problem: 'bad_base64' });
    expect(codec.decode('{"event":"media","media":{"payload":""}}', false)).toMatchObject({ problem: 'bad_size' });
    expect(codec.decode(JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(8000).toString('base64') } }), false)).toMatchObject({ problem: 'bad_size' });
    expect(codec.decode('{"event":"start","start":{"streamSid":"MZ1","mediaFormat":{"encoding":"audio/l16","sampleRate":16000}}}', false)).toMatchObject({
      problem: 'bad_field',
    });
    expect(codec.decode('{"event":"media","media":{"track":"outbound","payload":"AAAA"}}', false)).toBeUndefined();
    expect(codec.decode('{"event":"somethingNew"}', false)).toMatchObject({ problem: 'unknown_kind' });
  });
});
