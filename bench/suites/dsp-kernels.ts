/**
 * The kernels the `dsp` suite measures, each set up once with realistic input (speech from
 * espeak-ng where it matters) and called on one frame's worth of audio per iteration.
 */
import { existsSync } from 'node:fs';
import { speak } from '../speech/index.ts';

/** One measured function. */
export interface Kernel {
  readonly name: string;
  /** What one call processes, for the report. */
  readonly unit: string;
  /** Calls per 20 ms frame of one call (e.g. 20/32 for a 32 ms VAD window). */
  readonly callsPerFrame: number;
  readonly fn: () => unknown;
}

const SILERO_V5 = 'node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx';

/** Builds every kernel whose module exists; the others are listed with the reason. */
export async function buildKernels(): Promise<{ kernels: Kernel[]; skipped: Array<{ name: string; reason: string }> }> {
  const kernels: Kernel[] = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  const speech = await speechSignals();
  const builders: Array<[string, () => Promise<Kernel[]>]> = [
    ['codecs', () => codecKernels(speech.near16k)],
    ['resample', () => resampleKernels(speech.near16k)],
    ['level', () => levelKernels(speech.near16k)],
    ['acs decode', () => acsDecodeKernels(speech.near16k)],
    ['vad', () => vadKernels(speech.near16k)],
    ['gateway vad (batched SileroModel)', () => gatewayVadKernels(speech.near16k)],
    ['aec', () => aecKernels(speech.near16k, speech.far16k)],
  ];
  for (const [name, build] of builders) {
    try {
      kernels.push(...(await build()));
    } catch (error) {
      skipped.push({ name, reason: (error as Error).message.split('\n')[0] ?? 'unavailable' });
    }
  }
  return { kernels, skipped };
}

/** Caller speech (near end, with the agent's echo mixed in) and agent speech (far end), 16 kHz. */
async function speechSignals(): Promise<{ near16k: Int16Array; far16k: Int16Array }> {
  try {
    const caller = await speak('It happened yesterday evening in the parking lot of the supermarket.', { voice: 'en-gb' });
    const agent = await speak('I am sorry to hear that. Can you tell me where exactly it happened?', { voice: 'en-us' });
    const n = Math.min(caller.pcm.length, agent.pcm.length);
    const far = agent.pcm.slice(0, n);
    const near = new Int16Array(n);
    // Echo 20 dB down, 100 ms late, plus the caller's own speech.
    for (let i = 0; i < n; i++) near[i] = Math.max(-32768, Math.min(32767, caller.pcm[i]! + 0.1 * (far[i - 1600] ?? 0)));
    return { near16k: near, far16k: far };
  } catch {
    // No espeak-ng: band-limited noise keeps the kernels busy in the same way.
    const noise = (seed: number) => Int16Array.from({ length: 48_000 }, (_, i) => Math.round(6000 * Math.sin(i * 0.07 + seed) * Math.sin(i * 0.0013 * seed)));
    return { near16k: noise(1), far16k: noise(2) };
  }
}

/** Iterates over consecutive frames of `signal`, wrapping around. */
function frames(signal: Int16Array, size: number): () => Int16Array {
  let at = 0;
  return () => {
    if (at + size > signal.length) at = 0;
    const f = signal.subarray(at, at + size);
    at += size;
    return f;
  };
}

function decimate(signal: Int16Array, factor: number): Int16Array {
  const out = new Int16Array(Math.floor(signal.length / factor));
  for (let i = 0; i < out.length; i++) out[i] = signal[i * factor]!;
  return out;
}

