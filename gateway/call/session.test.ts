/**
 * CallSession against a stand-in socket (the uWS edge) with real DSP, metrics and a local control
 * stand-in: slow-reader closing, agent hang-up after playout, and an idempotent close cascade.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControlClient, loadConfig, setupTelemetry, type Telemetry } from '../../control/contract/index.ts';
import type { WireMessage } from '../carriers/index.ts';
import { DspHost } from '../dsp/index.ts';
import { GatewayMetrics } from '../metrics/index.ts';
import { startControlStub, type ControlStub } from '../test/control-stub.ts';
import type { CallEngineFactory, EnginePorts } from './engine-port.ts';
import { ResourceRegistry } from './registry.ts';
import { CallSession, type CarrierLink, type SessionEnv } from './session.ts';

let control: ControlStub;
let dsp: DspHost;
let telemetry: Telemetry;
let metrics: GatewayMetrics;

beforeAll(async () => {
  control = await startControlStub();
  dsp = await DspHost.start({ workers: 0 });
  telemetry = await setupTelemetry({ serviceName: 'gateway-test', global: false });
  metrics = new GatewayMetrics(telemetry.meter, () => 0);
});
afterAll(async () => {
  metrics.close();
  await dsp.close();
  await control.close();
  await telemetry.shutdown();
});

/** A socket stand-in: records what is sent, reports a settable buffered amount. */
function fakeLink() {
  const state = { sent: [] as WireMessage[], buffered: 0, ended: undefined as { code: number; reason: string } | undefined };
  const link: CarrierLink = {
    send: (m) => {
      state.sent.push({ data: typeof m.data === 'string' ? m.data : m.data.slice(), binary: m.binary });
      return true;
    },
    bufferedAmount: () => state.buffered,
    end: (code, reason) => (state.ended = { code, reason }),
  };
  return { link, state };
}

function env(engineFactory?: CallEngineFactory): SessionEnv & { registry: ResourceRegistry<CallSession> } {
  const config = loadConfig({ file: '/dev/null', env: {}, overrides: { secrets: { media_token_key: 'k'.repeat(40), service_token: control.token } } });
  return {
    config,
    control: new ControlClient({ baseUrl: control.url, serviceToken: control.token }),
    dsp,
    metrics,
    registry: new ResourceRegistry<CallSession>(),
    log: pino({ level: 'silent' }),
    engineFactory,
  };
}

/** Ticks the session every 10 ms of real time until `done()`. */
async function tickUntil(session: CallSession, done: () => boolean, at?: () => number): Promise<void> {
  while (!done()) {
    session.tick(at ? at() : session.now());
    await new Promise((r) => setTimeout(r, 10));
  }
}

const tone = new Int16Array(3200).fill(3000); // 200 ms at 16 kHz

describe('CallSession', () => {
  it('holds audio while the socket is congested and closes a slow reader with 1008', async () => {
    let ports: EnginePorts | undefined;
    const e = env((p) => {
      ports = p;
      return { start: async () => {}, pushCallerAudio: () => {}, onTurnEvent: () => {}, close: async () => {} };
    });
    const { link, state } = fakeLink();
    const session = new CallSession(randomUUID(), 'softphone', link, e);
    e.registry.sessions.set(session.callId, session);
    session.start();
    await expect.poll(() => ports !== undefined, { timeout: 10_000 }).toBe(true);
    state.buffered = 100_000;
    void ports!.outbound.write(tone, { turnId: 't', segmentId: 1 }, ports!.signal).catch(() => {});
    let fakeNow = session.now();
    await tickUntil(session, () => session.closed, () => (fakeNow += 50));
    expect(state.sent.filter((m) => m.binary)).toEqual([]); // nothing was added to a congested socket
    expect(state.ended).toEqual({ code: 1008, reason: 'slow reader' });
    // The session leaves the registry once control has been told the call ended.
    await session.close('error');
    expect(e.registry.sessions.size).toBe(0);
  });

  it('hangs up for the agent after its audio has played, through control', async () => {
    let closeCalls = 0;
    const e = env((ports) => ({
      start: async () => {
        await ports.outbound.write(tone, { turnId: 't', segmentId: 1 }, ports.signal);
        ports.hangup('agent_hangup');
      },
      pushCallerAudio: () => {},
      onTurnEvent: () => {},
      close: async () => {
        closeCalls++;
      },
    }));
    const { link, state } = fakeLink();
    const callId = randomUUID();
    const session = new CallSession(callId, 'softphone', link, e);
    e.registry.sessions.set(callId, session);
    session.start();
    await tickUntil(session, () => session.closed);
    const audioMs = (state.sent.filter((m) => m.binary).reduce((a, m) => a + (m.data as Uint8Array).byteLength, 0) / 32000) * 1000;
    expect(audioMs).toBe(200); // the whole answer went out before the hang-up
    expect(state.sent.at(-1)).toEqual({ data: '{"type":"hangup"}', binary: false });
    expect(state.ended?.code).toBe(1000);
    await expect.poll(() => control.requests.some((r) => r.path.endsWith(`${callId}/actions`)), { timeout: 10_000 }).toBe(true);
    const action = control.requests.find((r) => r.path.endsWith(`${callId}/actions`))!;
    expect(action.body).toEqual({ action_id: `${callId}:hangup`, action: { type: 'hangup' } });
    await session.close('error');
    expect(closeCalls).toBe(1);
  });

  it('close() is idempotent and ends everything the call started', async () => {
    let signal: AbortSignal | undefined;
    let closes = 0;
    const e = env((ports) => {
      signal = ports.signal;
      return { start: async () => {}, pushCallerAudio: () => {}, onTurnEvent: () => {}, close: async () => void closes++ };
    });
    const { link, state } = fakeLink();
    const session = new CallSession(randomUUID(), 'acs', link, e);
    e.registry.sessions.set(session.callId, session);
    session.start();
    await expect.poll(() => signal !== undefined, { timeout: 10_000 }).toBe(true);
    const slotsBefore = dsp.channels;
    const a = session.close('caller_hangup');
    const b = session.close('error');
    expect(a).toBe(b);
    await a;
    expect(closes).toBe(1);
    expect(signal!.aborted).toBe(true);
    expect(dsp.channels).toBe(slotsBefore - 1);
    expect(e.registry.sessions.size).toBe(0);
    expect(e.registry.timers).toBe(0);
    expect(state.ended?.code).toBe(1000);
    await expect(session.outbound.write(tone, { turnId: 'x', segmentId: 9 }, new AbortController().signal)).rejects.toThrow(/closed/);
    // Control heard that media came up and that the call ended, once each, with the reason.
    const events = control.requests
      .filter((r) => r.path === `/internal/calls/${session.callId}/events`)
      .flatMap((r) => (r.body as { events: Array<{ type: string; reason?: string }> }).events);
    expect(events.map((ev) => ev.type)).toEqual(['call_connected', 'call_ended']);
    expect(events[1]?.reason).toBe('caller_hangup');
  });
});
