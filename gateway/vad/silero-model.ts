/**
 * Silero VAD v5 on onnxruntime-node, batched: one inference for every stream due in a tick.
 * The model takes `input [B, 576]` (64 context + 512 new samples at 16 kHz), `state [2, B, 128]`
 * and `sr` (int64 scalar); it returns `output [B, 1]` (speech probability) and `stateN [2, B, 128]`.
 * One session per thread serves all its calls; each call keeps its own 2 × 128 state floats.
 * Batching matters: a lone inference after an idle gap runs with cold caches and costs 4–5× more
 * per window than a row of a batch. By default the session runs the same network rebuilt with
 * GEMMs over the whole batch (see silero-batched.ts), about 4× cheaper per row than the original
 * graph's per-row convolutions.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';
import { SILERO_INPUT_SAMPLES, SILERO_STATE_SIZE } from '../../dsp/vad/index.ts';
import { buildBatchedSilero } from './silero-batched.ts';

/** Which graph runs: the batch-friendly rebuild (default) or the model file as shipped. */
export type SileroGraph = 'batched' | 'original';

/** Path of the Silero v5 model shipped by @ricky0123/vad-web. */
export function sileroModelPath(): string {
  const pkg = createRequire(import.meta.url).resolve('@ricky0123/vad-web/package.json');
  return join(dirname(pkg), 'dist', 'silero_vad_v5.onnx');
}

/** A loaded Silero session. */
export class SileroModel {
  readonly #session: ort.InferenceSession;
  readonly #sr: ort.Tensor;

  private constructor(session: ort.InferenceSession) {
    this.#session = session;
    this.#sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  }

  /**
   * Loads the model with one intra-op thread: parallelism comes from worker threads, and a
   * thread pool per session would fight them for the same two cores.
   */
  static async load(modelPath = sileroModelPath(), graph: SileroGraph = 'batched'): Promise<SileroModel> {
    const original = new Uint8Array(readFileSync(modelPath));
    const bytes = graph === 'batched' ? buildBatchedSilero(original) : original;
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const want = ['input', 'state', 'sr'];
    if (!want.every((n) => session.inputNames.includes(n)) || !session.outputNames.includes('stateN')) {
      throw new Error(`unexpected Silero model interface: inputs ${session.inputNames.join(',')} outputs ${session.outputNames.join(',')}`);
    }
    return new SileroModel(session);
  }

  /**
   * Runs `batch` rows. `input` holds rows of 576 floats; `state` is laid out [2, batch, 128].
   * Writes probabilities to `probs[0..batch)` and the new state, same layout, to `stateOut`.
   */
  async infer(batch: number, input: Float32Array, state: Float32Array, probs: Float32Array, stateOut: Float32Array): Promise<void> {
    const stateLen = 2 * batch * SILERO_STATE_SIZE;
    const out = await this.#session.run({
      input: new ort.Tensor('float32', input.subarray(0, batch * SILERO_INPUT_SAMPLES), [batch, SILERO_INPUT_SAMPLES]),
      state: new ort.Tensor('float32', state.subarray(0, stateLen), [2, batch, SILERO_STATE_SIZE]),
      sr: this.#sr,
    });
    const p = out.output?.data as Float32Array | undefined;
    const s = out.stateN?.data as Float32Array | undefined;
    if (p === undefined || s === undefined || p.length < batch || s.length < stateLen) throw new Error('Silero returned no output');
    probs.set(p.subarray(0, batch));
    stateOut.set(s.subarray(0, stateLen));
  }

  async close(): Promise<void> {
    await this.#session.release();
  }
}
