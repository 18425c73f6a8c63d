/**
 * The AEC bench's scenarios: the agent's speech as far end, its echo through a line hybrid or a
 * room with a bulk delay, background noise, the caller talking over the agent (double talk), and
 * one echo-path change mid-call. Signals are built at run time from espeak-ng speech.
 */
import { backgroundNoise, echoThrough, Rng, type EchoPath } from './signals.ts';
import { SpeechBank } from './speech.ts';

/** One scenario's definition. */
export interface ScenarioSpec {
  readonly name: string;
  readonly sampleRateHz: number;
  readonly durationS: number;
  /** Echo path(s): the second, if any, replaces the first at `changeAtS`. */
  readonly paths: readonly EchoPath[];
  readonly changeAtS?: number;
  /** Near-end background noise, dBFS RMS. */
  readonly noiseDbfs: number;
  /** Starts of the caller's utterances over the agent (double talk), seconds. */
  readonly callerAtS: readonly number[];
  readonly seed: number;
}

/** A scenario's signals, all at the scenario's rate, full scale 1. */
export interface ScenarioSignals {
  readonly spec: ScenarioSpec;
  /** The agent's audio as sent to the carrier (the canceller's reference). */
  readonly far: Float32Array;
  /** Echo of the far end as it comes back. */
  readonly echo: Float32Array;
  /** The caller's speech alone. */
  readonly callerSpeech: Float32Array;
  /** Background noise alone. */
  readonly noise: Float32Array;
  /** What the gateway receives: echo + caller speech + noise. */
  readonly near: Float32Array;
  /** Sample ranges [start, end) where the caller speaks. */
  readonly callerSegments: ReadonlyArray<readonly [number, number]>;
}

// Agent at −20 dBFS RMS while speaking (TTS output normalised by the gateway); caller at −24 dBFS:
// a caller on a handset is usually a little quieter than the prompt played to them.
const AGENT_DBFS = -20;
const CALLER_DBFS = -24;

/** The scenarios of the bench: delays 50/200/500/800 ms, hybrids and rooms, 8 and 16 kHz. */
export const SCENARIOS: readonly ScenarioSpec[] = [
  { name: 'hybrid-50ms-16k', sampleRateHz: 16000, durationS: 36, paths: [{ kind: 'hybrid', lengthMs: 6, delayMs: 50, erlDb: 12, seed: 11 }], noiseDbfs: -70, callerAtS: [16, 27], seed: 1 },
  { name: 'hybrid-200ms-8k', sampleRateHz: 8000, durationS: 36, paths: [{ kind: 'hybrid', lengthMs: 8, delayMs: 200, erlDb: 6, seed: 12 }], noiseDbfs: -68, callerAtS: [16, 27], seed: 2 },
  { name: 'room-200ms-16k', sampleRateHz: 16000, durationS: 36, paths: [{ kind: 'room', lengthMs: 50, delayMs: 200, erlDb: 10, seed: 13 }], noiseDbfs: -62, callerAtS: [16, 27], seed: 3 },
  { name: 'hybrid-500ms-16k', sampleRateHz: 16000, durationS: 36, paths: [{ kind: 'hybrid', lengthMs: 5, delayMs: 500, erlDb: 15, seed: 14 }], noiseDbfs: -70, callerAtS: [16, 27], seed: 4 },
  { name: 'room-500ms-8k', sampleRateHz: 8000, durationS: 36, paths: [{ kind: 'room', lengthMs: 150, delayMs: 500, erlDb: 8, seed: 15 }], noiseDbfs: -65, callerAtS: [16, 27], seed: 5 },
  { name: 'room-800ms-16k', sampleRateHz: 16000, durationS: 36, paths: [{ kind: 'room', lengthMs: 100, delayMs: 800, erlDb: 12, seed: 16 }], noiseDbfs: -62, callerAtS: [16, 27], seed: 6 },
  { name: 'hybrid-800ms-8k', sampleRateHz: 8000, durationS: 36, paths: [{ kind: 'hybrid', lengthMs: 4, delayMs: 800, erlDb: 20, seed: 17 }], noiseDbfs: -70, callerAtS: [16, 27], seed: 7 },
  {
    name: 'path-change-16k',
    sampleRateHz: 16000,
    durationS: 50,
    paths: [
      { kind: 'hybrid', lengthMs: 6, delayMs: 200, erlDb: 10, seed: 18 },
      { kind: 'room', lengthMs: 80, delayMs: 500, erlDb: 12, seed: 19 },
    ],
    changeAtS: 25,
    noiseDbfs: -66,
    callerAtS: [16, 40],
    seed: 8,
  },
];

