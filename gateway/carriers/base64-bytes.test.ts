import { describe, expect, it } from 'vitest';
import { base64Length, decodeBase64Bytes, encodeBase64Bytes } from './base64-bytes.ts';

const ascii = (s: string) => new TextEncoder().encode(s);

describe('base64 between byte arrays', () => {
  it('encodes every length like Buffer, at an offset', () => {
    const src = Uint8Array.from({ length: 70 }, (_, i) => (i * 97 + 13) & 255);
    for (let n = 0; n <= src.length; n++) {
      const out = new Uint8Array(3 + base64Length(n));
      const end = encodeBase64Bytes(src, 0, n, out, 3);
      expect(end).toBe(out.length);
      expect(Buffer.from(out.subarray(3)).toString('latin1')).toBe(Buffer.from(src.subarray(0, n)).toString('base64'));
    }
  });

  it('decodes canonical base64 like Buffer, from the middle of a message', () => {
    const out = new Uint8Array(64);
    for (let n = 0; n <= 48; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
      const text = ascii(`"x":"${Buffer.from(bytes).toString('base64')}"`);
      const written = decodeBase64Bytes(text, 5, text.length - 1, out);
      expect(written).toBe(n);
      expect(Array.from(out.subarray(0, n))).toEqual(Array.from(bytes));
    }
  });

  it('refuses what is not canonical standard base64, and what does not fit', () => {
    const out = new Uint8Array(6);
    const decode = (s: string) => decodeBase64Bytes(ascii(s), 0, s.length, out);
    expect(decode('AAA')).toBe(-1);
    expect(decode('AA=A')).toBe(-1);
    expect(decode('A===')).toBe(-1);
    expect(decode('AA-_')).toBe(-1); // URL-safe alphabet: left to Buffer's lenient decoder
    expect(decode('AA A')).toBe(-1);
    expect(decode('AAAAAAAAAAAA')).toBe(-2);
    expect(decode('AAAAAAAA')).toBe(6);
    expect(decode('AAAAAA==')).toBe(4);
    expect(decode('')).toBe(0);
  });
});
