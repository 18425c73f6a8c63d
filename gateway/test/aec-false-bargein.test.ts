/**
 * False barge-ins through the real gateway path: the agent talks for 15 s while a synthetic ACS
 * phone returns the echo of what it played (300 ms bulk delay, room response, 10 dB return loss,
 * background noise). Echo alone must never stop the agent; the same echo with the caller really
 * talking over it for about a second must stop it exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FramePacer } from '../../bench/callers/pacer.ts';
import { runEchoPhone, type EchoPhoneOptions, type EchoPhoneResult } from '../../bench/aec/echo-phone.ts';
import { continuousAgent, parseAecMetrics, startAecGateway, type AecGateway, type AecMetrics } from '../../bench/aec/gateway-false-bargein.ts';
import { agentTrack } from '../../bench/aec/scenarios.ts';
import { speak } from '../../bench/speech/index.ts';

const FS = 16_000;
const AGENT_S = 15;
/** Bulk delay of the phone's echo path (ms). */
const ECHO_DELAY_MS = 300;

let gw: AecGateway;
let pacer: FramePacer;
let far: Float32Array;
let echoOnly: EchoPhoneResult;
let interjected: EchoPhoneResult;
let metrics: AecMetrics | undefined;

beforeAll(async () => {
  far = agentTrack(AGENT_S * FS, FS, 0.3, 42);
  const far16 = new Int16Array(far.length);
  for (let i = 0; i < far.length; i++) far16[i] = Math.max(-32768, Math.min(32767, Math.round((far[i] as number) * 32768)));
  const caller = await speak('Sorry, wait a second.');
  gw = await startAecGateway(continuousAgent(far16));
  pacer = new FramePacer();
  const phone = (seed: number, extra: Partial<EchoPhoneOptions> = {}): EchoPhoneOptions => ({
    path: { kind: 'room', lengthMs: 60, delayMs: ECHO_DELAY_MS, erlDb: 10, seed },
    noiseDbfs: -62,
    noiseSeed: seed + 1,
    durationS: AGENT_S + 1,
    calibrationFar: far,
    ...extra,
  });
  // Both calls at once on the same gateway: echo only, and echo with the caller speaking at 9 s
  // (after the canceller has had time to converge) at about the agent's level.
  [echoOnly, interjected] = await Promise.all([
    runEchoPhone(gw.mediaUrl(), pacer, phone(7)),
    runEchoPhone(gw.mediaUrl(), pacer, phone(7, { caller: { pcm: caller.pcm, atS: 9 } })),
  ]);
}, 120_000);

/** The gateway's metrics once both calls have closed (their last counters are flushed at close). */
async function finalMetrics(): Promise<AecMetrics> {
  await expect.poll(() => gw.gateway.activeCalls(), { timeout: 10_000 }).toBe(0);
  metrics ??= parseAecMetrics(await gw.metricsText());
  return metrics;
}

afterAll(async () => {
  pacer?.close();
  await gw?.close();
});

describe('false barge-ins through the gateway', () => {
  it('plays the agent for the whole call and never stops it on echo alone', () => {
    expect(echoOnly.agentAudioS).toBeGreaterThan(AGENT_S - 1);
    expect(echoOnly.stopAudios).toBe(0);
  });

  it('stops the agent exactly once when the caller talks over the same echo', async () => {
    expect(interjected.stopAudios).toBe(1);
    // The stop follows the caller's words (at 9 s), not the echo before them.
    expect(interjected.stopAtS[0]).toBeGreaterThan(9);
    expect(interjected.stopAtS[0]).toBeLessThan(11);
    expect((await finalMetrics()).bargeins).toBe(1);
  });

  it('reports the converged canceller in its metrics: ERLE and the echo delay', async () => {
    const m = await finalMetrics();
    expect(m.erleDb).not.toBeNull();
    expect(m.erleDb as number).toBeGreaterThan(10);
    expect(m.delaySamples).toBeGreaterThan(0);
    // The reference sits on the call clock at its play-out start (the pacer's send-ahead is
    // already in it), so the estimate is the phone's echo delay give or take the phone's own
    // play-out and transit offsets (about -12 ms on loopback); 60 ms covers a loaded machine.
    expect(m.delayMeanMs as number).toBeGreaterThan(ECHO_DELAY_MS - 60);
    expect(m.delayMeanMs as number).toBeLessThan(ECHO_DELAY_MS + 60);
  });
});
