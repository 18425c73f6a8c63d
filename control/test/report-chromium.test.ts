/**
 * The call report as a person sees it, in real headless Chromium (playwright-core, the system
 * browser): company, caller, messages with a barge-in marked, claim values, reminders, next
 * action, a waterfall bar with a width; user text is escaped. A screenshot is saved to the temp dir.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERNAL_PATHS, type Call } from '../contract/index.ts';
import { EXAMPLE_CALL, startTestControl, type TestControl } from './helpers/harness.ts';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let t: TestControl;
let browser: Browser;
let call: Call;
const shots = mkdtempSync(join(tmpdir(), 'control-report-'));

beforeAll(async () => {
  t = await startTestControl();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const res = await t.request('/call', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...EXAMPLE_CALL, phone_number: '+33700000501' }) });
  call = (await res.json()) as Call;
  const start = Date.parse(call.created_at);
  const at = (s: number) => new Date(start + s * 1000).toISOString();
  const msg = (id: string, s: number, message: Record<string, unknown>) => ({ type: 'message_added', event_id: id, at: at(s), message: { created_at: at(s), ...message } });
  const events = [
    { type: 'call_connected', event_id: 'c', at: at(1) },
    msg('m1', 2, { persona: 'assistant', action: 'talk', content: 'Hello, this is Amélie from Contoso. How can I help you?' }),
    msg('m2', 6, { persona: 'human', action: 'talk', content: 'Hi, my laptop screen keeps flickering since Monday.' }),
    msg('m3', 9, { persona: 'assistant', action: 'talk', content: 'I am sorry to hear that. Could you tell me', interrupted: true }),
    msg('m4', 10, { persona: 'human', action: 'talk', content: 'It is a ThinkPad X1 <script>window.__pwned = true</script>, building B.' }),
    msg('m5', 13, {
      persona: 'assistant',
      action: 'talk',
      content: 'Thank you, I have noted a ThinkPad X1 in building B.',
      tool_calls: [{ tool_id: 't1', function_name: 'updated_claim', function_arguments: '{"updates":[{"field":"hardware_info","value":"ThinkPad X1"}]}', content: 'ok' }],
    }),
    { type: 'claim_updated', event_id: 'cl', at: at(13), updates: { hardware_info: 'ThinkPad X1', building_location: 'Building B', policyholder_name: 'Jane Doe' } },
    { type: 'reminder_upserted', event_id: 'r', at: at(14), reminder: { title: 'Check the repair slot', description: 'Confirm the technician visit', due_date_time: at(86_400), owner: 'assistant', created_at: at(14) } },
    { type: 'turn_timings', event_id: 't1', at: at(6), timings: { turn_id: 'turn-1', endpoint_ms: 500, stt_final_ms: 140, llm_ttft_ms: 210, llm_first_sentence_ms: 380, tts_ttfb_ms: 95, answer_latency_ms: 815 } },
    { type: 'turn_timings', event_id: 't2', at: at(10), timings: { turn_id: 'turn-2', endpoint_ms: 500, stt_final_ms: 120, llm_ttft_ms: 190, llm_first_sentence_ms: 330, tts_ttfb_ms: 90, answer_latency_ms: 610, speculative: true } },
    { type: 'call_ended', event_id: 'e', at: at(20), reason: 'caller_hangup' },
  ];
  expect((await t.internal(INTERNAL_PATHS.events(call.call_id), { events })).status).toBe(200);
  await t.control.deps.store.mutate(call.call_id, (c) => ({
    ...c,
    synthesis: { short: 'Flickering laptop screen reported.', long: 'A ThinkPad X1 in building B flickers since Monday.', satisfaction: 'high', improvement_suggestions: 'Ask for the asset tag first.' },
    next: { action: 'requires_expertise', justification: 'A technician must inspect the screen.' },
  }));
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('call report in Chromium', () => {
  it('shows what a person needs to read, escaped, with a latency waterfall', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const response = await page.goto(`${t.url}/report/${call.call_id}`);
    expect(response?.status()).toBe(200);
    const text = await page.locator('body').innerText();
    expect(text).toContain('Contoso');
    expect(text).toContain('Jane Doe');
    expect(text).toContain('Hi, my laptop screen keeps flickering since Monday.');
    expect(text).toContain('ThinkPad X1');
    expect(text).toContain('Building B');
    expect(text).toContain('Check the repair slot');
    expect(text).toContain('Requires expertise');
    expect(text).toContain('A technician must inspect the screen.');
    expect(text).toContain('Ask for the asset tag first.');
    expect(text).toMatch(/interrupted/i);
    // The caller's text is shown, never run.
    expect(text).toContain('<script>window.__pwned = true</script>');
    expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).toBeUndefined();
    // The barge-in is on the interrupted message.
    await expect(page.locator('li.assistant', { hasText: 'Could you tell me' }).locator('.cut').innerText()).resolves.toMatch(/interrupted/i);
    // A waterfall bar a person can see: non-zero width, proportional to its stage.
    const answerBar = await page.locator('[data-turn="turn-1"] [data-stage="answer"]').boundingBox();
    const ttsBar = await page.locator('[data-turn="turn-1"] [data-stage="tts"]').boundingBox();
    expect(answerBar?.width ?? 0).toBeGreaterThan(100);
    expect(ttsBar?.width ?? 0).toBeGreaterThan(2);
    expect((ttsBar?.width ?? 0) / (answerBar?.width ?? 1)).toBeCloseTo(95 / 815, 1);
    expect(text).toContain('speculative');
    const shot = join(shots, 'call-report.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.info(`report screenshot: ${shot}`);
    await page.close();
  });

  it('lists calls and searches by phone number', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 700 } });
    await page.goto(`${t.url}/report`);
    await page.fill('input[name=phone_number]', '+33700000501');
    await page.click('form.search button');
    await page.waitForURL(/phone_number=%2B33700000501/);
    const rows = page.locator('table.list tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain('Contoso');
    await page.screenshot({ path: join(shots, 'report-list.png'), fullPage: true });
    await rows.first().locator('a').click();
    await page.waitForURL(new RegExp(`/report/${call.call_id}$`));
    expect(await page.locator('h1').innerText()).toContain('Contoso');
    await page.close();
  });
});