let bank: SpeechBank | undefined;

/** The speech bank (espeak-ng speech kept in memory), created on first use. */
export function speechBank(): SpeechBank {
  bank ??= new SpeechBank();
  return bank;
}

/**
 * The agent talking for `samples` samples from `startS`: sentences in a seeded order separated by
 * 0.4–1.2 s pauses (turn-internal pauses of a TTS answer), digital silence in between.
 */
export function agentTrack(samples: number, sampleRateHz: number, startS: number, seed: number): Float32Array {
  const sentences = speechBank().sentences('agent', sampleRateHz, AGENT_DBFS);
  const rng = new Rng(seed);
  const out = new Float32Array(samples);
  let at = Math.round(startS * sampleRateHz);
  let i = Math.floor(rng.uniform() * sentences.length);
  while (at < samples) {
    const s = sentences[i % sentences.length] as Float32Array;
    out.set(s.subarray(0, Math.min(s.length, samples - at)), at);
    at += s.length + Math.round((0.4 + 0.8 * rng.uniform()) * sampleRateHz);
    i++;
  }
  return out;
}

/** Builds a scenario's signals. */
export function buildScenario(spec: ScenarioSpec): ScenarioSignals {
  const fs = spec.sampleRateHz;
  const n = Math.round(spec.durationS * fs);
  const far = agentTrack(n, fs, 0.5, spec.seed);
  const first = spec.paths[0];
  if (first === undefined) throw new Error(`${spec.name}: no echo path`);
  let echo = echoThrough(far, first, fs);
  const second = spec.paths[1];
  if (second !== undefined && spec.changeAtS !== undefined) {
    const after = echoThrough(far, second, fs);
    const at = Math.round(spec.changeAtS * fs);
    echo = echo.slice();
    echo.set(after.subarray(at), at);
  }
  const callerSpeech = new Float32Array(n);
  const callerSegments: Array<[number, number]> = [];
  const lines = speechBank().sentences('caller', fs, CALLER_DBFS);
  spec.callerAtS.forEach((t, k) => {
    const s = lines[(spec.seed + k) % lines.length] as Float32Array;
    const at = Math.round(t * fs);
    const len = Math.min(s.length, n - at);
    callerSpeech.set(s.subarray(0, len), at);
    callerSegments.push([at, at + len]);
  });
  const noise = backgroundNoise(n, spec.noiseDbfs, spec.seed + 100);
  const near = new Float32Array(n);
  for (let i = 0; i < n; i++) near[i] = (echo[i] as number) + (callerSpeech[i] as number) + (noise[i] as number);
  return { spec, far, echo, callerSpeech, noise, near, callerSegments };
}

/** Signals of the false barge-in scenario. */
export interface FalseBargeinSignals {
  readonly sampleRateHz: number;
  readonly frameSamples: number;
  /** The agent's audio sent to the carrier. */
  readonly far: Float32Array;
  /** What comes back: the agent's echo and noise, no caller speech at all. */
  readonly near: Float32Array;
  readonly echo: Float32Array;
}

/**
 * 60 s of the agent speaking to a silent caller on a speakerphone behind a long line: room echo
 * (120 ms) with a 400 ms round trip and only 8 dB of echo return loss, background noise at
 * −62 dBFS, 16 kHz, 20 ms frames. Any barge-in detected on it is a false one.
 */
export function falseBargeinScenario(): FalseBargeinSignals {
  const fs = 16000;
  const n = 60 * fs;
  const far = agentTrack(n, fs, 0.3, 42);
  const echo = echoThrough(far, { kind: 'room', lengthMs: 120, delayMs: 400, erlDb: 8, seed: 43 }, fs);
  const noise = backgroundNoise(n, -62, 44);
  const near = new Float32Array(n);
  for (let i = 0; i < n; i++) near[i] = (echo[i] as number) + (noise[i] as number);
  return { sampleRateHz: fs, frameSamples: 320, far, near, echo };
}
