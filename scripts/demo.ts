/**
 * `npm run demo`: a SIMULATED phone call through the whole real stack, with no credentials.
 * A scripted caller (espeak-ng speech, ACS media protocol, real time) phones the bot; the real
 * gateway (uWebSockets.js, resampling, echo canceller, Silero VAD, turns, conversation engine) and
 * the real control plane (API, store, post-call job, report) handle it. Only the cloud edges are
 * stand-ins: the LLM answers from a script, the STT stand-in is told what the caller said, the
 * TTS stand-in makes a synthetic voice. Prints the conversation, the claim, each turn's latency
 * and the report URL.
 *
 *   npm run demo              # run the call, print, check the report is served, exit
 *   npm run demo -- --serve   # keep control running afterwards so the report URL stays up
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FramePacer, runCaller, type CallerUtterance } from '../bench/callers/index.ts';
import { speak } from '../bench/speech/index.ts';
import { startLlmStandin, startSttStandin, startTtsStandin, type ChatRequest, type ScriptedReply } from '../bench/standins/index.ts';
import { startControl } from '../control/index.ts';
import { loadConfig, signMediaToken, type Call } from '../control/contract/index.ts';
import { createEngineFactory } from '../gateway/engine/index.ts';
import { startGateway } from '../gateway/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the caller says, and what the (scripted) model answers to each turn. */
const SCRIPT: ReadonlyArray<{ caller: string; tool?: { name: string; arguments: unknown }; answer: string }> = [
  {
    caller: 'Hello, my laptop screen stays black since this morning.',
    tool: { name: 'updated_claim', arguments: { updates: [{ field: 'hardware_info', value: 'laptop, black screen since this morning' }] } },
    answer: 'I am sorry to hear that. I noted a laptop with a black screen. In which building is your office?',
  },
  {
    caller: 'I am in building B, on the third floor.',
    tool: { name: 'updated_claim', arguments: { updates: [{ field: 'building_location', value: 'Building B, third floor' }] } },
    answer: 'Thank you. May I have your full name, please?',
  },
  {
    caller: 'My name is Jane Doe.',
    tool: { name: 'updated_claim', arguments: { updates: [{ field: 'policyholder_name', value: 'Jane Doe' }] } },
    answer: 'Thanks Jane. A technician will come to building B this afternoon. Is there anything else?',
  },
  { caller: 'No, that is all. Thank you, goodbye.', answer: 'You are welcome, Jane. Have a nice day!' },
];

/** The scripted model: tool call first, then the answer after the tool result; JSON for post-call work. */
function respond(req: ChatRequest): ScriptedReply {
  if (req.response_format !== undefined) {
    return {
      content: JSON.stringify({
        synthesis: {
          short: 'Laptop with a black screen in building B',
          long: "Jane Doe reported that her laptop's screen has stayed black since this morning. She works in building B, third floor. A technician visit was promised for this afternoon.",
          satisfaction: 'high',
          improvement_suggestions: 'Ask for the laptop model and serial number to prepare the visit.',
        },
        next: { action: 'requires_expertise', justification: 'A hardware failure needs a technician on site.' },
        sms_summary: 'Contoso IT: a technician will visit building B this afternoon about your laptop screen.',
      }),
    };
  }
  const humans = req.messages.filter((m) => m.role === 'user').length;
  const step = SCRIPT[Math.min(Math.max(humans - 1, 0), SCRIPT.length - 1)]!;
  const last = req.messages[req.messages.length - 1];
  if (step.tool !== undefined && last?.role !== 'tool') return { tool_calls: [step.tool] };
  return { content: step.answer };
}

