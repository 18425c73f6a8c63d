import { afterEach, describe, expect, it } from 'vitest';
import { startLlmStandin, type LlmStandin } from '../../../bench/standins/llm-server.ts';
import { startTtsStandin, type TtsStandin } from '../../../bench/standins/tts-server.ts';
import { ProviderError } from '../errors.ts';
import { azureOutputRate } from './azure.ts';
import { createEspeakTts, espeakInstalled, espeakVoiceFor, parseWav } from './espeak.ts';
import { createOpenAiTts } from './openai.ts';
import { LinearResampler, pcm16FromBytes } from './resample.ts';
import { buildSsml, prosodyRate } from './ssml.ts';
import { createStandinTts } from './standin.ts';
import type { TtsProvider, TtsRequest } from './types.ts';

const request = (over: Partial<TtsRequest> = {}): TtsRequest => ({
  text: 'Hello, this is a test sentence.',
  voice: { lang: 'en-US', voice: 'en-US-AvaMultilingualNeural' },
  style: 'none',
  rate: 1,
  sampleRateHz: 16000,
  ...over,
});

async function all(tts: TtsProvider, req: TtsRequest, signal = new AbortController().signal): Promise<{ pcm: Int16Array; chunks: number }> {
  const parts: Int16Array[] = [];
  for await (const c of tts.synthesize(req, signal)) parts.push(c);
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    pcm.set(p, o);
    o += p.length;
  }
  return { pcm, chunks: parts.length };
}

const rms = (pcm: Int16Array) => Math.sqrt(pcm.reduce((s, v) => s + v * v, 0) / Math.max(1, pcm.length));

let standin: TtsStandin | undefined;
let llm: LlmStandin | undefined;
afterEach(async () => {
  await standin?.close();
  await llm?.close();
  standin = undefined;
  llm = undefined;
});

describe('stand-in TTS client', () => {
  it('streams PCM at the requested rate and passes voice, style and rate', async () => {
    standin = await startTtsStandin({ ttfbMs: 1, realtimeFactor: 100 });
    const { pcm, chunks } = await all(createStandinTts(standin.url), request({ style: 'cheerful', rate: 1.1, sampleRateHz: 24000 }));
    expect(chunks).toBeGreaterThan(1);
    expect(pcm.length).toBeGreaterThan(24000); // ~2 s for 31 characters
    expect(rms(pcm)).toBeGreaterThan(500);
    expect(standin.requests[0]).toMatchObject({ text: 'Hello, this is a test sentence.', sample_rate_hz: 24000, style: 'cheerful', rate: 1.1, lang: 'en-US' });
  });

  it('maps service errors to ProviderError with retryable', async () => {
    standin = await startTtsStandin({ fail: () => ({ status: 503 }) });
    const err = await all(createStandinTts(standin.url), request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).retryable).toBe(true);
  });

  it('stops with the abort reason', async () => {
    standin = await startTtsStandin({ ttfbMs: 1, realtimeFactor: 1 });
    const controller = new AbortController();
    const reason = new Error('bargein');
    let n = 0;
    const err = await (async () => {
      for await (const _ of createStandinTts(standin!.url).synthesize(request(), controller.signal)) if (++n === 1) controller.abort(reason);
    })().catch((e: unknown) => e);
    expect(err).toBe(reason);
  });
});

describe('OpenAI TTS against the stand-in', () => {
  it('asks for pcm and resamples 24 kHz to the outbound rate', async () => {
    llm = await startLlmStandin({ speechTtfbMs: 1 });
    const tts = createOpenAiTts({ model: 'gpt-4o-mini-tts', voice: 'alloy', endpoint: llm.url, api_key: 'k' });
    const { pcm } = await all(tts, request({ style: 'sad', sampleRateHz: 16000 }));
    const { pcm: pcm24 } = await all(tts, request({ sampleRateHz: 24000 }));
    expect(Math.abs(pcm.length / 16000 - pcm24.length / 24000)).toBeLessThan(0.01);
    expect(rms(pcm)).toBeGreaterThan(500);
    expect(llm.speeches[0]).toMatchObject({ response_format: 'pcm', voice: 'alloy', instructions: expect.stringContaining('empathetic') });
  });

  it('fails clearly without credentials', () => {
    expect(() => createOpenAiTts({ model: 'm', voice: 'alloy' }).synthesize(request(), new AbortController().signal)).toThrow(/OPENAI_API_KEY/);
  });
});

