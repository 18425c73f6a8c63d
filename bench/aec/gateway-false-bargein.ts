/**
 * False barge-ins through the real gateway path: a gateway started in-process (real uWS media
 * route, DSP worker with the echo canceller before Silero VAD, turn machine, outbound pacer), an
 * engine whose agent talks without pause, and a synthetic ACS phone ({@link runEchoPhone}) that
 * sends back the echo of what it played and no caller speech. Every `StopAudio` it receives is a
 * false barge-in. Each scenario has its own gateway so that the gateway's per-carrier metrics
 * (`call_aec_erle`, `call_aec_delay`) describe that echo path alone.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { loadConfig, signMediaToken } from '../../control/contract/index.ts';
import { BargeInError, startGateway, type CallEngineFactory, type EnginePorts, type GatewayHandle } from '../../gateway/index.ts';
import { MEDIA_KEY } from '../../gateway/test/harness.ts';
import { startControlStub, type ControlStub } from '../../gateway/test/control-stub.ts';
import { FramePacer } from '../callers/pacer.ts';
import { agentTrack } from './scenarios.ts';
import type { EchoPath } from './signals.ts';
import { runEchoPhone, type EchoPhoneOptions, type EchoPhoneResult } from './echo-phone.ts';

/** Agent audio is written in chunks of 100 ms, in segments of 2 s ("sentences"). */
const CHUNK = 1600;
const SEGMENT = 32_000;

/** Engine factory: from `start()`, the agent plays `far` (16 kHz) once, segment by segment. */
export function continuousAgent(far: Int16Array): CallEngineFactory {
  return (ports) => {
    let turn: AbortController | undefined;
    return {
      start: async () => {
        void speakAll(ports, far, (c) => (turn = c));
      },
      pushCallerAudio: () => {},
      onTurnEvent: (event) => {
        if (event.type === 'bargein') turn?.abort(new BargeInError(event.onsetMs));
      },
      close: async () => turn?.abort(),
    };
  };
}

/** Writes `far`; after a barge-in the agent goes on from where the call clock is now. */
async function speakAll(ports: EnginePorts, far: Int16Array, setTurn: (c: AbortController) => void): Promise<void> {
  const t0 = ports.now();
  let segmentId = 0;
  let turnNo = 0;
  let pos = 0;
  while (pos < far.length && !ports.signal.aborted) {
    const ctl = new AbortController();
    setTurn(ctl);
    const signal = AbortSignal.any([ctl.signal, ports.signal]);
    const turnId = `agent-${turnNo++}`;
    try {
      while (pos < far.length) {
        const tag = { turnId, segmentId: ++segmentId };
        const end = Math.min(far.length, pos + SEGMENT);
        for (; pos < end; pos += CHUNK) await ports.outbound.write(far.subarray(pos, Math.min(end, pos + CHUNK)), tag, signal);
        ports.outbound.endSegment(tag, signal).catch(() => {});
      }
    } catch {
      pos = Math.max(pos, Math.round((ports.now() - t0) * 16));
    }
  }
}

/** A gateway with its control stub. */
export interface AecGateway {
  readonly gateway: GatewayHandle;
  readonly control: ControlStub;
  /** Media URL of a new ACS call. */
  mediaUrl(): string;
  /** The gateway's Prometheus text. */
  metricsText(): Promise<string>;
  close(): Promise<void>;
}

