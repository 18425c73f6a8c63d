/**
 * OpenAI transcription of each utterance: audio is buffered from speech start (with a short
 * pre-roll) to speech end, then posted as a WAV to `audio.transcriptions`. No partials. Finals
 * are delivered in utterance order even when requests overlap.
 */
import OpenAI, { toFile } from 'openai';
import { ProviderError } from '../errors.ts';
import { toProviderError } from '../llm/openai-chat.ts';
import { STT_SAMPLE_RATE_HZ, type SttOpenOptions, type SttProvider, type SttStream } from './types.ts';

/** Audio kept from before VAD's onset (VAD fires after ~100 ms of speech; the first syllable must not be cut). */
const PREROLL_SAMPLES = (STT_SAMPLE_RATE_HZ * 300) / 1000;
/** Longest utterance sent: 60 s. Beyond it the rest is dropped (a monologue; the API limit is 25 MB). */
const MAX_SAMPLES = STT_SAMPLE_RATE_HZ * 60;
/** The utterance grows by blocks of 1 s, so a short answer costs 32 kB, not a minute's worth. */
const BLOCK_SAMPLES = STT_SAMPLE_RATE_HZ;

export interface OpenAiSttSettings {
  readonly model: string;
  readonly endpoint?: string | undefined;
  readonly api_key?: string | undefined;
}

/** @example const stt = createOpenAiStt(config.stt.openai); */
export function createOpenAiStt(settings: OpenAiSttSettings, options: { fetch?: typeof fetch } = {}): SttProvider {
  const client =
    settings.api_key === undefined
      ? undefined
      : new OpenAI({ apiKey: settings.api_key, maxRetries: 2, timeout: 30_000, ...(settings.endpoint ? { baseURL: settings.endpoint } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) });
  return { name: 'openai', open: (o) => new OpenAiSttStream(client, settings, o) };
}

/** `fr-FR` → `fr` (ISO-639-1, what the transcription API takes). */
export function isoLanguage(lang: string): string {
  return (lang.split('-')[0] ?? lang).toLowerCase();
}

/** A 16-bit mono PCM WAV file. */
export function wavFile(pcm: Int16Array, sampleRateHz: number): Uint8Array {
  const out = new Uint8Array(44 + pcm.byteLength);
  const v = new DataView(out.buffer);
  const ascii = (o: number, s: string) => [...s].forEach((c, i) => v.setUint8(o + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + pcm.byteLength, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRateHz, true);
  v.setUint32(28, sampleRateHz * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, pcm.byteLength, true);
  out.set(new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength), 44);
  return out;
}

class OpenAiSttStream implements SttStream {
  readonly #preroll = new Int16Array(PREROLL_SAMPLES);
  #prerollFill = 0;
  /** Blocks of the utterance being spoken; undefined between utterances. */
  #utterance: Int16Array[] | undefined;
  #fill = 0;
  #inflight = 0;
  #chain: Promise<void> = Promise.resolve();
  #lang: string;
  readonly #abort = new AbortController();

  constructor(
    readonly client: OpenAI | undefined,
    readonly settings: OpenAiSttSettings,
    readonly options: SttOpenOptions,
  ) {
    this.#lang = options.lang;
  }

  get pending(): boolean {
    return this.#inflight > 0;
  }

  write(pcm: Int16Array): void {
    if (this.#utterance === undefined) {
      // Keep the most recent PREROLL_SAMPLES (ring as a sliding copy: the buffer is small).
      if (pcm.length >= PREROLL_SAMPLES) {
        this.#preroll.set(pcm.subarray(pcm.length - PREROLL_SAMPLES));
        this.#prerollFill = PREROLL_SAMPLES;
        return;
      }
      const keep = Math.min(this.#prerollFill, PREROLL_SAMPLES - pcm.length);
      this.#preroll.copyWithin(0, this.#prerollFill - keep, this.#prerollFill);
      this.#preroll.set(pcm, keep);
      this.#prerollFill = keep + pcm.length;
      return;
    }
    this.#append(pcm);
  }

  speechStarted(): void {
    if (this.#utterance !== undefined) return;
    this.#utterance = [];
    this.#fill = 0;
    this.#append(this.#preroll.subarray(0, this.#prerollFill));
    this.#prerollFill = 0;
  }

  speechEnded(): void {
    const blocks = this.#utterance;
    if (blocks === undefined) return;
    this.#utterance = undefined;
    const pcm = new Int16Array(this.#fill);
    blocks.forEach((b, i) => pcm.set(b.subarray(0, Math.min(BLOCK_SAMPLES, this.#fill - i * BLOCK_SAMPLES)), i * BLOCK_SAMPLES));
    this.#fill = 0;
    this.#inflight++;
    const lang = this.#lang;
    const result = this.#transcribe(pcm, lang);
    this.#chain = this.#chain.then(async () => {
      try {
        const text = await result;
        if (!this.#abort.signal.aborted) this.options.onResult({ kind: 'final', text });
      } catch (error) {
        if (!this.#abort.signal.aborted) this.options.onError?.(error);
      } finally {
        this.#inflight--;
      }
    });
  }

  setLanguage(lang: string): void {
    this.#lang = lang;
  }

  /** Appends to the utterance block by block, up to MAX_SAMPLES (the rest is dropped). */
  #append(pcm: Int16Array): void {
    const blocks = this.#utterance as Int16Array[];
    let offset = 0;
    while (offset < pcm.length && this.#fill < MAX_SAMPLES) {
      const at = this.#fill % BLOCK_SAMPLES;
      if (at === 0 && blocks.length * BLOCK_SAMPLES <= this.#fill) blocks.push(new Int16Array(BLOCK_SAMPLES));
      const block = blocks[blocks.length - 1] as Int16Array;
      const n = Math.min(pcm.length - offset, BLOCK_SAMPLES - at, MAX_SAMPLES - this.#fill);
      block.set(pcm.subarray(offset, offset + n), at);
      this.#fill += n;
      offset += n;
    }
  }

  async close(): Promise<void> {
    this.#abort.abort(new Error('stt closed'));
  }

  async #transcribe(pcm: Int16Array, lang: string): Promise<string> {
    if (this.client === undefined) throw new ProviderError('OpenAI STT has no credentials: set stt.openai.api_key or OPENAI_API_KEY', 'stt:openai', false);
    try {
      const res = await this.client.audio.transcriptions.create(
        { model: this.settings.model, language: isoLanguage(lang), file: await toFile(wavFile(pcm, STT_SAMPLE_RATE_HZ), 'utterance.wav', { type: 'audio/wav' }) },
        { signal: this.#abort.signal },
      );
      return res.text.trim();
    } catch (error) {
      throw toProviderError(error, 'stt:openai', this.#abort.signal);
    }
  }
}
