/**
 * The softphone page in real headless Chromium against the whole stack: control and the gateway
 * (real uWS, DSP, Silero VAD, conversation engine), with stand-ins only for the cloud AI services.
 * Chromium's fake microphone plays a WAV of espeak-ng speech; the page places a call, the bot
 * greets and answers with audio, and the transcript shows both sides.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { speak, writeWav } from '../../bench/speech/index.ts';
import { startLlmStandin, startSttStandin, startTtsStandin, type LlmStandin, type SttStandin, type TtsStandin } from '../../bench/standins/index.ts';
import { createEngineFactory } from '../../gateway/engine/index.ts';
import { startGateway, type GatewayHandle } from '../../gateway/index.ts';
import { loadConfig } from '../contract/index.ts';
import { startControl, type ControlServer } from '../index.ts';
import { freePort } from './support/free-port.ts';

const CALLER_TEXT = 'Hello, my laptop screen stays black.';
const ANSWER = 'I am sorry to hear that. Let me open a ticket for you.';

let dir: string;
let llm: LlmStandin;
let stt: SttStandin;
let tts: TtsStandin;
let control: ControlServer;
let gateway: GatewayHandle;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'softphone-e2e-'));
  // The fake microphone loops this file: 2.5 s of silence (the greeting plays), speech, 4 s of silence.
  const speech = await speak(CALLER_TEXT, { voice: 'en-us' });
  const pcm = new Int16Array(16_000 * 2.5 + speech.pcm.length + 16_000 * 4);
  pcm.set(speech.pcm, 16_000 * 2.5);
  writeFileSync(join(dir, 'mic.wav'), writeWav(pcm, 16_000));

  llm = await startLlmStandin({ respond: () => ({ content: ANSWER }) });
  // The first utterance is the caller's sentence; the looping fake microphone's repeats are ignored.
  let utterances = 0;
  stt = await startSttStandin({ transcript: () => (utterances++ === 0 ? CALLER_TEXT : '') });
  tts = await startTtsStandin({});
  const [controlPort, gatewayPort] = [await freePort(), await freePort()];
  const config = loadConfig({
    file: '/dev/null',
    env: {},
    overrides: {
      secrets: { media_token_key: 'm'.repeat(40), service_token: 's'.repeat(40) },
      control: { port: controlPort, host: '127.0.0.1', public_url: `http://127.0.0.1:${controlPort}` },
      gateway: { port: gatewayPort, host: '127.0.0.1', public_url: `ws://127.0.0.1:${gatewayPort}`, control_url: `http://127.0.0.1:${controlPort}` },
      store: { kind: 'sqlite', sqlite: { path: join(dir, 'calls.sqlite') } },
      queue: { kind: 'sqlite', sqlite: { path: join(dir, 'jobs.sqlite') } },
      rag: { documents_dir: join(dir, 'docs'), index_path: join(dir, 'rag.sqlite') },
      llm: {
        fast: { endpoint: llm.url, api_key: 'test', model: 'fast' },
        slow: { endpoint: llm.url, api_key: 'test', model: 'slow' },
      },
      stt: { provider: 'standin', standin: { url: stt.url } },
      tts: { provider: 'standin', standin: { url: tts.url } },
      telemetry: { log_level: 'silent' },
    },
  });
  control = await startControl(config);
  gateway = await startGateway(config, { engineFactory: createEngineFactory(config) });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${join(dir, 'mic.wav')}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  await control?.close();
  await Promise.all([llm?.close(), stt?.close(), tts?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('softphone page in Chromium', () => {
  it('places a call; the bot answers with audio; the transcript shows both sides', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(control.url);
      await expect.poll(() => page.title()).toBe('Call center softphone');
      await page.click('#call');
      await page.waitForSelector('body[data-status="in call"]', { timeout: 20_000 });
      // The greeting is heard as audio and shown once stored.
      await page.waitForSelector('body[data-heard-audio="yes"]', { timeout: 30_000 });
      await page.waitForSelector('#transcript li.assistant', { timeout: 30_000 });
      // The caller's speech reaches the gateway through the microphone, is understood, and answered.
      await page.waitForSelector('#transcript li.human', { timeout: 45_000 });
      await page.locator('#transcript li.assistant', { hasText: ANSWER }).first().waitFor({ timeout: 30_000 });
      const human = await page.locator('#transcript li.human').first().textContent();
      expect(human?.replace(/^You/, '').trim()).toBe(CALLER_TEXT);
      const assistant = await page.locator('#transcript li.assistant').allTextContents();
      expect(assistant.join(' ')).toContain('Hello, this is Amélie from Contoso');
      // Each answered turn shows its latency.
      await page.waitForSelector('#latency tr', { timeout: 10_000 });
      await page.screenshot({ path: join(tmpdir(), 'softphone-call.png'), fullPage: true });
      await page.click('#hangup');
      await page.waitForSelector('body[data-status="you hung up"]', { timeout: 10_000 });
      // The LLM really got the caller's words.
      expect(llm.requests.some((r) => JSON.stringify(r.messages).includes(CALLER_TEXT))).toBe(true);
    } finally {
      await page.close();
    }
  }, 180_000);
});

// Keep the Debian tools honest: the WAV above needs espeak-ng.
execFileSync('espeak-ng', ['--version']);
