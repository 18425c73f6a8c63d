/**
 * Silero VAD v5 (16 kHz path) rebuilt as a batch-friendly ONNX graph from the weights of the
 * original model file. The original computes its STFT and encoder with `Conv` nodes, which
 * onnxruntime runs one batch row at a time (im2col + a GEMM only 4 columns wide); here every
 * convolution is a `MatMul` over all rows and time steps at once, so a batch of 100 windows is a
 * handful of wide GEMMs. Same weights, same arithmetic (checked against the original in
 * silero-batched.test.ts); inputs and outputs keep the original names and shapes:
 * `input [B, 576]`, `state [2, B, 128]`, `sr` (accepted, unused: 16 kHz only) →
 * `output [B, 1]`, `stateN [2, B, 128]`.
 *
 * The network: reflect-pad 64 → 4 frames of 256 (hop 128) → DFT magnitude (129 bins) → four
 * conv1d(k=3, pad 1; strides 1, 2, 2, 1) + ReLU → LSTM cell (128) → ReLU → linear → sigmoid.
 */
import { PbWriter, bytesField, readFields, stringField, varintsField } from './onnx-proto.ts';

const FLOAT = 1;
const INT64 = 7;

interface Tensor {
  readonly dims: number[];
  readonly data: Float32Array;
}

/** Tensors of the 16 kHz branch of the original model, by name. */
function readWeights(model: Uint8Array): Map<string, Tensor> {
  const graph = bytesField(readFields(model), 7);
  if (graph === undefined) throw new Error('not an ONNX model: no graph');
  const top = readFields(graph).filter((f) => f.no === 1).map((f) => readFields(f.v as Uint8Array));
  const ifNode = top.find((n) => stringField(n, 4) === 'If');
  if (ifNode === undefined) throw new Error('unexpected Silero model: no sample-rate branch');
  const attrs = ifNode.filter((f) => f.no === 5).map((f) => readFields(f.v as Uint8Array));
  const then = attrs.find((a) => stringField(a, 1) === 'then_branch');
  const branch = then && bytesField(then, 6);
  if (branch === undefined) throw new Error('unexpected Silero model: no 16 kHz branch');
  const out = new Map<string, Tensor>();
  for (const f of readFields(branch)) {
    if (f.no !== 1) continue;
    const node = readFields(f.v as Uint8Array);
    if (stringField(node, 4) !== 'Constant') continue;
    for (const a of node.filter((x) => x.no === 5).map((x) => readFields(x.v as Uint8Array))) {
      const t = bytesField(a, 5);
      if (t === undefined) continue;
      const tensor = readFields(t);
      const name = stringField(tensor, 8);
      const raw = bytesField(tensor, 9);
      if (name === '' || raw === undefined || Number(varintsField(tensor, 2)[0] ?? 0) !== FLOAT) continue;
      const data = new Float32Array(raw.slice().buffer);
      out.set(name, { dims: varintsField(tensor, 1).map(Number), data });
    }
  }
  return out;
}

function need(weights: Map<string, Tensor>, name: string, dims: number[]): Tensor {
  const t = weights.get(name);
  if (t === undefined || t.dims.join(',') !== dims.join(',')) throw new Error(`Silero weight ${name}: expected [${dims}], got ${t ? `[${t.dims}]` : 'none'}`);
  return t;
}

/** conv1d weight [out, in, 3] → im2col matrix [3·in, out] (tap-major rows), or one tap → [in, out]. */
function convMatrix(w: Tensor, taps: readonly number[]): Float32Array {
  const [outCh = 0, inCh = 0, k = 0] = w.dims;
  const m = new Float32Array(taps.length * inCh * outCh);
  taps.forEach((tap, ti) => {
    for (let c = 0; c < inCh; c++) for (let o = 0; o < outCh; o++) m[(ti * inCh + c) * outCh + o] = w.data[(o * inCh + c) * k + tap] as number;
  });
  return m;
}

/** Builds the ONNX graph (see the module comment). */
class GraphBuilder {
  readonly #nodes: PbWriter[] = [];
  readonly #inits: PbWriter[] = [];
  #n = 0;

  init(name: string, dims: number[], data: Float32Array | BigInt64Array): string {
    const t = new PbWriter();
    for (const d of dims) t.int(1, d);
    t.int(2, data instanceof Float32Array ? FLOAT : INT64).bytes(8, name).bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    this.#inits.push(t);
    return name;
  }

