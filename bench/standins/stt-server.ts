/**
 * Stand-in streaming STT service over one full-duplex HTTP/1.1 request per session.
 *
 * Protocol (ours): `POST /v1/recognize?lang=en-US&sample_rate_hz=16000&call_id=…` with a chunked
 * body of frames `[kind u8][length u32 LE][payload]`: kind 1 is 16-bit LE mono PCM, kind 2 is a
 * UTF-8 JSON control message: `{"type":"end"}` (the utterance ended), `{"type":"hint","text"}`
 * (what the caller is saying, since nothing is recognised offline), `{"type":"lang","lang"}`.
 * The answer streams NDJSON lines while the request is still open: `{"type":"ready","session_id"}`,
 * `{"type":"partial","utterance","text"}` while audio flows, `{"type":"final","utterance","text",
 * "audio_ms"}` `finalDelayMs` after an `end`. Ending the request body ends the session.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Lateness, listen, sendJson } from './http.ts';

/** Frame kinds of the request body. */
export const STT_FRAME = { audio: 1, control: 2 } as const;

/** Largest frame accepted (1 s of 48 kHz audio is 96 kB; anything bigger is a broken client). */
const MAX_FRAME_BYTES = 256 * 1024;

/** Byte order of typed arrays here: 16-bit LE PCM is read through a view only when it matches. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** One utterance as the stand-in saw it. */
export interface SttUtterance {
  readonly sessionId: string;
  readonly callId: string | undefined;
  readonly lang: string;
  /** 0-based index of the utterance in its session. */
  readonly index: number;
  /** The last hint the client sent, if any. */
  readonly hint: string | undefined;
  /** Audio received for this utterance so far (ms). */
  readonly audioMs: number;
}

/** A recognition session as the stand-in saw it. */
export interface SttSession {
  readonly id: string;
  readonly callId: string | undefined;
  readonly sampleRateHz: number;
  /** Languages in order: the initial one, then each switch. */
  readonly langs: string[];
  /** Finished utterances with their final text. */
  readonly utterances: Array<{ index: number; text: string; audioMs: number; lang: string }>;
  ended: boolean;
}

export interface SttStandinOptions {
  port?: number;
  /** Delay of the final after the utterance ends (ms); 150 resembles a good cloud recognizer. */
  finalDelayMs?: number;
  /** A partial at most every this much audio (ms). */
  partialEveryMs?: number;
  /** Partials reveal one word per this much audio (ms); 250 (4 words/s) keeps up with speech. */
  msPerWord?: number;
  /**
   * Text of an utterance; default: the last hint, or empty. Called once per utterance, when its
   * first voiced audio arrives (an utterance with no voiced audio is empty without a call).
   */
  transcript?: (utterance: SttUtterance) => string;
  /** RMS above which a frame counts as voiced (silence does not advance partials); 100 ≈ −50 dBFS. */
  voicedRms?: number;
}

/** A running STT stand-in. */
export interface SttStandin {
  /** Base URL for the `standin` STT provider (`stt.standin.url`). */
  readonly url: string;
  readonly sessions: SttSession[];
  /** How late each final left, after its utterance's end arrived plus the final delay. */
  readonly finalLateness: Lateness;
  close(): Promise<void>;
}

/**
 * Starts the STT stand-in on loopback.
 * @example const stt = await startSttStandin({ transcript: (u) => script[u.index] ?? '' });
 */
export async function startSttStandin(options: SttStandinOptions = {}): Promise<SttStandin> {
  const sessions: SttSession[] = [];
  const finalLateness = new Lateness();
  let nextId = 0;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'POST' || url.pathname !== '/v1/recognize') return sendJson(res, 404, { error: { message: `no route ${req.method} ${url.pathname}` } });
    const rate = Number(url.searchParams.get('sample_rate_hz') ?? 16000);
    if (![8000, 16000, 24000, 48000].includes(rate)) return sendJson(res, 400, { error: { message: 'sample_rate_hz must be 8000, 16000, 24000 or 48000' } });
    const session: SttSession = {
      id: `stt-${++nextId}`,
      callId: url.searchParams.get('call_id') ?? undefined,
      sampleRateHz: rate,
      langs: [url.searchParams.get('lang') ?? 'en-US'],
      utterances: [],
      ended: false,
    };
    sessions.push(session);
    new Recognition(session, req, res, options, finalLateness).run();
  };
  const server = await listen(handler, options.port);
  return { url: server.baseUrl, sessions, finalLateness, close: () => server.close() };
}