describe.runIf(espeakInstalled())('espeak-ng TTS', () => {
  it('speaks English and French at the requested rate', async () => {
    const tts = createEspeakTts();
    const en = await all(tts, request({ text: 'Good morning.' }));
    const fr = await all(tts, request({ text: 'Bonjour, comment allez-vous ?', voice: { lang: 'fr-FR', voice: 'x' }, sampleRateHz: 8000 }));
    expect(en.pcm.length / 16000).toBeGreaterThan(0.5);
    expect(fr.pcm.length / 8000).toBeGreaterThan(0.8);
    expect(rms(en.pcm)).toBeGreaterThan(300);
  });
});

describe('TTS helpers', () => {
  it('maps languages to espeak voices', () => {
    expect(espeakVoiceFor('en-US')).toBe('en-us');
    expect(espeakVoiceFor('en-GB')).toBe('en-gb');
    expect(espeakVoiceFor('fr-FR')).toBe('fr');
  });

  it('builds Azure SSML with escaping, style and rate', () => {
    const ssml = buildSsml({ text: 'Tom & Jerry <3 "quotes"', lang: 'fr-FR', voice: 'fr-FR-DeniseNeural', style: 'cheerful', rate: 1.2 });
    expect(ssml).toContain('<voice name="fr-FR-DeniseNeural">');
    expect(ssml).toContain('<mstts:express-as style="cheerful" styledegree="1">');
    expect(ssml).toContain('<prosody rate="+20%">Tom &amp; Jerry &lt;3 &quot;quotes&quot;</prosody>');
    expect(ssml).toContain('xml:lang="fr-FR"');
    expect(buildSsml({ text: 'x', lang: 'en-US', voice: 'v', style: 'none', rate: 1 })).not.toContain('express-as');
    expect(prosodyRate(0.85)).toBe('-15%');
    expect(azureOutputRate(16000)).toBe(16000);
    expect(azureOutputRate(22050)).toBe(24000);
  });

  it('resamples a sine in chunks without changing its frequency or breaking joins', () => {
    const from = 24000;
    const to = 16000;
    const tone = new Int16Array(from).map((_, i) => Math.round(10000 * Math.sin((2 * Math.PI * 440 * i) / from)));
    const r = new LinearResampler(from, to);
    const parts = [tone.subarray(0, 1001), tone.subarray(1001, 5003), tone.subarray(5003)].map((p) => r.process(p));
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    expect(Math.abs(out.length - to)).toBeLessThanOrEqual(2);
    let maxErr = 0;
    for (let i = 0; i < out.length; i++) maxErr = Math.max(maxErr, Math.abs((out[i] ?? 0) - 10000 * Math.sin((2 * Math.PI * 440 * i) / to)));
    expect(maxErr).toBeLessThan(300);
  });

  it('reassembles samples split across odd byte boundaries', async () => {
    const samples = new Int16Array([1, -2, 300, -32768, 32767]);
    const bytes = new Uint8Array(samples.buffer);
    async function* chunks() {
      yield bytes.subarray(0, 3);
      yield bytes.subarray(3, 4);
      yield bytes.subarray(4, 9);
      yield bytes.subarray(9);
    }
    const out: number[] = [];
    for await (const c of pcm16FromBytes(chunks())) out.push(...c);
    expect(out).toEqual([1, -2, 300, -32768, 32767]);
  });

  it('rejects something that is not a WAV', () => {
    expect(() => parseWav(Buffer.from('not a wav file at all, definitely not one here'))).toThrow(ProviderError);
  });
});