async function codecKernels(speech16k: Int16Array): Promise<Kernel[]> {
  const g711 = await import('../../dsp/codecs/index.ts');
  const pcm8k = decimate(speech16k, 2);
  const next = frames(pcm8k, 160);
  const bytes = new Uint8Array(160);
  const out = new Int16Array(160);
  const mu = new Uint8Array(160);
  g711.mulawEncode(pcm8k.subarray(0, 160), mu);
  const a = new Uint8Array(160);
  g711.alawEncode(pcm8k.subarray(0, 160), a);
  const unit = '20 ms at 8 kHz (160 samples)';
  return [
    { name: 'mulaw encode', unit, callsPerFrame: 1, fn: () => g711.mulawEncode(next(), bytes) },
    { name: 'mulaw decode', unit, callsPerFrame: 1, fn: () => g711.mulawDecode(mu, out) },
    { name: 'alaw encode', unit, callsPerFrame: 1, fn: () => g711.alawEncode(next(), bytes) },
    { name: 'alaw decode', unit, callsPerFrame: 1, fn: () => g711.alawDecode(a, out) },
  ];
}

async function resampleKernels(speech16k: Int16Array): Promise<Kernel[]> {
  const { Resampler } = await import('../../dsp/resample/index.ts');
  const pcm8k = decimate(speech16k, 2);
  const pcm24k = new Int16Array(Math.floor((speech16k.length * 3) / 2));
  for (let i = 0; i < pcm24k.length; i++) pcm24k[i] = speech16k[Math.floor((i * 2) / 3)]!;
  const pairs: Array<[number, number, Int16Array]> = [
    [8000, 16000, pcm8k],
    [16000, 8000, speech16k],
    [16000, 24000, speech16k],
    [24000, 16000, pcm24k],
    [24000, 8000, pcm24k],
  ];
  return pairs.map(([from, to, signal]) => {
    const r = new Resampler(from, to);
    const inLen = from / 50;
    const next = frames(signal, inLen);
    const out = new Int16Array(r.maxOutputLength(inLen));
    return { name: `resample ${from / 1000}k→${to / 1000}k`, unit: `20 ms at ${from / 1000} kHz (${inLen} samples)`, callsPerFrame: 1, fn: () => r.process(next(), out) };
  });
}

async function levelKernels(speech16k: Int16Array): Promise<Kernel[]> {
  const level = await import('../../dsp/level/index.ts');
  const meter = new level.LevelMeter(20);
  const next = frames(speech16k, 320);
  return [
    { name: 'level rms dBFS', unit: '20 ms at 16 kHz (320 samples)', callsPerFrame: 1, fn: () => level.rmsDbfs(next()) },
    { name: 'level meter update', unit: '20 ms at 16 kHz (320 samples)', callsPerFrame: 1, fn: () => meter.update(next()) },
  ];
}

async function acsDecodeKernels(speech16k: Int16Array): Promise<Kernel[]> {
  const { AcsCodec } = await import('../../gateway/carriers/index.ts');
  const codec = new AcsCodec(16000);
  const messages: string[] = [];
  const next = frames(speech16k, 320);
  for (let i = 0; i < 64; i++) {
    const f = next();
    const data = Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
    messages.push(`{"kind":"AudioData","audioData":{"timestamp":"2024-05-01T10:00:00.000Z","participantRawID":"8:acs:caller","data":"${data}","silent":false}}`);
  }
  const wire = messages.map((m) => new TextEncoder().encode(m));
  let i = 0;
  const pcm = new Int16Array(320);
  return [
    {
      name: 'acs decode (AudioData JSON + base64)',
      unit: 'one AudioData message (20 ms at 16 kHz)',
      callsPerFrame: 1,
      fn: () => codec.decode(wire[i++ & 63]!, false),
    },
    {
      name: 'acs encode (agent audio)',
      unit: 'one outbound audioData message (20 ms at 16 kHz)',
      callsPerFrame: 1,
      fn: () => codec.encode({ type: 'audio', pcm }),
    },
  ];
}

