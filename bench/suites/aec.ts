/**
 * `npm run bench -- aec [--json FILE] [--only NAME]`: the echo canceller of dsp/aec against
 * speexdsp's MDF canceller on the same signals.
 *
 * Signals (built at run time, nothing committed): espeak-ng speech for the agent (far end) and the
 * caller (near end, two utterances over the agent: double talk), echo through a line hybrid
 * (4–8 ms) or a room (50–150 ms) with bulk delays of 50, 200, 500 and 800 ms and echo return loss
 * of 6–20 dB, background noise, 8 and 16 kHz, and one echo-path change mid-call. See
 * bench/aec/scenarios.ts for the table and bench/aec/metrics.ts for the exact definitions of ERLE,
 * double-talk attenuation and convergence time.
 *
 * False barge-ins (`false_bargeins`) come from the real gateway path: see bench/aec/gateway-false-bargein.ts.
 *
 * speexdsp runs through bench/aec/speex-harness.c, compiled here with the system's libspeexdsp,
 * with 20 ms frames, its sampling rate set, and a filter of (delay + 150 ms) rounded up to 100 ms:
 * what a user who knows the delay range would configure. `speex_erle_db` is speex's full chain
 * (MDF + preprocessor with its residual echo suppression, which speex applies together with its
 * noise suppression); `speex_mdf_erle_db` is its linear filter alone. CPU figures are per 20 ms
 * frame: ours with process.cpuUsage() around `process()` after a JIT warm-up, speex with
 * clock_gettime(CLOCK_PROCESS_CPUTIME_ID) in C; both over the whole call, agent pauses included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EchoCanceller } from '../../dsp/aec/index.ts';
import { allocatedBytesPerFrame } from '../aec/allocation.ts';
import { countFalseBargeins } from '../aec/false-bargein.ts';
import { GATEWAY_ECHO_PATHS, gatewayScenarios, runGatewayScenarios } from '../aec/gateway-false-bargein.ts';
import { attenuationDb, convergenceMs, echoOnlyFrames, erleDb, onsetSample, type Range } from '../aec/metrics.ts';
import { buildScenario, falseBargeinScenario, SCENARIOS, type ScenarioSignals } from '../aec/scenarios.ts';
import { buildSpeexHarness, runSpeex, type SpeexHarness } from '../aec/speex.ts';
import { stringFlag, type BenchArgs } from '../lib/args.ts';
import { progress } from '../lib/progress.ts';
import { round } from '../lib/stats.ts';

/** Tail assumed when configuring speex's filter length, ms (the longest room of the bench). */
const SPEEX_TAIL_MS = 150;
/** Steady state starts this long after the call start and after an echo-path change, s. */
const WARMUP_S = 10;
/** Agent speech per gateway call, s (the false barge-in scenario's length). */
const GATEWAY_SECONDS = 60;

interface OursRun {
  readonly out: Float32Array;
  readonly linear: Float32Array;
  readonly probeOut: Float32Array;
  readonly latency: number;
  readonly cpuUsPerFrame: number;
  /** The same with the scalar (JavaScript) kernels instead of the SIMD ones. */
  readonly scalarCpuUsPerFrame: number;
  readonly delayMs: number;
  readonly realignments: number;
}

