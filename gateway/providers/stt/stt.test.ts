import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as sdk from 'microsoft-cognitiveservices-speech-sdk';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLlmStandin, type LlmStandin } from '../../../bench/standins/llm-server.ts';
import { startSttStandin, type SttStandin } from '../../../bench/standins/stt-server.ts';
import { ProviderError } from '../errors.ts';
import { azureRecognitionConfig } from './azure.ts';
import { createOpenAiStt, isoLanguage, wavFile } from './openai.ts';
import { createStandinStt } from './standin.ts';
import type { SttResult } from './types.ts';

const frame = (value = 500) => new Int16Array(320).fill(value);

let stt: SttStandin | undefined;
let llm: LlmStandin | undefined;
afterEach(async () => {
  await stt?.close();
  await llm?.close();
  stt = undefined;
  llm = undefined;
});

describe('stand-in STT client', () => {
  it('streams audio, gets partials then a final per utterance, and switches language', async () => {
    const script = ['I lost my phone', 'my name is Jane Doe'];
    stt = await startSttStandin({ transcript: (u) => script[u.index] ?? '', finalDelayMs: 10 });
    const results: SttResult[] = [];
    const stream = createStandinStt(stt.url).open({ lang: 'en-US', callId: 'call-1', onResult: (r) => results.push(r) });
    stream.speechStarted();
    for (let i = 0; i < 50; i++) stream.write(frame());
    await vi.waitFor(() => expect(results.some((r) => r.kind === 'partial')).toBe(true));
    stream.speechEnded();
    expect(stream.pending).toBe(true);
    await vi.waitFor(() => expect(results.filter((r) => r.kind === 'final')).toHaveLength(1));
    expect(stream.pending).toBe(false);
    stream.setLanguage('fr-FR');
    stream.speechStarted();
    for (let i = 0; i < 20; i++) stream.write(frame());
    stream.speechEnded();
    await vi.waitFor(() => expect(results.filter((r) => r.kind === 'final')).toHaveLength(2));
    expect(results.filter((r) => r.kind === 'final').map((r) => r.text)).toEqual(script);
    expect(stt.sessions[0]?.callId).toBe('call-1');
    expect(stt.sessions[0]?.langs).toEqual(['en-US', 'fr-FR']);
    expect(stt.sessions[0]?.utterances[0]?.audioMs).toBe(1000);
    await stream.close();
    await vi.waitFor(() => expect(stt?.sessions[0]?.ended).toBe(true));
  });

  it('sends every audio batch intact, written back to back or after the socket has flushed', async () => {
    // A bare server that keeps the raw request body: frames are [kind u8][length u32 LE][payload].
    let body = Buffer.alloc(0);
    let onData = () => undefined as void;
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.flushHeaders();
      req.on('data', (chunk: Buffer) => {
        body = Buffer.concat([body, chunk]);
        onData();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const received = (bytes: number) => new Promise<void>((resolve) => (onData = () => void (body.length >= bytes && resolve())));
    const frameBytes = 5 + 1600 * 2; // five 20 ms frames per batch
    try {
      const stream = createStandinStt(`http://127.0.0.1:${(server.address() as AddressInfo).port}`).open({ lang: 'en-US', callId: 'c', onResult: () => undefined });
      // Ten batches in one go (the socket still holds the earlier ones), then ten one at a time.
      for (let i = 0; i < 50; i++) stream.write(frame(i));
      await received(10 * frameBytes);
      for (let i = 50; i < 100; i++) {
        stream.write(frame(i));
        if (i % 5 === 4) await received(((i + 1) / 5) * frameBytes);
      }
      for (let b = 0; b < 20; b++) {
        const at = b * frameBytes;
        expect([body[at], body.readUInt32LE(at + 1)]).toEqual([1, 3200]);
        const samples = new Int16Array(body.buffer.slice(body.byteOffset + at + 5, body.byteOffset + at + frameBytes));
        expect([samples[0], samples[319], samples[320], samples[1599]]).toEqual([5 * b, 5 * b, 5 * b + 1, 5 * b + 4]);
      }
      await stream.close();
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('reports a dead service as an error and clears pending', async () => {
    stt = await startSttStandin();
    const url = stt.url;
    await stt.close();
    stt = undefined;
    const errors: unknown[] = [];
    const stream = createStandinStt(url).open({ lang: 'en-US', callId: 'c', onResult: () => undefined, onError: (e) => errors.push(e) });
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toBeInstanceOf(ProviderError);
    stream.speechEnded();
    expect(stream.pending).toBe(false);
    await stream.close();
  });
});

describe('OpenAI STT against the stand-in', () => {
  it('posts each utterance as a WAV with pre-roll and the language, finals in order', async () => {
    const texts = ['first utterance', 'second one'];
    let n = 0;
    llm = await startLlmStandin({ transcribe: () => texts[n++] ?? '' });
    const results: SttResult[] = [];
    const stream = createOpenAiStt({ model: 'gpt-4o-mini-transcribe', endpoint: llm.url, api_key: 'k' }).open({ lang: 'fr-FR', callId: 'c', onResult: (r) => results.push(r) });
    for (let i = 0; i < 30; i++) stream.write(frame(1)); // 600 ms before speech: only 300 ms kept
    stream.speechStarted();
    for (let i = 0; i < 50; i++) stream.write(frame(2));
    stream.speechEnded();
    expect(stream.pending).toBe(true);
    stream.speechStarted();
    for (let i = 0; i < 10; i++) stream.write(frame(3));
    stream.speechEnded();
    await vi.waitFor(() => expect(results).toHaveLength(2));
    expect(results.map((r) => r.text)).toEqual(texts);
    expect(stream.pending).toBe(false);
    const first = llm.transcriptions[0]!;
    expect(first.language).toBe('fr');
    expect(first.audio.length).toBe(44 + (4800 + 16000) * 2);
    await stream.close();
  });
});

describe('STT helpers', () => {
  it('writes a valid WAV header', () => {
    const wav = wavFile(new Int16Array([1, 2, 3]), 16000);
    const v = new DataView(wav.buffer);
    expect(new TextDecoder().decode(wav.subarray(0, 4))).toBe('RIFF');
    expect(v.getUint32(24, true)).toBe(16000);
    expect(v.getUint32(40, true)).toBe(6);
    expect(isoLanguage('fr-FR')).toBe('fr');
  });

  it('maps Azure settings to a recognition config, refusing missing keys', () => {
    const config = azureRecognitionConfig({ key: 'k', region: 'westeurope' }, 'fr-FR');
    expect(config.speechRecognitionLanguage).toBe('fr-FR');
    expect(config.region).toBe('westeurope');
    expect(config.getProperty(sdk.PropertyId[sdk.PropertyId.Speech_SegmentationSilenceTimeoutMs])).toBe('300');
    expect(azureRecognitionConfig({ key: 'k', endpoint: 'wss://example.test/stt' }, 'en-US').getProperty(sdk.PropertyId[sdk.PropertyId.SpeechServiceConnection_Endpoint])).toBe('wss://example.test/stt');
    expect(() => azureRecognitionConfig({ region: 'x' }, 'en-US')).toThrow(/stt.azure.key/);
    expect(() => azureRecognitionConfig({ key: 'k' }, 'en-US')).toThrow(/region/);
  });
});
