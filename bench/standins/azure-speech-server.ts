/**
 * Stand-in Azure Speech service: the Speech SDK's WebSocket protocol on loopback, so
 * `microsoft-cognitiveservices-speech-sdk` runs unmodified against it
 * (`SpeechConfig.fromEndpoint(new URL(standin.ttsEndpoint), 'key')`).
 *
 * Wire format (both directions): text frames are `Name: value\r\n...\r\n\r\nbody`; binary frames
 * are a 2-byte big-endian header length, the same header lines, then the payload. `Path` names
 * the message and `X-RequestId` ties it to a turn.
 *
 * - Synthesis: the client sends `speech.config`, `synthesis.context` (JSON with
 *   `synthesis.audio.outputFormat`) and `ssml`; the stand-in answers `turn.start`, `response`
 *   (the audio stream id), binary `audio` frames (`X-StreamId`) of 16-bit mono PCM at the
 *   requested raw rate, then `turn.end`. A request without a voice name or a raw PCM format is
 *   refused by closing the connection with 1007, as the service does.
 * - Recognition: the client sends `speech.config`, `speech.context`, then binary `audio` frames
 *   (the first starts with a RIFF header, an empty one ends the stream); the language is the URL
 *   query `language=`. Each time `sttResultAfterBytes` of audio has arrived the stand-in answers
 *   `turn.start` (first time), `speech.startDetected`, `speech.hypothesis`, `speech.phrase`
 *   (`RecognitionStatus: Success`) and `speech.endDetected`; `turn.end` follows the end of the stream.
 */
import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';

/** The parts of the `ws` package used here (it ships without type declarations). */
interface WsSocket {
  send(data: string | Buffer): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close' | 'error', listener: () => void): void;
}
interface WsServer {
  on(event: 'connection', listener: (socket: WsSocket, req: IncomingMessage) => void): void;
  once(event: 'listening', listener: () => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
  address(): { port: number };
  close(callback: () => void): void;
  readonly clients: Set<WsSocket>;
}
const { WebSocketServer } = createRequire(import.meta.url)('ws') as {
  WebSocketServer: new (options: { host: string; port: number; maxPayload: number }) => WsServer;
};

/** One synthesis request as received. */
export interface AzureTtsRequest {
  /** Request URL path and query. */
  readonly url: string;
  readonly requestId: string;
  readonly ssml: string;
  /** `<voice name="…">` of the SSML, if any. */
  readonly voice: string | undefined;
  /** `synthesis.context` output format, e.g. `raw-16khz-16bit-mono-pcm`. */
  readonly outputFormat: string | undefined;
  /** Rate of the raw PCM format requested (undefined when the format is not raw 16-bit mono PCM). */
  readonly sampleRateHz: number | undefined;
  /** The PCM sent back (empty when refused). */
  readonly audio: Int16Array;
}

/** One recognition connection. */
export interface AzureSttSession {
  readonly url: string;
  /** `language=` of the URL query. */
  readonly language: string | undefined;
  /** Paths of the text messages received, in order (`speech.config`, `speech.context`, …). */
  readonly paths: string[];
  /** PCM bytes received (RIFF header excluded). */
  audioBytes: number;
  /** Final texts sent. */
  readonly finals: string[];
  /** True once the client ended the audio stream (empty `audio` frame). */
  ended: boolean;
  closed: boolean;
}

export interface AzureSpeechStandinOptions {
  /** Audio answered for a synthesis request at `sampleRateHz`; default: a deterministic tone, 40 ms per character. */
  ttsAudio?: (ssml: string, sampleRateHz: number) => Int16Array;
  /** Size of each `audio` frame (ms of PCM); default 100. */
  ttsChunkMs?: number;
  /** Text of the `index`-th utterance of a connection in `language`; default `utterance <index+1> in <language>`. */
  sttText?: (language: string, index: number) => string;
  /** PCM bytes per recognized utterance; default 16000 (0.5 s at 16 kHz). */
  sttResultAfterBytes?: number;
}

/** A running stand-in. */
export interface AzureSpeechStandin {
  /** Synthesis endpoint for `SpeechConfig.fromEndpoint` (`tts.azure.endpoint`). */
  readonly ttsEndpoint: string;
  /** Recognition endpoint for `SpeechConfig.fromEndpoint` (`stt.azure.endpoint`). */
  readonly sttEndpoint: string;
  readonly ttsRequests: AzureTtsRequest[];
  readonly sttSessions: AzureSttSession[];
  /** Closes the listener and every connection; idempotent. */
  close(): Promise<void>;
}

/** Parses `Name: value` lines (names lower-cased, like the SDK). */
export function parseSpeechHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** Decodes one frame: headers and a text or binary body. Throws on a malformed binary frame. */
export function decodeSpeechFrame(data: Buffer, isBinary: boolean): { headers: Record<string, string>; text: string; binary: Buffer } {
  if (!isBinary) {
    const s = data.toString('utf8');
    const split = s.indexOf('\r\n\r\n');
    return { headers: parseSpeechHeaders(split < 0 ? s : s.slice(0, split)), text: split < 0 ? '' : s.slice(split + 4), binary: Buffer.alloc(0) };
  }
  if (data.length < 2) throw new Error('binary frame without header length');
  const len = data.readUInt16BE(0);
  if (data.length < 2 + len) throw new Error('binary frame shorter than its headers');
  return { headers: parseSpeechHeaders(data.subarray(2, 2 + len).toString('latin1')), text: '', binary: data.subarray(2 + len) };
}

function textFrame(path: string, requestId: string, body: unknown): string {
  return `Path: ${path}\r\nX-RequestId: ${requestId}\r\nX-Timestamp: ${new Date().toISOString()}\r\nContent-Type: application/json; charset=utf-8\r\n\r\n${JSON.stringify(body)}`;
}

function binaryFrame(headers: string, payload: Uint8Array): Buffer {
  const head = Buffer.from(headers, 'latin1');
  const out = Buffer.alloc(2 + head.length + payload.length);
  out.writeUInt16BE(head.length, 0);
  head.copy(out, 2);
  out.set(payload, 2 + head.length);
  return out;
}

/** Deterministic synthetic speech: a 220 Hz tone with a slow envelope, `msPerChar` per character of text. */
function toneAudio(ssml: string, sampleRateHz: number): Int16Array {
  const chars = ssml.replace(/<[^>]*>/g, '').length;
  const n = Math.round((Math.max(1, chars) * 40 * sampleRateHz) / 1000);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / sampleRateHz) * (0.6 + 0.4 * Math.sin((2 * Math.PI * 3 * i) / sampleRateHz)));
  return pcm;
}

