import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alawDecode, alawDecodeSample, alawEncode, alawEncodeSample, mulawDecode, mulawEncode, mulawDecodeSample, mulawEncodeSample, MULAW_SILENCE } from './g711.ts';

const dir = mkdtempSync(join(tmpdir(), 'g711-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every 16-bit value once, as sox reads it (signed little endian). */
function allSamples(): Int16Array {
  const pcm = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) pcm[i] = i - 32768;
  return pcm;
}

/**
 * sox rounds at segment decision boundaries where the G.191 reference (ours) truncates: the codes
 * may differ there, by one quantisation step at most, and nowhere else.
 */
function expectNeighbours(ours: Uint8Array, theirs: Buffer, decode: (code: number) => number): void {
  let differ = 0;
  for (let i = 0; i < ours.length; i++) {
    if (decode(ours[i] as number) === decode(theirs[i] as number)) continue; // same level (μ-law has +0 and -0)
    differ++;
    const sample = i - 32768;
    const a = Math.abs(decode(ours[i] as number) - sample);
    const b = Math.abs(decode(theirs[i] as number) - sample);
    // Both choices bracket the sample: the two codes are adjacent levels.
    expect(Math.sign(decode(ours[i] as number) - sample) * Math.sign(decode(theirs[i] as number) - sample)).toBeLessThanOrEqual(0);
    expect(Math.max(a, b)).toBeLessThanOrEqual(1024);
  }
  expect(differ / ours.length).toBeLessThan(0.03);
}

function sox(input: Buffer, from: string[], to: string[]): Buffer {
  const src = join(dir, 'in.raw');
  const dst = join(dir, 'out.raw');
  writeFileSync(src, input);
  execFileSync('sox', ['-D', '-t', 'raw', ...from, '-r', '8000', '-c', '1', src, '-t', 'raw', ...to, '-r', '8000', '-c', '1', dst]);
  return readFileSync(dst);
}

describe('G.711 against sox', () => {
  it('μ-law encodes all 65536 sample values like sox', () => {
    const pcm = allSamples();
    const ours = new Uint8Array(pcm.length);
    mulawEncode(pcm, ours);
    const theirs = sox(Buffer.from(pcm.buffer), ['-e', 'signed', '-b', '16'], ['-e', 'u-law', '-b', '8']);
    expectNeighbours(ours, theirs, mulawDecodeSample);
  });

  it('μ-law decodes all 256 codes like sox', () => {
    const codes = new Uint8Array(256).map((_, i) => i);
    const ours = new Int16Array(256);
    mulawDecode(codes, ours);
    const theirs = sox(Buffer.from(codes), ['-e', 'u-law', '-b', '8'], ['-e', 'signed', '-b', '16']);
    expect(Array.from(ours)).toEqual(Array.from(new Int16Array(theirs.buffer, theirs.byteOffset, 256)));
  });

  it('A-law encodes all 65536 sample values like sox', () => {
    const pcm = allSamples();
    const ours = new Uint8Array(pcm.length);
    alawEncode(pcm, ours);
    const theirs = sox(Buffer.from(pcm.buffer), ['-e', 'signed', '-b', '16'], ['-e', 'a-law', '-b', '8']);
    expectNeighbours(ours, theirs, alawDecodeSample);
  });

  it('A-law decodes all 256 codes like sox', () => {
    const codes = new Uint8Array(256).map((_, i) => i);
    const ours = new Int16Array(256);
    alawDecode(codes, ours);
    const theirs = sox(Buffer.from(codes), ['-e', 'a-law', '-b', '8'], ['-e', 'signed', '-b', '16']);
    expect(Array.from(ours)).toEqual(Array.from(new Int16Array(theirs.buffer, theirs.byteOffset, 256)));
  });
});

describe('G.711 properties', () => {
  it('round-trips with the quantisation error of its segment (≤ 1/16 of the level + bias)', () => {
    for (let s = -32000; s <= 32000; s += 7) {
      const back = mulawDecodeSample(mulawEncodeSample(s));
      expect(Math.abs(back - s)).toBeLessThanOrEqual(Math.abs(s) / 16 + 8);
    }
    const pcm = new Int16Array([0, 100, -100, 1000, -1000, 12000, -12000, 32767, -32768]);
    const codes = new Uint8Array(pcm.length);
    const back = new Int16Array(pcm.length);
    alawEncode(pcm, codes);
    alawDecode(codes, back);
    for (let i = 0; i < pcm.length; i++) expect(Math.abs((back[i] as number) - (pcm[i] as number))).toBeLessThanOrEqual(Math.abs(pcm[i] as number) / 16 + 16);
  });

  it('keeps silence silent and is odd-symmetric', () => {
    expect(mulawDecodeSample(MULAW_SILENCE)).toBe(0);
    expect(mulawEncodeSample(0)).toBe(MULAW_SILENCE);
    for (let s = 1; s < 32000; s += 101) expect(mulawDecodeSample(mulawEncodeSample(-s)) + mulawDecodeSample(mulawEncodeSample(s))).toBe(0);
  });

  it('encodes every decoded level back to its own code', () => {
    for (let code = 0; code < 256; code++) {
      if (code !== 0x7f) expect(mulawEncodeSample(mulawDecodeSample(code))).toBe(code); // 0x7f is μ-law's "-0"
      expect(alawEncodeSample(alawDecodeSample(code))).toBe(code);
    }
  });

  it('refuses an output that is too short', () => {
    expect(() => mulawDecode(new Uint8Array(160), new Int16Array(80))).toThrow(RangeError);
    expect(() => alawEncode(new Int16Array(160), new Uint8Array(80))).toThrow(RangeError);
  });
});
