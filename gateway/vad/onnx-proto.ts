/**
 * Just enough of the protobuf wire format to read tensors out of an ONNX file and to write a small
 * ONNX model: fields are (number, wire type, value) triples; messages are built from them.
 * See onnx.proto3 for the field numbers used by the callers.
 */

/** A decoded field: varints as bigint, length-delimited and fixed-size fields as byte views. */
export interface PbField {
  readonly no: number;
  readonly wt: number;
  readonly v: bigint | Uint8Array;
}

/** Decodes one message's fields (no schema; nested messages stay as bytes). */
export function readFields(buf: Uint8Array): PbField[] {
  const out: PbField[] = [];
  let i = 0;
  const varint = (): bigint => {
    let r = 0n;
    let s = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated protobuf varint');
      const b = buf[i++] as number;
      r |= BigInt(b & 0x7f) << s;
      if ((b & 0x80) === 0) return r;
      s += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wt = key & 7;
    if (wt === 0) out.push({ no, wt, v: varint() });
    else if (wt === 2) {
      const n = Number(varint());
      if (i + n > buf.length) throw new Error('truncated protobuf field');
      out.push({ no, wt, v: buf.subarray(i, i + n) });
      i += n;
    } else if (wt === 5 || wt === 1) {
      const n = wt === 5 ? 4 : 8;
      out.push({ no, wt, v: buf.subarray(i, i + n) });
      i += n;
    } else throw new Error(`unsupported protobuf wire type ${wt}`);
  }
  return out;
}

/** The bytes of field `no` (first occurrence), if present. */
export function bytesField(fields: readonly PbField[], no: number): Uint8Array | undefined {
  const f = fields.find((x) => x.no === no && x.wt === 2);
  return f?.v as Uint8Array | undefined;
}

/** UTF-8 text of field `no`, or ''. */
export function stringField(fields: readonly PbField[], no: number): string {
  const b = bytesField(fields, no);
  return b === undefined ? '' : new TextDecoder().decode(b);
}

/** Every varint of a repeated field `no`, packed or not. */
export function varintsField(fields: readonly PbField[], no: number): bigint[] {
  const out: bigint[] = [];
  for (const f of fields) {
    if (f.no !== no) continue;
    if (f.wt === 0) out.push(f.v as bigint);
    else if (f.wt === 2) for (const p of readPacked(f.v as Uint8Array)) out.push(p);
  }
  return out;
}

function readPacked(buf: Uint8Array): bigint[] {
  const out: bigint[] = [];
  let i = 0;
  while (i < buf.length) {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const b = buf[i++] as number;
      r |= BigInt(b & 0x7f) << s;
      if ((b & 0x80) === 0) break;
      s += 7n;
    }
    out.push(r);
  }
  return out;
}

/** A message under construction. */
export class PbWriter {
  readonly #parts: Uint8Array[] = [];
  #length = 0;

  #push(bytes: Uint8Array): void {
    this.#parts.push(bytes);
    this.#length += bytes.length;
  }

  #varint(value: bigint | number): void {
    let v = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) b |= 0x80;
      bytes.push(b);
    } while (v !== 0n);
    this.#push(Uint8Array.from(bytes));
  }

  /** A varint field (int32/int64/enum/bool). */
  int(no: number, value: bigint | number): this {
    this.#varint((no << 3) | 0);
    this.#varint(value);
    return this;
  }

  /** A 32-bit float field. */
  float(no: number, value: number): this {
    this.#varint((no << 3) | 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#push(b);
    return this;
  }

  /** A length-delimited field: bytes, a string, or a nested message. */
  bytes(no: number, value: Uint8Array | string | PbWriter): this {
    const b = typeof value === 'string' ? new TextEncoder().encode(value) : value instanceof PbWriter ? value.finish() : value;
    this.#varint((no << 3) | 2);
    this.#varint(b.length);
    this.#push(b);
    return this;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const p of this.#parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
