import { afterEach, describe, expect, it } from 'vitest';
import { startTtsStandin, type TtsStandin } from './tts-server.ts';
import { espeakAvailable } from './voice.ts';

let tts: TtsStandin | undefined;
afterEach(async () => {
  await tts?.close();
  tts = undefined;
});

async function synth(url: string, body: object): Promise<{ status: number; pcm: Int16Array; chunks: number; rate: string | null }> {
  const res = await fetch(`${url}/v1/synthesize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) return { status: res.status, pcm: new Int16Array(), chunks: 0, rate: null };
  const parts: Uint8Array[] = [];
  for await (const c of res.body!) parts.push(c);
  const bytes = Buffer.concat(parts);
  return { status: res.status, pcm: new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2), chunks: parts.length, rate: res.headers.get('x-sample-rate') };
}

describe('TTS stand-in', () => {
  it('streams non-silent PCM at the requested rate, in chunks, with a length that follows the text', async () => {
    tts = await startTtsStandin({ ttfbMs: 5, realtimeFactor: 50 });
    const short = await synth(tts.url, { text: 'Hello.', sample_rate_hz: 16000 });
    const long = await synth(tts.url, { text: 'Hello, this is a much longer sentence to speak.', sample_rate_hz: 24000, style: 'cheerful', rate: 1.2 });
    expect(short.status).toBe(200);
    expect(short.rate).toBe('16000');
    expect(long.pcm.length / 24000).toBeGreaterThan(short.pcm.length / 16000);
    expect(long.chunks).toBeGreaterThan(1);
    expect(long.pcm.some((s) => Math.abs(s) > 2000)).toBe(true);
    expect(tts.requests.map((r) => r.style)).toEqual([undefined, 'cheerful']);
  });

  it('refuses bad requests with a clear error', async () => {
    tts = await startTtsStandin();
    const res = await fetch(`${tts.url}/v1/synthesize`, { method: 'POST', body: JSON.stringify({ text: 'x', sample_rate_hz: 12345 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('sample_rate_hz');
    expect((await fetch(`${tts.url}/v1/synthesize`, { method: 'POST', body: 'nope' })).status).toBe(400);
  });

  it('returns scripted failures', async () => {
    tts = await startTtsStandin({ fail: () => ({ status: 503 }) });
    expect((await synth(tts.url, { text: 'Hello.', sample_rate_hz: 16000 })).status).toBe(503);
  });

  it.runIf(espeakAvailable())('speaks with espeak-ng when asked', async () => {
    tts = await startTtsStandin({ ttfbMs: 0, realtimeFactor: Infinity, voice: 'espeak' });
    const r = await synth(tts.url, { text: 'Good morning, how are you?', sample_rate_hz: 16000, lang: 'en-US' });
    expect(r.pcm.length).toBeGreaterThan(16000 * 0.8);
    expect(r.pcm.some((s) => Math.abs(s) > 1000)).toBe(true);
  });
});
