import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStandinStt } from '../../gateway/providers/stt/standin.ts';
import { createStandinTts } from '../../gateway/providers/tts/standin.ts';
import { startChild, type BenchChild } from './child.ts';
import type { StandinLateness } from './ipc.ts';
import type { StandinsChildOptions } from './standins-child.ts';

const dir = mkdtempSync(join(tmpdir(), 'standins-child-'));
let child: BenchChild;
const options: StandinsChildOptions = { sttFinalMs: 30, llmTtftMs: 40, llmTokensPerSec: 200, ttsTtfbMs: 30, ttsRealtimeFactor: 20, reply: 'Sure! Noted in your claim.' };

beforeAll(async () => {
  child = await startChild('standins', join(import.meta.dirname, 'standins-child.ts'), { BENCH_STANDINS: JSON.stringify(options) }, join(dir, 'standins.log'));
});
afterAll(async () => {
  await child?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('stand-ins child', () => {
  it('serves the LLM, STT and TTS stand-ins, takes transcripts over IPC, and reports how late it delivered', async () => {
    expect(Object.keys(child.urls).sort()).toEqual(['llm', 'stt', 'tts']);
    await child.channel.request({ type: 'lateness' });

    // STT: the caller announced its sentence; the recognizer returns it for that call only.
    await child.channel.request({ type: 'transcript', callId: 'call-1', text: 'my car was hit yesterday' });
    let onFinal: (text: string) => void = () => undefined;
    const final = new Promise<string>((resolve) => (onFinal = resolve));
    const stream = createStandinStt(child.urls.stt!).open({ lang: 'en-US', callId: 'call-1', onResult: (r) => r.kind === 'final' && onFinal(r.text) });
    const voiced = new Int16Array(320).fill(3000);
    for (let i = 0; i < 25; i++) stream.write(voiced);
    stream.speechEnded();
    expect(await final).toBe('my car was hit yesterday');
    await stream.close();

    // LLM: the scripted reply, streamed through the real SDK.
    const openai = new OpenAI({ baseURL: child.urls.llm!, apiKey: 'bench' });
    let text = '';
    for await (const chunk of await openai.chat.completions.create({ model: 'm', stream: true, messages: [{ role: 'user', content: 'hi' }] })) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(options.reply);

    // TTS: audio at the asked rate.
    let samples = 0;
    const tts = createStandinTts(child.urls.tts!);
    for await (const pcm of tts.synthesize({ text: 'Noted.', voice: { voice: 'bench', lang: 'en-US' }, style: 'none', rate: 1, sampleRateHz: 16000 }, new AbortController().signal)) samples += pcm.length;
    expect(samples).toBeGreaterThan(1600);

    // One delivery of each since the last report; the next report starts from none.
    const late = await child.channel.request<StandinLateness>({ type: 'lateness' });
    for (const k of ['stt_final', 'llm_first_token', 'tts_first_byte'] as const) {
      expect(late[k].p50).toBeGreaterThanOrEqual(0);
      expect(late[k].max).toBe(late[k].p50);
    }
    expect((await child.channel.request<StandinLateness>({ type: 'lateness' })).llm_first_token.p50).toBeNull();
  });
});
