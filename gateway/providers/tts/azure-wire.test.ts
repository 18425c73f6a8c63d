/**
 * Azure TTS through the real Speech SDK against the Speech-protocol stand-in: the SSML the
 * service sees and the PCM the provider yields.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAzureSpeechStandin, type AzureSpeechStandin } from '../../../bench/standins/azure-speech-server.ts';
import { ProviderError } from '../errors.ts';
import { createAzureTts } from './azure.ts';
import type { TtsProvider, TtsRequest } from './types.ts';

const request = (over: Partial<TtsRequest> = {}): TtsRequest => ({
  text: 'Bonjour, je vous appelle au sujet de votre dossier.',
  voice: { lang: 'fr-FR', voice: 'fr-FR-DeniseNeural' },
  style: 'cheerful',
  rate: 1.2,
  sampleRateHz: 16000,
  ...over,
});

async function collect(tts: TtsProvider, req: TtsRequest): Promise<Int16Array> {
  const parts: Int16Array[] = [];
  for await (const c of tts.synthesize(req, new AbortController().signal)) parts.push(c);
  const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    pcm.set(p, o);
    o += p.length;
  }
  return pcm;
}

let standin: AzureSpeechStandin | undefined;
let tts: TtsProvider | undefined;
afterEach(async () => {
  await tts?.close();
  await standin?.close();
  tts = undefined;
  standin = undefined;
});

describe('Azure TTS over the Speech WebSocket protocol', () => {
  it('sends SSML with the voice, style and rate, asks for raw PCM and yields exactly the PCM sent', async () => {
    standin = await startAzureSpeechStandin();
    tts = createAzureTts({ key: 'test-key', endpoint: standin.ttsEndpoint });
    const pcm = await collect(tts, request());

    expect(standin.ttsRequests).toHaveLength(1);
    const seen = standin.ttsRequests[0]!;
    expect(seen.voice).toBe('fr-FR-DeniseNeural');
    expect(seen.ssml).toContain('<mstts:express-as style="cheerful"');
    expect(seen.ssml).toContain('<prosody rate="+20%">Bonjour, je vous appelle au sujet de votre dossier.</prosody>');
    expect(seen.ssml).toContain('xml:lang="fr-FR"');
    expect(seen.outputFormat).toBe('raw-16khz-16bit-mono-pcm');
    expect(seen.sampleRateHz).toBe(16000);
    expect(seen.audio.length).toBeGreaterThan(16000);
    expect(pcm.length).toBe(seen.audio.length);
    expect(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).equals(Buffer.from(seen.audio.buffer, seen.audio.byteOffset, seen.audio.byteLength))).toBe(true);
  }, 30_000);

  it('asks for the outbound rate natively and reuses the connection for the next sentence', async () => {
    standin = await startAzureSpeechStandin();
    tts = createAzureTts({ key: 'test-key', endpoint: standin.ttsEndpoint });
    const first = await collect(tts, request({ sampleRateHz: 8000, style: 'none', rate: 1, text: 'One.' }));
    const second = await collect(tts, request({ sampleRateHz: 8000, style: 'none', rate: 0.85, text: 'Two, a little slower.' }));

    expect(standin.ttsRequests.map((r) => r.outputFormat)).toEqual(['raw-8khz-16bit-mono-pcm', 'raw-8khz-16bit-mono-pcm']);
    expect(standin.ttsRequests[0]!.ssml).not.toContain('express-as');
    expect(standin.ttsRequests[1]!.ssml).toContain('<prosody rate="-15%">');
    expect(new Set(standin.ttsRequests.map((r) => r.url)).size).toBe(1);
    expect(first).toEqual(standin.ttsRequests[0]!.audio);
    expect(second).toEqual(standin.ttsRequests[1]!.audio);
  }, 30_000);

  it('a refused request fails with a ProviderError and the next sentence still plays', async () => {
    standin = await startAzureSpeechStandin();
    tts = createAzureTts({ key: 'test-key', endpoint: standin.ttsEndpoint });
    const failed = collect(tts, request({ voice: { lang: 'en-US', voice: '' } }));
    await expect(failed).rejects.toBeInstanceOf(ProviderError);
    await expect(failed).rejects.toThrow(/no voice name/);
    const pcm = await collect(tts, request({ text: 'Back again.' }));
    expect(standin.ttsRequests).toHaveLength(2);
    expect(standin.ttsRequests[1]!.voice).toBe('fr-FR-DeniseNeural');
    expect(pcm.length).toBeGreaterThan(0);
    expect(pcm).toEqual(standin.ttsRequests[1]!.audio);
  }, 30_000);
});
