/**
 * STT client of the stand-in service (`bench/standins/stt-server.ts` protocol): one full-duplex
 * HTTP/1.1 request per call, frames `[kind u8][length u32 LE][payload]` up, NDJSON results down.
 */
import { request, type ClientRequest } from 'node:http';
import { ProviderError } from '../errors.ts';
import { STT_SAMPLE_RATE_HZ, type SttOpenOptions, type SttProvider, type SttStream } from './types.ts';

const KIND_AUDIO = 1;
const KIND_CONTROL = 2;
/**
 * Audio is sent in 100 ms batches: five frames per write. Every call streams all its audio, so at
 * 100 calls this is 1000 writes a second instead of 5000; partials (every 250 ms of speech) stay
 * timely, and the end of an utterance flushes what is batched before the `end`.
 */
const BATCH_SAMPLES = (STT_SAMPLE_RATE_HZ * 100) / 1000;
/** A connection whose socket buffer holds more than this is stuck; audio is dropped (counted) rather than queued without bound. */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** @param baseUrl `stt.standin.url` */
export function createStandinStt(baseUrl: string): SttProvider {
  return { name: 'standin', open: (options) => new StandinStream(baseUrl, options) };
}

class StandinStream implements SttStream {
  #req: ClientRequest | undefined;
  readonly #batch = new Int16Array(BATCH_SAMPLES);
  readonly #batchBytes = new Uint8Array(this.#batch.buffer);
  /**
   * The audio frame last written: reused once the socket has taken it (no Buffer per batch). Its
   * own memory, not a slice of Node's shared 8 KB pool, which it would keep alive for the call.
   */
  #audioFrame = Buffer.allocUnsafeSlow(5 + BATCH_SAMPLES * 2);
  #fill = 0;
  #endsSent = 0;
  #finals = 0;
  #lang: string;
  #closed = false;
  /** Audio frames dropped because the connection was stuck or down. */
  dropped = 0;

  constructor(
    readonly baseUrl: string,
    readonly options: SttOpenOptions,
  ) {
    this.#lang = options.lang;
    this.#connect();
  }

  get pending(): boolean {
    return this.#finals < this.#endsSent;
  }

  write(pcm16k: Int16Array): void {
    if (this.#closed) return;
    let offset = 0;
    while (offset < pcm16k.length) {
      const n = Math.min(pcm16k.length - offset, BATCH_SAMPLES - this.#fill);
      this.#batch.set(n === pcm16k.length ? pcm16k : pcm16k.subarray(offset, offset + n), this.#fill);
      this.#fill += n;
      offset += n;
      if (this.#fill === BATCH_SAMPLES) this.#flushAudio();
    }
  }

  speechStarted(): void {
    if (this.#req === undefined && !this.#closed) this.#connect();
  }

  speechEnded(): void {
    this.#flushAudio();
    if (this.#send(KIND_CONTROL, Buffer.from('{"type":"end"}'))) this.#endsSent++;
    else if (!this.#closed) this.options.onError?.(new ProviderError('stt stand-in not connected: utterance end not sent', 'stt:standin', true));
  }

  setLanguage(lang: string): void {
    this.#lang = lang;
    this.#send(KIND_CONTROL, Buffer.from(JSON.stringify({ type: 'lang', lang })));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const req = this.#req;
    this.#req = undefined;
    req?.destroy();
  }

  #connect(): void {
    const url = new URL('/v1/recognize', this.baseUrl);
    url.searchParams.set('lang', this.#lang);
    url.searchParams.set('sample_rate_hz', String(STT_SAMPLE_RATE_HZ));
    url.searchParams.set('call_id', this.options.callId);
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' } });
    this.#req = req;
    this.#endsSent = 0;
    this.#finals = 0;
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        this.#fail(new ProviderError(`stt stand-in answered ${res.statusCode}`, 'stt:standin', (res.statusCode ?? 500) >= 500, { status: res.statusCode ?? 0 }), req);
        res.resume();
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (s: string) => {
        buf += s;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          this.#onLine(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
      res.on('error', (error) => this.#fail(error, req));
      // The service ended the session (restart, error): the next utterance opens a new one.
      res.on('end', () => this.#fail(new ProviderError('stt stand-in ended the session', 'stt:standin', true), req));
    });
    req.on('error', (error) => this.#fail(new ProviderError(`stt stand-in connection failed: ${error.message}`, 'stt:standin', true, { cause: error }), req));
    req.flushHeaders();
  }

  #onLine(line: string): void {
    let msg: { type?: string; text?: string; message?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'partial' && typeof msg.text === 'string') this.options.onResult({ kind: 'partial', text: msg.text });
    else if (msg.type === 'final' && typeof msg.text === 'string') {
      this.#finals++;
      this.options.onResult({ kind: 'final', text: msg.text });
    } else if (msg.type === 'error') this.options.onError?.(new ProviderError(`stt stand-in: ${msg.message}`, 'stt:standin', false));
  }

  #flushAudio(): void {
    if (this.#fill === 0) return;
    const bytes = this.#fill === BATCH_SAMPLES ? this.#batchBytes : this.#batchBytes.subarray(0, this.#fill * 2);
    this.#fill = 0;
    if (!this.#send(KIND_AUDIO, bytes)) this.dropped++;
  }

  /**
   * Writes one frame. The socket keeps a written buffer until it is flushed, so the audio frame
   * buffer is reused only when nothing is buffered any more (else a fresh one replaces it).
   */
  #send(kind: number, payload: Uint8Array): boolean {
    const req = this.#req;
    if (req === undefined || this.#closed || req.destroyed || req.writableLength > MAX_BUFFERED_BYTES) return false;
    let frame: Buffer;
    if (kind === KIND_AUDIO && payload.length + 5 <= this.#audioFrame.length) {
      if (req.writableLength > 0) this.#audioFrame = Buffer.allocUnsafeSlow(this.#audioFrame.length);
      frame = payload.length + 5 === this.#audioFrame.length ? this.#audioFrame : this.#audioFrame.subarray(0, 5 + payload.length);
    } else frame = Buffer.allocUnsafe(5 + payload.length);
    frame[0] = kind;
    frame.writeUInt32LE(payload.length, 1);
    frame.set(payload, 5);
    req.write(frame);
    return true;
  }

  #fail(error: unknown, req: ClientRequest): void {
    if (this.#req !== req) return;
    this.#req = undefined;
    req.destroy();
    // Nothing more will come for the utterances already ended.
    this.#finals = this.#endsSent;
    if (!this.#closed) this.options.onError?.(error);
  }
}