  ints(values: number[]): string {
    return this.init(`c${this.#n++}`, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  op(type: string, inputs: string[], attrs: Array<[string, 'int' | 'ints' | 'string', number | number[] | string]> = []): string {
    const out = `t${this.#n++}`;
    const node = new PbWriter();
    for (const i of inputs) node.bytes(1, i);
    node.bytes(2, out).bytes(3, `${type}_${this.#n}`).bytes(4, type);
    for (const [name, kind, value] of attrs) {
      const a = new PbWriter().bytes(1, name);
      if (kind === 'int') a.int(3, value as number).int(20, 2);
      else if (kind === 'ints') {
        for (const v of value as number[]) a.int(8, v);
        a.int(20, 7);
      } else a.bytes(4, value as string).int(20, 3);
      node.bytes(5, a);
    }
    this.#nodes.push(node);
    return out;
  }

  slice(x: string, start: number, end: number, axis: number, step = 1): string {
    return this.op('Slice', [x, this.ints([start]), this.ints([end]), this.ints([axis]), this.ints([step])]);
  }

  /** Renames the value `from` to the graph output `to`. */
  output(from: string, to: string): void {
    this.#nodes.push(new PbWriter().bytes(1, from).bytes(2, to).bytes(3, `out_${to}`).bytes(4, 'Identity'));
  }

  finish(inputs: PbWriter[], outputs: PbWriter[]): Uint8Array {
    const graph = new PbWriter();
    for (const n of this.#nodes) graph.bytes(1, n);
    graph.bytes(2, 'silero_vad_v5_batched');
    for (const t of this.#inits) graph.bytes(5, t);
    for (const i of inputs) graph.bytes(11, i);
    for (const o of outputs) graph.bytes(12, o);
    return new PbWriter()
      .int(1, 8)
      .bytes(2, 'callcenter-gateway')
      .bytes(7, graph)
      .bytes(8, new PbWriter().bytes(1, '').int(2, 17))
      .finish();
  }
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>): PbWriter {
  const shape = new PbWriter();
  for (const d of dims) shape.bytes(1, typeof d === 'number' ? new PbWriter().int(1, d) : new PbWriter().bytes(2, d));
  const tensorType = new PbWriter().int(1, elemType).bytes(2, shape);
  return new PbWriter().bytes(1, name).bytes(2, new PbWriter().bytes(1, tensorType));
}

/**
 * Returns the bytes of the batch-friendly model built from the original Silero v5 file's bytes.
 * @throws Error if the file does not have the expected weights.
 */
export function buildBatchedSilero(original: Uint8Array): Uint8Array {
  const w = readWeights(original);
  const basis = need(w, 'stft.forward_basis_buffer', [258, 1, 256]);
  const enc = [
    { w: need(w, 'encoder.0.reparam_conv.weight', [128, 129, 3]), b: need(w, 'encoder.0.reparam_conv.bias', [128]) },
    { w: need(w, 'encoder.1.reparam_conv.weight', [64, 128, 3]), b: need(w, 'encoder.1.reparam_conv.bias', [64]) },
    { w: need(w, 'encoder.2.reparam_conv.weight', [64, 64, 3]), b: need(w, 'encoder.2.reparam_conv.bias', [64]) },
    { w: need(w, 'encoder.3.reparam_conv.weight', [128, 64, 3]), b: need(w, 'encoder.3.reparam_conv.bias', [128]) },
  ];
  const wih = need(w, 'decoder.rnn.weight_ih', [512, 128]);
  const whh = need(w, 'decoder.rnn.weight_hh', [512, 128]);
  const bih = need(w, 'decoder.rnn.bias_ih', [512]);
  const bhh = need(w, 'decoder.rnn.bias_hh', [512]);
  const wd = need(w, 'decoder.decoder.2.weight', [1, 128, 1]);
  const bd = need(w, 'decoder.decoder.2.bias', [1]);

  const g = new GraphBuilder();
  // STFT: reflect-pad 64 on the right, 5 hops of 128 → 4 frames of 256, one GEMM with the DFT basis.
  const padded = g.op('Pad', ['input', g.ints([0, 0, 0, 64])], [['mode', 'string', 'reflect']]);
  const hops = g.op('Reshape', [padded, g.ints([0, 5, 128])]);
  const frames = g.op('Concat', [g.slice(hops, 0, 4, 1), g.slice(hops, 1, 5, 1)], [['axis', 'int', 2]]);
  const dft = new Float32Array(256 * 258);
  for (let c = 0; c < 258; c++) for (let k = 0; k < 256; k++) dft[k * 258 + c] = basis.data[c * 256 + k] as number;
  const spec = g.op('MatMul', [frames, g.init('dft', [256, 258], dft)]);
  const re = g.slice(spec, 0, 129, 2);
  const im = g.slice(spec, 129, 258, 2);
  let x = g.op('Sqrt', [g.op('Add', [g.op('Mul', [re, re]), g.op('Mul', [im, im])])]); // [B, 4, 129]
  // Encoder: conv1d(k=3, pad 1) as im2col over time + one GEMM each.
  const timePad = g.ints([0, 1, 0, 0, 1, 0]);
  const conv = (input: string, layer: number, length: number, stride: number): string => {
    const { w: weight, b } = enc[layer]!;
    const p = g.op('Pad', [input, timePad]);
    const outLen = Math.floor((length + 2 - 3) / stride) + 1;
    const taps = [0, 1, 2].map((k) => g.slice(p, k, k + stride * (outLen - 1) + 1, 1, stride));
    const cols = g.op('Concat', taps, [['axis', 'int', 2]]);
    const y = g.op('MatMul', [cols, g.init(`enc${layer}.w`, [3 * weight.dims[1]!, weight.dims[0]!], convMatrix(weight, [0, 1, 2]))]);
    return g.op('Relu', [g.op('Add', [y, g.init(`enc${layer}.b`, [weight.dims[0]!], b.data)])]);
  };
  x = conv(x, 0, 4, 1); // [B, 4, 128]
  x = conv(x, 1, 4, 2); // [B, 2, 64]
  x = conv(x, 2, 2, 2); // [B, 1, 64]
  // Last conv on a single step: only the centre tap sees data (the others see the zero padding).
  const e3 = enc[3]!;
  x = g.op('Relu', [g.op('Add', [g.op('MatMul', [x, g.init('enc3.w', [64, 128], convMatrix(e3.w, [1]))]), g.init('enc3.b', [128], e3.b.data)])]);
  const feat = g.op('Reshape', [x, g.ints([0, 128])]); // [B, 128]
  // LSTM cell (PyTorch gate order i, f, g, o): one GEMM on [x, h].
  const axis0 = g.ints([0]);
  const h0 = g.op('Squeeze', [g.slice('state', 0, 1, 0), axis0]);
  const c0 = g.op('Squeeze', [g.slice('state', 1, 2, 0), axis0]);
  const wg = new Float32Array(256 * 512);
  const bg = new Float32Array(512);
  for (let j = 0; j < 512; j++) {
    for (let i = 0; i < 128; i++) {
      wg[i * 512 + j] = wih.data[j * 128 + i] as number;
      wg[(128 + i) * 512 + j] = whh.data[j * 128 + i] as number;
    }
    bg[j] = (bih.data[j] as number) + (bhh.data[j] as number);
  }
  const gates = g.op('Add', [g.op('MatMul', [g.op('Concat', [feat, h0], [['axis', 'int', 1]]), g.init('lstm.w', [256, 512], wg)]), g.init('lstm.b', [512], bg)]);
  const gi = g.op('Sigmoid', [g.slice(gates, 0, 128, 1)]);
  const gf = g.op('Sigmoid', [g.slice(gates, 128, 256, 1)]);
  const gc = g.op('Tanh', [g.slice(gates, 256, 384, 1)]);
  const go = g.op('Sigmoid', [g.slice(gates, 384, 512, 1)]);
  const c1 = g.op('Add', [g.op('Mul', [gf, c0]), g.op('Mul', [gi, gc])]);
  const h1 = g.op('Mul', [go, g.op('Tanh', [c1])]);
  // Decoder: ReLU → 1×1 conv (a dot product) → sigmoid; the mean over one time step is itself.
  const logit = g.op('Add', [g.op('MatMul', [g.op('Relu', [h1]), g.init('dec.w', [128, 1], Float32Array.from(wd.data))]), g.init('dec.b', [1], Float32Array.from(bd.data))]);
  g.output(g.op('Sigmoid', [logit]), 'output');
  g.output(g.op('Concat', [g.op('Unsqueeze', [h1, axis0]), g.op('Unsqueeze', [c1, axis0])], [['axis', 'int', 0]]), 'stateN');
  return g.finish(
    [valueInfo('input', FLOAT, ['batch', 576]), valueInfo('state', FLOAT, [2, 'batch', 128]), valueInfo('sr', INT64, [])],
    [valueInfo('output', FLOAT, ['batch', 1]), valueInfo('stateN', FLOAT, [2, 'batch', 128])],
  );
}

