import { describe, expect, it } from 'vitest';
import { EchoAwareBargeInGate } from './barge-in-gate.ts';
import { EchoCanceller } from './echo-canceller.ts';
import { echoOf, mix, roomResponse, speechLike, whiteNoise } from './test-signals.ts';

const dbfs = (db: number) => Math.pow(10, db / 10);

describe('EchoAwareBargeInGate', () => {
  it('opens only when the output exceeds the echo prediction by the margin and the floor', () => {
    const gate = new EchoAwareBargeInGate({ marginDb: 6, floorDbfs: -55, releaseDbPerFrame: 100 });
    expect(gate.update(dbfs(-30), dbfs(-33), true)).toBe(false); // 3 dB over the echo: could be echo
    expect(gate.update(dbfs(-30), dbfs(-37), true)).toBe(true); // 7 dB over: not the agent's echo
    expect(gate.headroomDb).toBeCloseTo(1, 5);
    expect(gate.update(dbfs(-60), 0, false)).toBe(false); // under the floor
    expect(gate.update(dbfs(-50), 0, false)).toBe(true);
  });

  it('holds the echo prediction and releases it at the configured rate', () => {
    const gate = new EchoAwareBargeInGate({ marginDb: 6, floorDbfs: -80, releaseDbPerFrame: 3 });
    gate.update(0, dbfs(-20), true);
    // One frame later the held prediction is −23 dBFS: −18 dBFS output is only 5 dB over it.
    expect(gate.update(dbfs(-18), 0, true)).toBe(false);
    // Ten frames of release (−3 dB each) bring it to −53 dBFS.
    for (let i = 0; i < 9; i++) gate.update(0, 0, false);
    expect(gate.update(dbfs(-40), 0, false)).toBe(true);
    gate.reset();
    expect(gate.update(dbfs(-70), 0, false)).toBe(true);
  });

  it('adds the speaking margin only while the agent speaks', () => {
    const gate = new EchoAwareBargeInGate({ marginDb: 6, speakingMarginDb: 6, floorDbfs: -80, releaseDbPerFrame: 100 });
    expect(gate.update(dbfs(-30), dbfs(-40), true)).toBe(false);
    expect(gate.update(dbfs(-30), dbfs(-40), false)).toBe(true);
  });

  it('with the canceller: never opens on the agent echo alone, opens when the caller talks', () => {
    const fs = 16000;
    const F = 320;
    const n = fs * 20;
    const far = speechLike(n, fs, 0.1, 40);
    // Loud echo (ERL 6 dB) 400 ms late through a room, from the first second on.
    const echo = echoOf(far, roomResponse(fs, 120, 41), Math.round(0.4 * fs), 0.5);
    const caller = speechLike(n, fs, 0.06, 42);
    for (let i = 0; i < n; i++) if (i < 14 * fs || i >= 17 * fs) caller[i] = 0;
    const near = mix(echo, caller, whiteNoise(n, 3e-4, 43));
    const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F });
    const gate = new EchoAwareBargeInGate();
    const out = new Float32Array(F);
    let openEchoOnly = 0;
    let run = 0;
    let longestEchoRun = 0;
    let openCaller = 0;
    let callerFrames = 0;
    for (let s = 0; s + F <= n; s += F) {
      aec.process(near.subarray(s, s + F), far.subarray(s, s + F), out);
      const open = gate.update(aec.outputEnergy, aec.echoPredictionEnergy, true);
      let ce = 0;
      for (let i = s; i < s + F; i++) ce += caller[i]! ** 2;
      if (ce / F > dbfs(-40)) {
        callerFrames++;
        if (open) openCaller++;
      } else if (s < 14 * fs) {
        if (open) openEchoOnly++;
        run = open ? run + 1 : 0;
        longestEchoRun = Math.max(longestEchoRun, run);
      }
    }
    expect(openEchoOnly).toBeLessThanOrEqual(7); // of 700 echo-only frames
    // Never for the 250 ms a barge-in needs.
    expect(longestEchoRun).toBeLessThan(5);
    expect(openCaller / callerFrames).toBeGreaterThan(0.6);
  });
});
