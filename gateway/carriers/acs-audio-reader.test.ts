import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AcsAudioReader } from './acs-audio-reader.ts';

const recorded = readFileSync(join(import.meta.dirname, 'fixtures/acs-session.jsonl'), 'utf8').trim().split('\n');
const bytes = (s: string) => new TextEncoder().encode(s);

describe('ACS AudioData reader', () => {
  it('finds the data and the silent flag of recorded AudioData messages in place', () => {
    const reader = new AcsAudioReader();
    for (const [line, silent] of [
      [recorded[1]!, false],
      [recorded[3]!, true],
    ] as const) {
      const b = bytes(line);
      expect(reader.read(b)).toBe(true);
      const parsed = JSON.parse(line) as { audioData: { data: string } };
      expect(Buffer.from(b.subarray(reader.dataStart, reader.dataEnd)).toString('latin1')).toBe(parsed.audioData.data);
      expect(reader.silent).toBe(silent);
    }
  });

  it('declines other kinds and shapes it does not read exactly (the general path takes them)', () => {
    const reader = new AcsAudioReader();
    expect(reader.read(bytes(recorded[0]!))).toBe(false); // AudioMetadata
    expect(reader.read(bytes(recorded[4]!))).toBe(false); // DtmfData
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA","x":{}}}'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA","who":"\\u0041"}}'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"silent":true}}'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA"}} x'))).toBe(false);
    expect(reader.read(bytes('{"kind":"AudioData","audioData":{"data":"AAAA"}} '))).toBe(true);
  });
});
