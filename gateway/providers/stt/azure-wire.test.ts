/**
 * Azure STT through the real Speech SDK against the Speech-protocol stand-in: partials and finals
 * from continuous recognition, and a language switch on a fresh connection.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startAzureSpeechStandin, type AzureSpeechStandin } from '../../../bench/standins/azure-speech-server.ts';
import { createAzureStt } from './azure.ts';
import type { SttResult, SttStream } from './types.ts';

/** 20 ms frames of a 300 Hz tone at 16 kHz. */
function writeTone(stream: SttStream, ms: number): void {
  const frame = new Int16Array(320);
  for (let i = 0; i < frame.length; i++) frame[i] = Math.round(6000 * Math.sin((2 * Math.PI * 300 * i) / 16000));
  for (let t = 0; t < ms; t += 20) stream.write(frame);
}

/** Collects results and resolves waiters on the first final matching a predicate. */
function recorder() {
  const results: SttResult[] = [];
  const errors: unknown[] = [];
  let waiters: { test: (r: SttResult) => boolean; resolve: (r: SttResult) => void }[] = [];
  return {
    results,
    errors,
    onResult(r: SttResult) {
      results.push(r);
      const hit = waiters.filter((w) => w.test(r));
      waiters = waiters.filter((w) => !w.test(r));
      for (const w of hit) w.resolve(r);
    },
    onError(e: unknown) {
      errors.push(e);
    },
    next(test: (r: SttResult) => boolean): Promise<SttResult> {
      const found = results.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

let standin: AzureSpeechStandin | undefined;
let stream: SttStream | undefined;
afterEach(async () => {
  await stream?.close();
  await standin?.close();
  stream = undefined;
  standin = undefined;
});

describe('Azure STT over the Speech WebSocket protocol', () => {
  it('streams 16 kHz PCM and emits the partial then the final the service sent', async () => {
    standin = await startAzureSpeechStandin({ sttText: (lang) => (lang === 'en-US' ? 'I would like to book a table' : 'unexpected') });
    const rec = recorder();
    const pendingAtPartial: boolean[] = [];
    const onResult = (r: SttResult) => {
      if (r.kind === 'partial') pendingAtPartial.push(stream?.pending ?? false);
      rec.onResult(r);
    };
    stream = createAzureStt({ key: 'test-key', endpoint: standin.sttEndpoint }).open({ lang: 'en-US', callId: 'call-1', onResult, onError: rec.onError });
    writeTone(stream, 600); // more than the 0.5 s the stand-in wants per utterance

    const final = await rec.next((r) => r.kind === 'final');
    expect(final.text).toBe('I would like to book a table');
    expect(rec.results).toEqual([
      { kind: 'partial', text: 'I would like to' },
      { kind: 'final', text: 'I would like to book a table' },
    ]);
    expect(pendingAtPartial).toEqual([true]);
    expect(stream.pending).toBe(false);
    expect(rec.errors).toEqual([]);
    const session = standin.sttSessions[0]!;
    expect(session.language).toBe('en-US');
    expect(session.paths).toContain('speech.config');
    expect(session.paths).toContain('speech.context');
    expect(session.audioBytes).toBeGreaterThanOrEqual(16000);
  }, 30_000);

  it('switching language opens a new connection in the new language', async () => {
    standin = await startAzureSpeechStandin({ sttText: (lang) => (lang === 'fr-FR' ? 'je voudrais réserver' : 'hello there') });
    const rec = recorder();
    stream = createAzureStt({ key: 'test-key', endpoint: standin.sttEndpoint }).open({ lang: 'en-US', callId: 'call-2', onResult: rec.onResult, onError: rec.onError });
    writeTone(stream, 600);
    await rec.next((r) => r.kind === 'final' && r.text === 'hello there');

    stream.setLanguage('fr-FR');
    writeTone(stream, 600);
    const final = await rec.next((r) => r.kind === 'final' && r.text === 'je voudrais réserver');
    expect(final.kind).toBe('final');
    expect(standin.sttSessions.map((s) => s.language)).toEqual(['en-US', 'fr-FR']);
    expect(standin.sttSessions[1]!.finals).toEqual(['je voudrais réserver']);
    expect(rec.results.filter((r) => r.kind === 'final').map((r) => r.text)).toEqual(['hello there', 'je voudrais réserver']);
    expect(rec.errors).toEqual([]);
  }, 30_000);
});