/** Runs the scenario through our canceller: once timed, once with the measurement taps. */
function runOurs(sig: ScenarioSignals): OursRun {
  const fs = sig.spec.sampleRateHz;
  const F = fs / 50;
  const n = sig.near.length - (sig.near.length % F);
  const near16 = toInt16(sig.near);
  const far16 = toInt16(sig.far);
  const out16 = new Int16Array(n);
  // Warm the JIT on the first 5 s, then time a fresh canceller over the whole call. CPU time of
  // the process (user + system), not wall time: other work on the machine does not count.
  const cpuUsPerFrame = (kernels: 'simd' | 'scalar'): number => {
    const warm = new EchoCanceller({ sampleRateHz: fs, frameSamples: F, maxDelayMs: 1000, kernels });
    for (let s = 0; s < Math.min(n, 5 * fs); s += F) warm.process(near16.subarray(s, s + F), far16.subarray(s, s + F), out16.subarray(s, s + F));
    warm.dispose();
    const timed = new EchoCanceller({ sampleRateHz: fs, frameSamples: F, maxDelayMs: 1000, kernels });
    const t0 = process.cpuUsage();
    for (let s = 0; s < n; s += F) timed.process(near16.subarray(s, s + F), far16.subarray(s, s + F), out16.subarray(s, s + F));
    const used = process.cpuUsage(t0);
    timed.dispose();
    return (used.user + used.system) / (n / F);
  };
  const scalarCpuUsPerFrame = cpuUsPerFrame('scalar');
  const simdCpuUsPerFrame = cpuUsPerFrame('simd');
  const aec = new EchoCanceller({ sampleRateHz: fs, frameSamples: F, maxDelayMs: 1000 });
  const out = new Float32Array(n);
  const linear = new Float32Array(n);
  const probeOut = new Float32Array(n);
  const probe = sig.callerSpeech;
  let delayMs = -1;
  for (let s = 0; s < n; s += F) {
    const taps = { linear: linear.subarray(s, s + F), probe: probe.subarray(s, s + F), probeOut: probeOut.subarray(s, s + F) };
    aec.process(near16.subarray(s, s + F), far16.subarray(s, s + F), out.subarray(s, s + F), taps);
    if (sig.spec.changeAtS === undefined || s < sig.spec.changeAtS * fs) delayMs = aec.delayMs;
  }
  aec.dispose();
  return { out, linear, probeOut, latency: aec.latencySamples, cpuUsPerFrame: simdCpuUsPerFrame, scalarCpuUsPerFrame, delayMs, realignments: aec.realignments };
}

function toInt16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round((x[i] as number) * 32768)));
  return out;
}

/** Steady-state windows (after warm-up, and after the path change) and the convergence origins. */
function windows(sig: ScenarioSignals): { steady: Range[]; origins: Array<[number, number]> } {
  const fs = sig.spec.sampleRateHz;
  const n = sig.near.length;
  const start = onsetSample(sig.far);
  const change = sig.spec.changeAtS === undefined ? n : Math.round(sig.spec.changeAtS * fs);
  const steady: Range[] = [[start + WARMUP_S * fs, change]];
  const origins: Array<[number, number]> = [[start, change]];
  if (change < n) {
    steady.push([change + WARMUP_S * fs, n]);
    origins.push([change, n]);
  }
  return { steady, origins };
}

function scenarioResult(sig: ScenarioSignals, harness: SpeexHarness, started: number): Record<string, unknown> {
  const spec = sig.spec;
  const fs = spec.sampleRateHz;
  const F = fs / 50;
  progress(started, `aec: ${spec.name}: ours`);
  const ours = runOurs(sig);
  const lastDelay = Math.max(...spec.paths.map((p) => p.delayMs));
  const speexFilterMs = Math.ceil((lastDelay + SPEEX_TAIL_MS) / 100) * 100;
  const filterSamples = Math.round((speexFilterMs / 1000) * fs);
  progress(started, `aec: ${spec.name}: speex (filter ${speexFilterMs} ms)`);
  const speexMdf = runSpeex(harness, spec.name, sig.near, sig.far, fs, F, filterSamples, false);
  const speexFull = runSpeex(harness, spec.name, sig.near, sig.far, fs, F, filterSamples, true);
  const { steady, origins } = windows(sig);
  const frames = echoOnlyFrames(sig.echo, sig.noise, sig.callerSegments, steady, fs);
  const allFrames = echoOnlyFrames(sig.echo, sig.noise, sig.callerSegments, [[0, sig.near.length]], fs);
  const conv = (out: Float32Array, latency: number) => origins.map(([a, b]) => convergenceMs(sig.echo, out, allFrames, a, b, fs, latency));
  const first = spec.paths[0]!;
  const result: Record<string, unknown> = {
    name: spec.name,
    delay_ms: first.delayMs,
    erle_db: round(erleDb(sig.echo, ours.out, frames, ours.latency), 1),
    speex_erle_db: round(erleDb(sig.echo, speexFull.out, frames, 0), 1),
    doubletalk_attenuation_db: round(attenuationDb(sig.callerSpeech, ours.probeOut, sig.callerSegments, ours.latency), 2),
    convergence_ms: conv(ours.linear, 0)[0] ?? null,
    cpu_us_per_frame: round(ours.cpuUsPerFrame, 1),
    scalar_cpu_us_per_frame: round(ours.scalarCpuUsPerFrame, 1),
    speex_cpu_us_per_frame: round(speexFull.cpuUsPerFrame, 1),
    linear_erle_db: round(erleDb(sig.echo, ours.linear, frames, 0), 1),
    speex_mdf_erle_db: round(erleDb(sig.echo, speexMdf.out, frames, 0), 1),
    speex_convergence_ms: conv(speexMdf.out, 0)[0] ?? null,
    speex_mdf_cpu_us_per_frame: round(speexMdf.cpuUsPerFrame, 1),
    speex_filter_ms: speexFilterMs,
    sample_rate_hz: fs,
    echo_paths: spec.paths.map((p) => `${p.kind} ${p.lengthMs} ms, delay ${p.delayMs} ms, ERL ${p.erlDb} dB`),
    noise_dbfs: spec.noiseDbfs,
    estimated_delay_ms: round(ours.delayMs, 1),
    realignments: ours.realignments,
    steady_state_frames: frames.length,
  };
  if (origins.length > 1) {
    const after = echoOnlyFrames(sig.echo, sig.noise, sig.callerSegments, [steady[1]!], fs);
    result['delay_after_change_ms'] = spec.paths[1]?.delayMs;
    result['erle_after_change_db'] = round(erleDb(sig.echo, ours.out, after, ours.latency), 1);
    result['speex_erle_after_change_db'] = round(erleDb(sig.echo, speexFull.out, after, 0), 1);
    result['reconvergence_ms'] = conv(ours.linear, 0)[1] ?? null;
    result['speex_reconvergence_ms'] = conv(speexMdf.out, 0)[1] ?? null;
  }
  return result;
}

