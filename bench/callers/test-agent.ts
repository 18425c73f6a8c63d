/**
 * A tiny stand-in agent on a real uWS server for testing synthetic callers without the gateway:
 * an energy VAD over inbound ACS frames, a tone as "answer" after 200 ms of silence, `StopAudio`
 * when the caller talks over it, and a log of what it heard (for echo checks).
 */
import uWS from 'uWebSockets.js';

export interface TestAgentOptions {
  /** Answer tone length (ms). */
  readonly answerMs?: number;
  /** Silence after speech that ends the caller's turn (ms). */
  readonly hangoverMs?: number;
  /** Extra delay before answering (ms). */
  readonly thinkMs?: number;
  /** Tone amplitude. */
  readonly amplitude?: number;
}

/** One inbound frame as the agent saw it. */
export interface HeardFrame {
  readonly at: number;
  readonly rms: number;
  /** The agent's own answer was playing at the caller (by its clock). */
  readonly agentPlaying: boolean;
}

export interface TestAgent {
  readonly port: number;
  readonly heard: HeardFrame[];
  readonly stops: number[];
  readonly answersAt: number[];
  /** When each answer started playing and how long it lasts, per the agent's clock. */
  readonly playing: Array<{ from: number; to: number }>;
  close(): void;
}

const FRAME = 320;

function tone(ms: number, amplitude: number): Int16Array {
  const out = new Int16Array((ms / 1000) * 16_000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 16_000));
  return out;
}

function frames(pcm: Int16Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < pcm.length; i += FRAME) {
    const f = pcm.subarray(i, i + FRAME);
    out.push(JSON.stringify({ kind: 'audioData', audioData: { data: Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64') } }));
  }
  return out;
}

/** Starts the test agent on a free loopback port. */
export function startTestAgent(options: TestAgentOptions = {}): Promise<TestAgent> {
  const answerMs = options.answerMs ?? 1500;
  const hangoverMs = options.hangoverMs ?? 200;
  const amplitude = options.amplitude ?? 8000;
  const answer = frames(tone(answerMs, amplitude));
  const greeting = frames(tone(600, amplitude));
  const heard: HeardFrame[] = [];
  const stops: number[] = [];
  const answersAt: number[] = [];
  const playing: Array<{ from: number; to: number }> = [];
  interface Conn {
    speaking: boolean;
    speechFrames: number;
    lastSpeechAt: number;
    timer?: NodeJS.Timeout;
  }
  const app = uWS.App();
  app.ws<Conn>('/media/acs/:id', {
    upgrade: (res, req, context) => {
      res.upgrade<Conn>({ speaking: false, speechFrames: 0, lastSpeechAt: 0 }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    message: (ws, message) => {
      const msg = JSON.parse(Buffer.from(message).toString()) as { kind: string; audioData?: { data: string } };
      const conn = ws.getUserData();
      const now = performance.now();
      const isPlaying = () => playing.some((p) => now >= p.from && now < p.to);
      const play = (list: string[], ms: number) => {
        for (const f of list) ws.send(f, false);
        const from = Math.max(now, playing[playing.length - 1]?.to ?? 0);
        playing.push({ from, to: from + ms });
      };
      if (msg.kind === 'AudioMetadata') return play(greeting, 600);
      if (msg.kind !== 'AudioData' || msg.audioData === undefined) return;
      const bytes = Buffer.from(msg.audioData.data, 'base64');
      const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
      let sum = 0;
      for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
      const rms = Math.sqrt(sum / pcm.length);
      const agentPlaying = isPlaying();
      heard.push({ at: now, rms, agentPlaying });
      if (rms > 2000) {
        conn.speechFrames++;
        conn.lastSpeechAt = now;
        if (!conn.speaking) conn.speaking = true;
        if (agentPlaying && conn.speechFrames === 3) {
          ws.send(JSON.stringify({ kind: 'StopAudio', stopAudio: {} }), false);
          stops.push(now);
          const last = playing[playing.length - 1];
          if (last) last.to = now;
        }
        clearTimeout(conn.timer);
        conn.timer = undefined;
      } else if (conn.speaking && now - conn.lastSpeechAt >= hangoverMs && conn.timer === undefined) {
        conn.speaking = false;
        conn.speechFrames = 0;
        conn.timer = setTimeout(() => {
          conn.timer = undefined;
          answersAt.push(performance.now());
          try {
            play(answer, answerMs);
          } catch {
            // closed meanwhile
          }
        }, options.thinkMs ?? 0);
      }
    },
    close: (ws) => clearTimeout(ws.getUserData().timer),
  });
  return new Promise((resolve, reject) => {
    app.listen('127.0.0.1', 0, (token) => {
      if (!token) return reject(new Error('listen failed'));
      resolve({ port: uWS.us_socket_local_port(token), heard, stops, answersAt, playing, close: () => uWS.us_listen_socket_close(token) });
    });
  });
}