const TICKS_PER_BYTE_16K = 10_000_000 / 32_000;

/**
 * Starts the stand-in on a free loopback port.
 * @example const azure = await startAzureSpeechStandin(); createAzureTts({ key: 'k', endpoint: azure.ttsEndpoint });
 */
export async function startAzureSpeechStandin(options: AzureSpeechStandinOptions = {}): Promise<AzureSpeechStandin> {
  const ttsRequests: AzureTtsRequest[] = [];
  const sttSessions: AzureSttSession[] = [];
  const chunkMs = options.ttsChunkMs ?? 100;
  const perUtterance = options.sttResultAfterBytes ?? 16000;
  const sttText = options.sttText ?? ((language: string, index: number) => `utterance ${index + 1} in ${language}`);
  const ttsAudio = options.ttsAudio ?? toneAudio;

  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 4 * 1024 * 1024 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });

  server.on('connection', (socket, req) => {
    const url = req.url ?? '/';
    const query = new URL(url, 'http://standin').searchParams;
    const contexts = new Map<string, string>();
    let stt: { session: AzureSttSession; requestId: string; sentTurnStart: boolean; utterances: number; riffSkipped: boolean } | undefined;
    socket.on('error', () => {});
    socket.on('close', () => {
      if (stt) stt.session.closed = true;
    });
    socket.on('message', (data, isBinary) => {
      let frame: ReturnType<typeof decodeSpeechFrame>;
      try {
        frame = decodeSpeechFrame(data, isBinary);
      } catch (error) {
        socket.close(1007, String((error as Error).message));
        return;
      }
      const path = (frame.headers.path ?? '').toLowerCase();
      const requestId = frame.headers['x-requestid'] ?? '';
      if (path === 'synthesis.context') contexts.set(requestId, frame.text);
      else if (path === 'ssml') synthesize(socket, url, requestId, frame.text, contexts.get(requestId));
      else if (path === 'speech.context' || path === 'speech.config' || path === 'audio') {
        if (!stt) {
          const session: AzureSttSession = { url, language: query.get('language') ?? undefined, paths: [], audioBytes: 0, finals: [], ended: false, closed: false };
          sttSessions.push(session);
          stt = { session, requestId, sentTurnStart: false, utterances: 0, riffSkipped: false };
        }
        stt.requestId = requestId || stt.requestId;
        if (path !== 'audio') {
          stt.session.paths.push(path);
          return;
        }
        let pcm = frame.binary;
        if (!stt.riffSkipped && pcm.length >= 44 && pcm.subarray(0, 4).toString('latin1') === 'RIFF') {
          stt.riffSkipped = true;
          pcm = pcm.subarray(44);
        }
        if (frame.binary.length === 0) {
          stt.session.ended = true;
          if (!stt.sentTurnStart) socket.send(textFrame('turn.start', stt.requestId, { context: { serviceTag: 'standin' } }));
          socket.send(textFrame('turn.end', stt.requestId, {}));
          return;
        }
        stt.session.audioBytes += pcm.length;
        while (stt.session.audioBytes >= (stt.utterances + 1) * perUtterance) recognize(socket, stt);
      }
    });
  });

  function synthesize(socket: WsSocket, url: string, requestId: string, ssml: string, context: string | undefined): void {
    let outputFormat: string | undefined;
    try {
      outputFormat = (JSON.parse(context ?? '{}') as { synthesis?: { audio?: { outputFormat?: string } } }).synthesis?.audio?.outputFormat;
    } catch {
      outputFormat = undefined;
    }
    const m = /^raw-(8|16|24|48)khz-16bit-mono-pcm$/i.exec(outputFormat ?? '');
    const sampleRateHz = m ? Number(m[1]) * 1000 : undefined;
    const voice = /<voice[^>]*\sname=["']([^"']*)["']/.exec(ssml)?.[1];
    const audio = sampleRateHz && voice ? ttsAudio(ssml, sampleRateHz) : new Int16Array(0);
    ttsRequests.push({ url, requestId, ssml, voice, outputFormat, sampleRateHz, audio });
    // The service refuses a bad request by closing the connection with 1007 and a reason.
    if (!sampleRateHz) {
      socket.close(1007, `Unsupported output format ${outputFormat ?? '(none)'}`);
      return;
    }
    if (!voice) {
      socket.close(1007, 'Invalid SSML: no voice name');
      return;
    }
    const streamId = `stream-${ttsRequests.length}`;
    socket.send(textFrame('turn.start', requestId, { context: { serviceTag: 'standin' } }));
    socket.send(textFrame('response', requestId, { context: { serviceTag: 'standin' }, audio: { type: 'inline', streamId } }));
    const headers = `Path: audio\r\nX-RequestId: ${requestId}\r\nX-StreamId: ${streamId}\r\nContent-Type: audio/x-wav\r\n`;
    const bytes = new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength);
    const step = Math.max(2, Math.round((sampleRateHz * chunkMs) / 1000) * 2);
    for (let o = 0; o < bytes.length; o += step) socket.send(binaryFrame(headers, bytes.subarray(o, o + step)));
    socket.send(textFrame('turn.end', requestId, {}));
  }

  function recognize(socket: WsSocket, stt: { session: AzureSttSession; requestId: string; sentTurnStart: boolean; utterances: number }): void {
    const index = stt.utterances++;
    const text = sttText(stt.session.language ?? '', index);
    const offset = Math.round(index * perUtterance * TICKS_PER_BYTE_16K);
    const duration = Math.round(perUtterance * TICKS_PER_BYTE_16K);
    const words = text.split(' ');
    const partial = words.slice(0, Math.max(1, Math.ceil(words.length / 2))).join(' ');
    if (!stt.sentTurnStart) {
      stt.sentTurnStart = true;
      socket.send(textFrame('turn.start', stt.requestId, { context: { serviceTag: 'standin' } }));
    }
    socket.send(textFrame('speech.startDetected', stt.requestId, { Offset: offset }));
    socket.send(textFrame('speech.hypothesis', stt.requestId, { Text: partial, Offset: offset, Duration: Math.round(duration / 2) }));
    socket.send(textFrame('speech.phrase', stt.requestId, { RecognitionStatus: 'Success', DisplayText: text, Offset: offset, Duration: duration }));
    socket.send(textFrame('speech.endDetected', stt.requestId, { Offset: offset + duration }));
    stt.session.finals.push(text);
  }

  const port = server.address().port;
  let closing: Promise<void> | undefined;
  return {
    ttsEndpoint: `ws://127.0.0.1:${port}/cognitiveservices/websocket/v1`,
    sttEndpoint: `ws://127.0.0.1:${port}/speech/recognition/conversation/cognitiveservices/v1`,
    ttsRequests,
    sttSessions,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const c of server.clients) c.terminate();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