/** Runs every scenario, the false barge-in count, prints the table, returns the JSON. */
export async function run(args: BenchArgs): Promise<Record<string, unknown>> {
  const started = performance.now();
  const only = stringFlag(args, 'only', '');
  const dir = mkdtempSync(join(tmpdir(), 'aec-bench-'));
  try {
    progress(started, 'aec: compiling the speexdsp harness');
    const harness = buildSpeexHarness(dir);
    const scenarios: Array<Record<string, unknown>> = [];
    for (const spec of SCENARIOS) {
      if (only !== '' && !spec.name.includes(only)) continue;
      progress(started, `aec: ${spec.name}: signals`);
      scenarios.push(scenarioResult(buildScenario(spec), harness, started));
    }
    progress(started, 'aec: false barge-in scenario (60 s, no caller speech)');
    const fb = countFalseBargeins(falseBargeinScenario());
    progress(started, `aec: false barge-ins through the gateway (${GATEWAY_SECONDS} s of agent speech, ${gatewayScenarios(1).length} echo paths at once, real time)`);
    const gw = await runGatewayScenarios(gatewayScenarios(GATEWAY_SECONDS));
    const gatewayRows = gw.map((r, k) => ({
      name: r.name,
      delay_ms: GATEWAY_ECHO_PATHS[k]!.path.delayMs,
      echo_path: `${GATEWAY_ECHO_PATHS[k]!.path.kind} ${GATEWAY_ECHO_PATHS[k]!.path.lengthMs} ms, ERL ${GATEWAY_ECHO_PATHS[k]!.path.erlDb} dB`,
      stop_audios: r.phone.stopAudios,
      stop_at_s: r.phone.stopAtS.map((t) => round(t, 2)),
      erle_db: r.metrics.erleDb === null ? null : round(r.metrics.erleDb, 1),
      delay_estimate_ms: r.metrics.delayMeanMs === null ? null : round(r.metrics.delayMeanMs, 1),
      delay_samples: r.metrics.delaySamples,
      bargein_latency_count: r.metrics.bargeins,
      agent_audio_s: round(r.phone.agentAudioS, 2),
      phone_frames_late: r.phone.framesLate,
    }));
    const gatewayFalse = gatewayRows.reduce((a, r) => a + r.stop_audios, 0);
    progress(started, 'aec: heap allocation per frame (sampling heap profiler)');
    const allocSpec = SCENARIOS.find((x) => x.name === 'room-200ms-16k') ?? SCENARIOS[0]!;
    const allocSig = buildScenario(allocSpec);
    const allocated = await allocatedBytesPerFrame(allocSpec.sampleRateHz, toInt16(allocSig.near), toInt16(allocSig.far));
    printSummary(scenarios, fb.bargeins, fb.withoutGate, fb.withoutCanceller);
    for (const r of gatewayRows) console.log(`gateway ${r.name}: StopAudio ${r.stop_audios}, ERLE ${r.erle_db ?? '-'} dB, delay estimate ${r.delay_estimate_ms ?? '-'} ms`);
    console.log(`false barge-ins through the gateway: ${gatewayFalse}`);
    console.log(`heap allocated by the canceller per 20 ms frame: ${allocated.toFixed(1)} bytes (${allocSpec.name})`);
    return {
      scenarios,
      false_bargeins: gatewayFalse,
      gateway_false_bargein: gatewayRows,
      false_bargeins_detector: fb.bargeins,
      false_bargeins_without_gate: fb.withoutGate,
      false_bargeins_without_canceller: fb.withoutCanceller,
      allocated_bytes_per_frame: round(allocated, 1),
      speex_configuration: `MDF with 20 ms frames, filter = delay + ${SPEEX_TAIL_MS} ms rounded up to 100 ms; speex_erle_db adds the preprocessor's residual echo suppression (with its default noise suppression)`,
      definitions: {
        erle_db: `10·log10(Σecho²/Σout²) over 20 ms frames with echo ≥ 10 dB above noise and no caller speech, from ${WARMUP_S} s after the start and after a path change`,
        doubletalk_attenuation_db: "10·log10(Σs²/Σŝ²) over the caller's utterances; ŝ = the caller's speech through the canceller's own suppressor gains (probe)",
        convergence_ms: "from the first far-end speech to the end of the first 0.5 s window where the linear filter's ERLE reaches 20 dB",
        false_bargeins: `StopAudio messages received by a synthetic ACS phone over ${GATEWAY_SECONDS} s of agent speech per echo path (no caller speech), through a real in-process gateway; false_bargeins_detector is the earlier offline figure (canceller + gate + energy detector)`,
        gateway_erle_db: 'the gateway\'s call_aec_erle gauge (latest) at the end of the call; null when the gateway never reported one',
        gateway_delay_estimate_ms: 'mean of the gateway\'s call_aec_delay histogram (one sample per second); includes the phone\'s playout queue (the gateway sends 100 ms ahead)',
        cpu_us_per_frame: 'CPU time per 20 ms frame over the whole scenario, agent pauses included (ours: process.cpuUsage() around process() after a JIT warm-up, SIMD kernels; speex: clock_gettime(CLOCK_PROCESS_CPUTIME_ID) in C)',
        scalar_cpu_us_per_frame: 'the same for our canceller with its scalar (JavaScript) kernels, measured just before the SIMD run: same output, bit for bit',
      },
      node: process.version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function printSummary(rows: ReadonlyArray<Record<string, unknown>>, falseBargeins: number, withoutGate: number, withoutCanceller: number): void {
  const cols: Array<[string, string, number]> = [
    ['scenario', 'name', 18],
    ['delay', 'delay_ms', 6],
    ['ERLE', 'erle_db', 6],
    ['speex', 'speex_erle_db', 6],
    ['lin', 'linear_erle_db', 6],
    ['spxMDF', 'speex_mdf_erle_db', 7],
    ['DT att', 'doubletalk_attenuation_db', 7],
    ['conv ms', 'convergence_ms', 8],
    ['spx conv', 'speex_convergence_ms', 9],
    ['us/frm', 'cpu_us_per_frame', 7],
    ['js us', 'scalar_cpu_us_per_frame', 7],
    ['spx us', 'speex_cpu_us_per_frame', 7],
    ['est delay', 'estimated_delay_ms', 9],
  ];
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(cols[i]![2]) : c.padStart(cols[i]![2]))).join(' ');
  console.log(line(cols.map((c) => c[0])));
  for (const r of rows) console.log(line(cols.map(([, key]) => String(r[key] ?? '-'))));
  console.log(`false barge-ins in 60 s of echo only: ${falseBargeins} (without the gate: ${withoutGate}; without the canceller: ${withoutCanceller})`);
}
