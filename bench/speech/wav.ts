/**
 * PCM16 mono WAV reading and writing for generated speech.
 */

/** Decoded WAV audio. */
export interface WavAudio {
  readonly pcm: Int16Array;
  readonly sampleRateHz: number;
}

/**
 * Parses a 16-bit PCM mono WAV. Tolerates the unknown data size espeak-ng writes to a pipe.
 * @throws Error when the file is not 16-bit mono PCM.
 */
export function readWav(buf: Uint8Array): WavAudio {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 12 || b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let offset = 12;
  let rate = 0;
  let format = { channels: 0, bits: 0, tag: 0 };
  while (offset + 8 <= b.length) {
    const id = b.toString('ascii', offset, offset + 4);
    const size = b.readUInt32LE(offset + 4);
    if (id === 'fmt ') {
      format = { tag: b.readUInt16LE(offset + 8), channels: b.readUInt16LE(offset + 10), bits: b.readUInt16LE(offset + 22) };
      rate = b.readUInt32LE(offset + 12);
    } else if (id === 'data') {
      if (format.tag !== 1 || format.channels !== 1 || format.bits !== 16) {
        throw new Error(`WAV is not 16-bit mono PCM (format ${format.tag}, ${format.channels} channels, ${format.bits} bits)`);
      }
      const end = Math.min(b.length, offset + 8 + size);
      const count = Math.floor((end - offset - 8) / 2);
      const pcm = new Int16Array(count);
      for (let i = 0; i < count; i++) pcm[i] = b.readInt16LE(offset + 8 + i * 2);
      return { pcm, sampleRateHz: rate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error('WAV without a data chunk');
}

/** Encodes 16-bit mono PCM as a WAV file. */
export function writeWav(pcm: Int16Array, sampleRateHz: number): Buffer {
  const out = Buffer.alloc(44 + pcm.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + pcm.length * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRateHz, 24);
  out.writeUInt32LE(sampleRateHz * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(pcm.length * 2, 40);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i]!, 44 + i * 2);
  return out;
}
