import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcsAudioReader } from './acs-audio-reader.ts';

const recorded = readFileSync(join(import.meta.dirname, 'fixtures/acs-session.jsonl'), 'utf8').trim().split('\n');
const bytes = (s: string) => new TextEncoder().encode(s);

describe('ACS AudioData reader', () => {
  it('decodes the data and reads the silent flag of recorded AudioData messages in place', () => {
    const out = new Uint8Array(9600);
    const reader = new AcsAudioReader(out);
    for (const [line, silent] of [
      [recorded[1]!, false],
      [recorded[3]!, true],
    ] as const) {
      expect(reader.read(bytes(line))).toBe(true);
      const parsed = JSON.parse(line) as { audioData: { data: string } };
      expect(Buffer.from(out.subarray(0, reader.bytes)).toString('base64')).toBe(parsed.audioData.data);
      expect(reader.silent).toBe(silent);
    }
  });

  it('declines other kinds and shapes it does not read exactly (the general path takes them)', () => {
    const reader = new AcsAudioReader(new Uint8Array(9600));
    expect(reader.read(bytes(recorded[0]!))).toBe(false); // AudioMetadata
    expect(reader.read(bytes(recorded[4]!))).toBe(false); // DtmfData
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA","x":{}}}'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA","who":"\\u0041"}}'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"silent":true}}'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA"}} x'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AA-_"}}'))).toBe(false); // URL-safe: Buffer's lenient decoder decides
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAAAAAAAAAAAAAA"}}'))).toBe(true);
    expect(new AcsAudioReader(new Uint8Array(9)).read(bytes('{"kind":"AudioData","audioData":{"data":"AAAAAAAAAAAAAAAA"}}'))).toBe(false); // 12 bytes do not fit
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA"}} '))).toBe(true);
  });
});