/** Starts a gateway on a loopback port with a control stub and the given engine factory. */
export async function startAecGateway(engineFactory: CallEngineFactory): Promise<AecGateway> {
  const control = await startControlStub();
  const config = loadConfig({
    file: '/dev/null',
    env: {},
    overrides: {
      gateway: { port: 0, host: '127.0.0.1', control_url: control.url, dsp_workers: 1 },
      secrets: { media_token_key: MEDIA_KEY, service_token: control.token },
      telemetry: { log_level: 'silent' },
    },
  });
  const gateway = await startGateway(config, { engineFactory, logger: pino({ level: 'silent' }) }).catch(async (e: unknown) => {
    await control.close();
    throw e;
  });
  return {
    gateway,
    control,
    mediaUrl: () => {
      const callId = randomUUID();
      const token = signMediaToken(MEDIA_KEY, { callId, carrier: 'acs', expiresAtSec: Math.floor(Date.now() / 1000) + 600 });
      return `ws://127.0.0.1:${gateway.port}/media/acs/${callId}?token=${encodeURIComponent(token)}`;
    },
    metricsText: async () => (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text(),
    close: async () => {
      await gateway.close();
      await control.close();
    },
  };
}

/** The AEC figures of one gateway's `/metrics`. */
export interface AecMetrics {
  /** Latest `call_aec_erle` (dB), or null when never reported. */
  readonly erleDb: number | null;
  /** Mean of `call_aec_delay` (ms, recorded once a second), or null when never recorded. */
  readonly delayMeanMs: number | null;
  readonly delaySamples: number;
  /** `call_bargein_latency_count`: barge-ins the gateway decided. */
  readonly bargeins: number;
}

/** Reads the AEC metrics from Prometheus text (labels ignored, values summed over series). */
export function parseAecMetrics(text: string): AecMetrics {
  const values = (name: string): number[] => {
    const re = new RegExp(`^${name}(?:\\{[^}]*\\})? ([-+0-9.eE]+|NaN)$`, 'gm');
    return [...text.matchAll(re)].map((m) => Number(m[1]));
  };
  const sum = (name: string) => values(name).reduce((a, b) => a + b, 0);
  const erle = values('call_aec_erle').filter(Number.isFinite);
  const count = sum('call_aec_delay_count');
  return {
    erleDb: erle.length > 0 ? (erle[erle.length - 1] as number) : null,
    delayMeanMs: count > 0 ? sum('call_aec_delay_sum') / count : null,
    delaySamples: count,
    bargeins: sum('call_bargein_latency_count'),
  };
}

/** One scenario of the gateway run. */
export interface GatewayScenario {
  readonly name: string;
  readonly phone: EchoPhoneOptions;
  /** What the agent plays (16 kHz). */
  readonly far: Int16Array;
}

/** Result of one scenario. */
export interface GatewayScenarioResult {
  readonly name: string;
  readonly phone: EchoPhoneResult;
  readonly metrics: AecMetrics;
}

/** Runs every scenario at once, each on its own gateway, in real time; closes everything. */
export async function runGatewayScenarios(scenarios: readonly GatewayScenario[]): Promise<GatewayScenarioResult[]> {
  const pacer = new FramePacer();
  const gateways: AecGateway[] = [];
  try {
    for (const s of scenarios) gateways.push(await startAecGateway(continuousAgent(s.far)));
    return await Promise.all(
      scenarios.map(async (s, i) => {
        const gw = gateways[i] as AecGateway;
        const phone = await runEchoPhone(gw.mediaUrl(), pacer, s.phone);
        // The call's last counters reach the metrics when its session closes.
        const deadline = performance.now() + 10_000;
        while (gw.gateway.activeCalls() > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        return { name: s.name, phone, metrics: parseAecMetrics(await gw.metricsText()) };
      }),
    );
  } finally {
    pacer.close();
    await Promise.allSettled(gateways.map((g) => g.close()));
  }
}

/** Echo paths of the gateway run: hybrids and rooms, bulk delays 200/500/800 ms, ERL 6–15 dB. */
export const GATEWAY_ECHO_PATHS: ReadonlyArray<{ readonly name: string; readonly path: EchoPath; readonly noiseDbfs: number }> = [
  { name: 'gw-hybrid-200ms', path: { kind: 'hybrid', lengthMs: 6, delayMs: 200, erlDb: 6, seed: 51 }, noiseDbfs: -66 },
  { name: 'gw-room-200ms', path: { kind: 'room', lengthMs: 80, delayMs: 200, erlDb: 10, seed: 52 }, noiseDbfs: -62 },
  { name: 'gw-hybrid-500ms', path: { kind: 'hybrid', lengthMs: 5, delayMs: 500, erlDb: 15, seed: 53 }, noiseDbfs: -68 },
  { name: 'gw-room-500ms', path: { kind: 'room', lengthMs: 120, delayMs: 500, erlDb: 8, seed: 54 }, noiseDbfs: -62 },
  { name: 'gw-room-800ms', path: { kind: 'room', lengthMs: 100, delayMs: 800, erlDb: 12, seed: 55 }, noiseDbfs: -64 },
];

/** The gateway scenarios: `durationS` of agent speech (16 kHz, −20 dBFS) over each echo path, no caller. */
export function gatewayScenarios(durationS: number, seed = 42): GatewayScenario[] {
  const fs = 16_000;
  const far = agentTrack(durationS * fs, fs, 0.3, seed);
  const far16 = new Int16Array(far.length);
  for (let i = 0; i < far.length; i++) far16[i] = Math.max(-32768, Math.min(32767, Math.round((far[i] as number) * 32768)));
  return GATEWAY_ECHO_PATHS.map((p, k) => ({
    name: p.name,
    far: far16,
    // One second longer than the agent: the last echo comes back and the call ends in silence.
    phone: { path: p.path, noiseDbfs: p.noiseDbfs, noiseSeed: 60 + k, durationS: durationS + 1, calibrationFar: far },
  }));
}
