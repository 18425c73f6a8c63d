/**
 * Conversation scenarios from `scenarios/*.yaml`: caller utterances in, scripted LLM replies,
 * expected tool results, claim, reminders, actions, spoken text and hang-ups out. Each runs the
 * real engine against the LLM/STT/TTS stand-ins and a control recorder.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScriptedReply } from '../../bench/standins/llm-server.ts';
import type { ActionResult } from '../../control/contract/index.ts';
import { EngineHarness } from './test/harness.ts';

interface Expectations {
  spoken?: string[];
  spoken_contains?: string[];
  not_spoken?: string[];
  tool_results?: Array<{ name: string; contains: string }>;
  claim?: Record<string, string | null>;
  reminders?: Array<Record<string, string>>;
  actions?: Array<Record<string, unknown>>;
  hangup?: string | null;
  lang?: string;
  stt_langs?: string[];
  last_voice?: string;
  last_rate?: number;
  messages_tail?: Array<Record<string, unknown>>;
  llm_context_excludes?: string[];
  llm_context_includes?: string[];
}

interface Step {
  start?: boolean;
  caller?: string;
  llm?: ScriptedReply[];
  /** What marks the end of the step: an answer turn (default), or a refusal phrase. */
  wait?: 'turn' | 'refusal';
  expect?: Expectations;
}

interface Scenario {
  name: string;
  config?: Record<string, Record<string, unknown>>;
  initiate?: Record<string, unknown>;
  context?: Record<string, unknown>;
  documents?: Record<string, string>;
  /** Results of call-control actions by action type (default ok). */
  action_results?: Record<string, ActionResult>;
  steps: Step[];
}

const dir = join(fileURLToPath(new URL('.', import.meta.url)), 'scenarios');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ file: f, scenario: parse(readFileSync(join(dir, f), 'utf8')) as Scenario }));

let h: EngineHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('conversation scenarios', () => {
  it('found scenario files', () => expect(scenarios.length).toBeGreaterThanOrEqual(8));

  for (const { file, scenario } of scenarios) {
    it(`${file}: ${scenario.name}`, async () => {
      const replies: ScriptedReply[] = [];
      h = await EngineHarness.create({
        replies: () => replies.shift() ?? { content: 'Okay.' },
        ...(scenario.config ? { config: scenario.config } : {}),
        ...(scenario.initiate ? { initiate: scenario.initiate } : {}),
        ...(scenario.context ? { context: scenario.context } : {}),
        ...(scenario.documents ? { documents: scenario.documents } : {}),
        onAction: (req) => scenario.action_results?.[req.action.type] ?? { ok: true },
      });
      let turns = 0;
      for (const [i, step] of scenario.steps.entries()) {
        const spokenBefore = h.spoken().length;
        if (step.start) {
          await h.engine.start();
          await h.until(() => h!.spoken().length > spokenBefore && !h!.outbound.speaking);
        }
        if (step.caller !== undefined) {
          replies.push(...(step.llm ?? []));
          const messagesBefore = h.messages().length;
          h.speak(step.caller);
          if (step.wait === 'refusal') await h.until(() => h!.messages().length >= messagesBefore + 2);
          else await h.turns(++turns);
        }
        if (step.expect) check(h, step.expect, h.spoken().slice(spokenBefore), `step ${i}`);
      }
      expect(h.control.rejected).toEqual([]);
    });
  }
});

function check(h: EngineHarness, e: Expectations, spoken: string[], where: string): void {
  if (e.spoken) expect(spoken, `${where} spoken`).toEqual(e.spoken);
  for (const s of e.spoken_contains ?? []) expect(spoken.join(' | '), `${where} spoken`).toContain(s);
  for (const s of e.not_spoken ?? []) expect(spoken.join(' | '), `${where} not spoken`).not.toContain(s);
  for (const t of e.tool_results ?? []) {
    const results = h.toolResults().filter((r) => r.name === t.name);
    expect(results.map((r) => r.content).join(' | '), `${where} ${t.name} result`).toContain(t.contains);
  }
  if (e.claim) {
    const claim: Record<string, string | null> = { ...h.context.claim };
    for (const ev of h.control.events) {
      if (ev.type === 'claim_updated') Object.assign(claim, ev.updates);
      if (ev.type === 'claim_reset') for (const k of Object.keys(claim)) claim[k] = null;
    }
    for (const [k, v] of Object.entries(e.claim)) expect(claim[k] ?? null, `${where} claim.${k}`).toEqual(v);
  }
  if (e.reminders) {
    const byTitle = new Map<string, Record<string, string>>();
    for (const ev of h.eventsOf('reminder_upserted')) byTitle.set(ev.reminder.title, ev.reminder);
    expect([...byTitle.values()], `${where} reminders`).toEqual(e.reminders.map((r) => expect.objectContaining(r)));
  }
  if (e.actions) expect(h.control.actions.map((a) => a.action), `${where} actions`).toEqual(e.actions.map((a) => expect.objectContaining(a)));
  if (e.hangup !== undefined) expect(h.hangups, `${where} hangups`).toEqual(e.hangup === null ? [] : [e.hangup]);
  if (e.lang) expect(h.eventsOf('language_changed').at(-1)?.lang_short_code, `${where} lang`).toBe(e.lang);
  if (e.stt_langs) expect(h.stt.sessions[0]?.langs, `${where} stt langs`).toEqual(e.stt_langs);
  if (e.last_voice) expect(h.tts.requests.at(-1)?.voice, `${where} voice`).toBe(e.last_voice);
  if (e.last_rate) expect(h.tts.requests.at(-1)?.rate, `${where} rate`).toBe(e.last_rate);
  if (e.messages_tail) {
    const tail = h.messages().slice(-e.messages_tail.length);
    expect(tail, `${where} messages`).toEqual(e.messages_tail.map((m) => expect.objectContaining(m)));
  }
  const lastRequest = JSON.stringify(h.llm.requests.at(-1)?.messages ?? []);
  for (const s of e.llm_context_excludes ?? []) expect(lastRequest, `${where} context`).not.toContain(s);
  for (const s of e.llm_context_includes ?? []) expect(lastRequest, `${where} context`).toContain(s);
}