async function vadKernels(speech16k: Int16Array): Promise<Kernel[]> {
  if (!existsSync(SILERO_V5)) throw new Error(`Silero model not found at ${SILERO_V5}`);
  const vad = await import('../../dsp/vad/index.ts');
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(SILERO_V5, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const windower = new vad.SileroWindower();
  const input = new Float32Array(vad.SILERO_INPUT_SAMPLES);
  let state = new ort.Tensor('float32', new Float32Array(2 * vad.SILERO_STATE_SIZE), [2, 1, vad.SILERO_STATE_SIZE]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  const inputTensor = new ort.Tensor('float32', input, [1, vad.SILERO_INPUT_SAMPLES]);
  const next = frames(speech16k, 320);
  const fn = async () => {
    while (!windower.ready) windower.push(next(), false);
    windower.take(input, 0);
    const out = await session.run({ input: inputTensor, state, sr });
    state = out.stateN as typeof state;
    return out.output;
  };
  return [{ name: 'vad window (silero v5, onnx)', unit: '32 ms window at 16 kHz (512 + 64 samples)', callsPerFrame: 20 / vad.SILERO_WINDOW_MS, fn }];
}

/** The part of `gateway/vad` the bench uses (imported at run time: skipped when absent). */
interface GatewayVad {
  SileroModel: {
    load(): Promise<{ infer(batch: number, input: Float32Array, state: Float32Array, probs: Float32Array, stateOut: Float32Array): Promise<void> }>;
  };
}

/** The gateway runs Silero batched (one inference for every call due in a tick): cost per window at a few batch sizes. */
async function gatewayVadKernels(speech16k: Int16Array): Promise<Kernel[]> {
  const path = '../../gateway/vad/index.ts';
  const { SileroModel } = (await import(path)) as GatewayVad;
  const vad = await import('../../dsp/vad/index.ts');
  const model = await SileroModel.load();
  const kernels: Kernel[] = [];
  for (const batch of [1, 16, 64]) {
    const input = new Float32Array(batch * vad.SILERO_INPUT_SAMPLES);
    // Rows of real speech at different offsets.
    for (let b = 0; b < batch; b++) {
      const at = (b * 3217) % Math.max(1, speech16k.length - vad.SILERO_INPUT_SAMPLES);
      for (let i = 0; i < vad.SILERO_INPUT_SAMPLES; i++) input[b * vad.SILERO_INPUT_SAMPLES + i] = speech16k[at + i]! / 32768;
    }
    let state = new Float32Array(2 * batch * vad.SILERO_STATE_SIZE);
    let stateOut = new Float32Array(state.length);
    const probs = new Float32Array(batch);
    kernels.push({
      name: `vad batch of ${batch} (gateway SileroModel)`,
      unit: `${batch} windows of 32 ms (one per call)`,
      // One call needs 20/32 of a window per frame; a batch serves `batch` calls.
      callsPerFrame: 20 / vad.SILERO_WINDOW_MS / batch,
      fn: async () => {
        await model.infer(batch, input, state, probs, stateOut);
        [state, stateOut] = [stateOut, state];
      },
    });
  }
  return kernels;
}

async function aecKernels(near16k: Int16Array, far16k: Int16Array): Promise<Kernel[]> {
  const { EchoCanceller } = await import('../../dsp/aec/index.ts');
  const aec = new EchoCanceller({ sampleRateHz: 16000, frameSamples: 320 });
  const out = new Int16Array(320);
  let at = 0;
  const n = Math.min(near16k.length, far16k.length) - 320;
  // Warm the canceller up to steady state (delay found, filter converged) before timing it.
  for (let k = 0; k < 500; k++) {
    if (at > n) at = 0;
    aec.process(near16k.subarray(at, at + 320), far16k.subarray(at, at + 320), out);
    at += 320;
  }
  const fn = () => {
    if (at > n) at = 0;
    aec.process(near16k.subarray(at, at + 320), far16k.subarray(at, at + 320), out);
    at += 320;
  };
  return [{ name: 'aec frame (16 kHz)', unit: '20 ms at 16 kHz (320 near + 320 far samples)', callsPerFrame: 1, fn }];
}