/** One session: parses frames, paces partials by audio received, schedules finals. */
class Recognition {
  #pending: Buffer = Buffer.alloc(0);
  #utterance = 0;
  #audioBytes = 0;
  #voicedBytes = 0;
  #text: string | undefined;
  #hint: string | undefined;
  #sentWords = 0;
  #lastPartialBytes = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(
    readonly session: SttSession,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly options: SttStandinOptions,
    readonly finalLateness: Lateness,
  ) {}

  run(): void {
    this.res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
    this.#send({ type: 'ready', session_id: this.session.id });
    this.req.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.req.on('end', () => this.#finish());
    this.res.on('close', () => this.#close());
  }

  #onData(chunk: Buffer): void {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    while (this.#pending.length >= 5) {
      const kind = this.#pending[0];
      const len = this.#pending.readUInt32LE(1);
      if (len > MAX_FRAME_BYTES) return this.#fail(`frame of ${len} bytes exceeds ${MAX_FRAME_BYTES}`);
      if (this.#pending.length < 5 + len) return;
      const payload = this.#pending.subarray(5, 5 + len);
      this.#pending = this.#pending.subarray(5 + len);
      if (kind === STT_FRAME.audio) this.#onAudio(payload);
      else if (kind === STT_FRAME.control) this.#onControl(payload);
      else return this.#fail(`unknown frame kind ${kind}`);
    }
  }

  #onAudio(payload: Buffer): void {
    this.#audioBytes += payload.length;
    if (!this.#voiced(payload)) return;
    this.#voicedBytes += payload.length;
    const every = (this.options.partialEveryMs ?? 250) * this.#bytesPerMs();
    if (this.#voicedBytes - this.#lastPartialBytes < every && this.#sentWords > 0) return;
    this.#lastPartialBytes = this.#voicedBytes;
    const words = this.#words();
    const shown = Math.min(words.length, Math.ceil(this.#voicedBytes / this.#bytesPerMs() / (this.options.msPerWord ?? 250)));
    if (shown > this.#sentWords) {
      this.#sentWords = shown;
      this.#send({ type: 'partial', utterance: this.#utterance, text: words.slice(0, shown).join(' ') });
    }
  }

  #onControl(payload: Buffer): void {
    let msg: { type?: unknown; text?: unknown; lang?: unknown };
    try {
      msg = JSON.parse(payload.toString('utf8')) as typeof msg;
    } catch {
      return this.#fail('control frame is not JSON');
    }
    if (msg.type === 'hint' && typeof msg.text === 'string') {
      this.#hint = msg.text;
      this.#text = undefined;
    }
    else if (msg.type === 'lang' && typeof msg.lang === 'string') this.session.langs.push(msg.lang);
    else if (msg.type === 'end') this.#endUtterance();
    else this.#fail(`unknown control message ${JSON.stringify(msg.type)}`);
  }

  /** Whether a chunk of 16-bit PCM is louder than the voiced threshold. */
  #voiced(payload: Buffer): boolean {
    const n = payload.length >> 1;
    if (n === 0) return false;
    let sum = 0;
    if ((payload.byteOffset & 1) === 0 && LITTLE_ENDIAN) {
      const pcm = new Int16Array(payload.buffer, payload.byteOffset, n);
      for (let i = 0; i < n; i++) sum += pcm[i]! * pcm[i]!;
    } else {
      for (let i = 0; i < n; i++) {
        const v = payload.readInt16LE(i * 2);
        sum += v * v;
      }
    }
    const threshold = this.options.voicedRms ?? 100;
    return sum / n > threshold * threshold;
  }

  #endUtterance(): void {
    const index = this.#utterance;
    const text = this.#voicedBytes > 0 || this.#text !== undefined ? this.#words().join(' ') : '';
    const audioMs = Math.round(this.#audioMs());
    const lang = this.session.langs[this.session.langs.length - 1] ?? 'en-US';
    this.#utterance++;
    this.#audioBytes = 0;
    this.#voicedBytes = 0;
    this.#lastPartialBytes = 0;
    this.#sentWords = 0;
    this.#text = undefined;
    this.#hint = undefined;
    const delayMs = this.options.finalDelayMs ?? 150;
    const dueAt = performance.now() + delayMs;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.finalLateness.record(dueAt);
      this.session.utterances.push({ index, text, audioMs, lang });
      this.#send({ type: 'final', utterance: index, text, audio_ms: audioMs });
      if (this.#ending && this.#timers.size === 0) this.#end();
    }, delayMs);
    this.#timers.add(timer);
  }

  #ending = false;

  #finish(): void {
    this.#ending = true;
    if (this.#timers.size === 0) this.#end();
  }

  #end(): void {
    this.session.ended = true;
    if (!this.#closed) this.res.end();
  }

  #words(): string[] {
    if (this.#text === undefined) {
      const u: SttUtterance = {
        sessionId: this.session.id,
        callId: this.session.callId,
        lang: this.session.langs[this.session.langs.length - 1] ?? 'en-US',
        index: this.#utterance,
        hint: this.#hint,
        audioMs: this.#audioMs(),
      };
      this.#text = this.options.transcript ? this.options.transcript(u) : (this.#hint ?? '');
    }
    return this.#text.split(/\s+/).filter((w) => w !== '');
  }

  #bytesPerMs(): number {
    return (this.session.sampleRateHz * 2) / 1000;
  }

  #audioMs(): number {
    return this.#audioBytes / this.#bytesPerMs();
  }

  #send(obj: object): void {
    if (!this.#closed && !this.res.writableEnded) this.res.write(`${JSON.stringify(obj)}\n`);
  }

  #fail(message: string): void {
    this.#send({ type: 'error', message });
    this.#end();
    this.req.destroy();
  }

  #close(): void {
    this.#closed = true;
    this.session.ended = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