async function main(): Promise<void> {
  const serve = process.argv.includes('--serve');
  console.log('\n=== SIMULATION: a scripted caller and stand-in AI services (no credentials used) ===\n');
  const utterances: CallerUtterance[] = [];
  for (const turn of SCRIPT) {
    const u = await speak(turn.caller, { voice: 'en-us+f3' });
    utterances.push({ text: turn.caller, pcm: u.pcm });
  }

  const said = new Map<string, string>();
  const llm = await startLlmStandin({ respond });
  // Each announced sentence is recognized once: a pause inside it must not repeat it.
  const stt = await startSttStandin({
    transcript: (u) => {
      if (u.callId === undefined) return '';
      const text = said.get(u.callId) ?? '';
      said.delete(u.callId);
      return text;
    },
  });
  const tts = await startTtsStandin({});
  // DEMO_DATA_DIR: where the demo's call is stored (default data/, the embedded store's folder).
  const dataDir = process.env.DEMO_DATA_DIR ?? join(root, 'data');
  mkdirSync(dataDir, { recursive: true });
  const secrets = { media_token_key: randomBytes(32).toString('hex'), service_token: randomBytes(32).toString('hex') };
  const overrides = {
    secrets,
    control: { port: 0, host: '127.0.0.1' },
    gateway: { port: 0, host: '127.0.0.1' },
    store: { kind: 'sqlite', sqlite: { path: join(dataDir, 'demo-calls.sqlite') } },
    queue: { kind: 'sqlite', sqlite: { path: join(dataDir, 'demo-jobs.sqlite') } },
    rag: { documents_dir: join(dataDir, 'documents'), index_path: join(dataDir, 'demo-rag.sqlite') },
    llm: {
      fast: { provider: 'openai', endpoint: llm.url, api_key: 'demo', model: 'demo-fast' },
      slow: { provider: 'openai', endpoint: llm.url, api_key: 'demo', model: 'demo-slow' },
    },
    stt: { provider: 'standin', standin: { url: stt.url } },
    tts: { provider: 'standin', standin: { url: tts.url } },
    telemetry: { log_level: 'warn' },
    conversation: {
      inbound_initiate: {
        bot_company: 'Contoso',
        bot_name: 'Amélie',
        task: 'Help the caller with their digital workplace problem and collect what a technician needs.',
        claim: [
          { name: 'hardware_info', type: 'text' },
          { name: 'building_location', type: 'text' },
        ],
      },
    },
  };
  let config = loadConfig({ file: undefined, env: {}, overrides });
  const control = await startControl(config, { postCallDelayMs: 0 });
  config = loadConfig({ file: undefined, env: {}, overrides: { ...overrides, gateway: { ...overrides.gateway, control_url: control.url } } });
  const gateway = await startGateway(config, { engineFactory: createEngineFactory(config) });
  const phone = `+1555${String(Date.now()).slice(-7)}`;
  const { call } = await control.deps.calls.startInbound({ phoneNumber: phone, carrier: 'acs' });
  const token = signMediaToken(secrets.media_token_key, { callId: call.call_id, carrier: 'acs', expiresAtSec: Math.floor(Date.now() / 1000) + 600 });
  const url = `ws://127.0.0.1:${gateway.port}/media/acs/${call.call_id}?token=${encodeURIComponent(token)}`;

  console.log(`Caller ${phone} phones the bot (call ${call.call_id}); this takes about 40 seconds of real time.\n`);
  const pacer = new FramePacer();
  const report = await runCaller({
    url,
    callId: call.call_id,
    utterances,
    pacer,
    durationMs: 90_000,
    bargeInProbability: 0,
    echoLossDb: 25,
    onTranscript: (id, text) => said.set(id, text),
    onAnswer: (turn) => console.log(`  turn ${turn.turn + 1}: answer after ${Math.round(turn.answerLatencyMs ?? NaN)} ms`),
    maxTurns: SCRIPT.length,
  });
  pacer.close();

  const final = await waitForSynthesis(control.url, call.call_id);
  printCall(final, report.turns.map((t) => t.answerLatencyMs));
  const reportUrl = `${control.url}/report/${call.call_id}`;
  const page = await fetch(reportUrl);
  console.log(`\nReport: ${reportUrl}  (HTTP ${page.status}, ${(await page.text()).length} bytes)`);
  console.log(`The call is stored in ${join(dataDir, 'demo-calls.sqlite')}.`);
  await gateway.close();
  await Promise.all([llm.close(), stt.close(), tts.close()]);
  if (serve) {
    console.log('Serving the report until Ctrl-C.');
    process.once('SIGINT', () => void control.close().then(() => process.exit(0)));
    return;
  }
  await control.close();
  process.exit(page.ok ? 0 : 1);
}

async function waitForSynthesis(base: string, callId: string): Promise<Call> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const call = (await (await fetch(`${base}/call/${callId}`)).json()) as Call;
    if (call.synthesis !== null || Date.now() > deadline) return call;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function printCall(call: Call, measured: ReadonlyArray<number | undefined>): void {
  console.log('\nConversation:');
  for (const m of call.messages) {
    if (m.content === '' && m.tool_calls.length === 0) continue;
    const who = m.action === 'sms' ? 'SMS   ' : m.persona === 'human' ? 'Caller' : 'Agent ';
    const tools = m.tool_calls.map((t) => ` [${t.function_name} ${t.function_arguments}]`).join('');
    console.log(`  ${who}: ${m.content}${tools}${m.interrupted ? ' (interrupted)' : ''}`);
  }
  console.log('\nClaim:');
  for (const [k, v] of Object.entries(call.claim)) console.log(`  ${k.padEnd(20)} ${v ?? '–'}`);
  console.log('\nLatency per turn (ms): answer = end of caller speech → first answer audio at the caller');
  call.turns.forEach((t, i) => {
    const f = (x: number | undefined) => (x === undefined ? '–' : String(Math.round(x)));
    console.log(
      `  turn ${i + 1}: answer ${f(t.answer_latency_ms)} (heard by the caller: ${f(measured[i])}) · endpoint ${f(t.endpoint_ms)} · STT ${f(t.stt_final_ms)} · LLM first token ${f(t.llm_ttft_ms)} · first sentence ${f(t.llm_first_sentence_ms)} · TTS first byte ${f(t.tts_ttfb_ms)}`,
    );
  });
  if (call.synthesis) console.log(`\nSynthesis: ${call.synthesis.short} (satisfaction: ${call.synthesis.satisfaction})`);
  if (call.next) console.log(`Next action: ${call.next.action} — ${call.next.justification}`);
}

await main();
