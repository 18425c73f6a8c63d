import { describe, expect, it } from 'vitest';
import { base64Length, decodeBase64ToQuote, decodedLength, encodeBase64Bytes } from './base64-bytes.ts';

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

  it('decodes canonical base64 like Buffer, from a JSON string up to its closing quote', () => {
    const out = new Uint8Array(64);
    for (let n = 0; n <= 48; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
      const json = `"x":"${Buffer.from(bytes).toString('base64')}","y":1`;
      const text = ascii(json);
      const end = decodeBase64ToQuote(text, 5, out);
      expect(end).toBe(json.indexOf('",'));
      expect(decodedLength(text, 5, end)).toBe(n);
      expect(Array.from(out.subarray(0, n))).toEqual(Array.from(bytes));
    }
  });

  it('refuses what is not canonical standard base64 up to a quote, and what does not fit', () => {
    const out = new Uint8Array(6);
    const decode = (s: string) => decodeBase64ToQuote(ascii(`${s}"`), 0, out);
    expect(decode('AAA')).toBe(-1);
    expect(decode('AAAAA')).toBe(-1);
    expect(decode('AA=A')).toBe(-1);
    expect(decode('A===')).toBe(-1);
    expect(decode('AA==AAAA')).toBe(-1);
    expect(decode('AA-_')).toBe(-1); // URL-safe alphabet: left to Buffer's lenient decoder
    expect(decode('AA A')).toBe(-1);
    expect(decode('AA\\u0041AA')).toBe(-1);
    expect(decode('AAAAAAAAAAAA')).toBe(-1); // 9 bytes in 6
    expect(decode('AAAAAAAAAA==')).toBe(-1); // 7 bytes in 6
    expect(decode('AAAAAAAA')).toBe(8);
    expect(decode('AAAAAA==')).toBe(8);
    expect(decode('AAAAAAA=')).toBe(8);
    expect(decode('')).toBe(0);
    expect(decodeBase64ToQuote(ascii('AAAA'), 0, out)).toBe(-1); // no closing quote
    expect(decodeBase64ToQuote(ascii('AA=='), 0, out)).toBe(-1);
  });
});
