/**
 * A synthetic ACS phone for the echo path: it receives the agent's audio over the media
 * WebSocket, plays it out in real time (20 ms per frame, from a playout queue as a handset's jitter
 * buffer does), and its microphone returns what it played through an echo path (bulk delay, line
 * hybrid or room impulse response, echo return loss) plus background noise, and optionally real
 * caller speech. `StopAudio` empties the playout queue and is counted: with no caller speech,
 * every one is a false barge-in.
 */
import { randomUUID } from 'node:crypto';
import { audioDataMessage, audioMetadataMessage, decodeAgentMessage } from '../callers/acs-protocol.ts';
import { FramePacer } from '../callers/pacer.ts';
import { WsClient } from '../callers/ws-client.ts';
import { backgroundNoise, convolve, energy, impulseResponse, type EchoPath } from './signals.ts';

const FS = 16_000;
const FRAME = 320;

/** What the phone's microphone adds to the echo. */
export interface EchoPhoneOptions {
  readonly path: EchoPath;
  /** Background noise at the microphone, dBFS RMS. */
  readonly noiseDbfs: number;
  readonly noiseSeed: number;
  /** How long the phone streams its microphone, s. */
  readonly durationS: number;
  /**
   * The far end the agent will play: only used to calibrate the echo gain so that
   * 10·log10(Σfar²/Σecho²) = path.erlDb on this speech (as the offline scenarios do).
   */
  readonly calibrationFar: Float32Array;
  /** Caller speech added to the microphone at `atS` (a real barge-in), if any. */
  readonly caller?: { readonly pcm: Int16Array; readonly atS: number };
}

/** What one phone saw during its call. */
export interface EchoPhoneResult {
  /** `StopAudio` messages received. */
  readonly stopAudios: number;
  /** Times of the `StopAudio` messages, s after the first microphone frame. */
  readonly stopAtS: number[];
  /** Agent audio received, s. */
  readonly agentAudioS: number;
  /** Microphone frames sent. */
  readonly framesSent: number;
  /** Frames sent more than 20 ms late by the client's own pacer (a loaded machine). */
  readonly framesLate: number;
}

/** The streaming echo path: played samples kept for the whole call, echo by direct convolution. */
class EchoLine {
  readonly #h: Float32Array;
  readonly #delay: number;
  readonly #played: Float32Array;

  constructor(opts: EchoPhoneOptions, totalSamples: number) {
    const ir = impulseResponse(opts.path, FS);
    // Gain calibrated on the speech the agent will play (same definition as echoThrough).
    const wet = convolve(opts.calibrationFar, ir);
    const g = Math.sqrt(energy(opts.calibrationFar) / (energy(wet, 0, opts.calibrationFar.length) + 1e-30)) * Math.pow(10, -opts.path.erlDb / 20);
    this.#h = new Float32Array(ir.length);
    for (let k = 0; k < ir.length; k++) this.#h[k] = (ir[k] as number) * g;
    this.#delay = Math.round((opts.path.delayMs / 1000) * FS);
    this.#played = new Float32Array(totalSamples);
  }

  /** Records what the speaker plays at sample `t0` and writes the echo reaching the microphone. */
  frame(t0: number, speaker: Int16Array, mic: Float32Array): void {
    for (let i = 0; i < FRAME; i++) this.#played[t0 + i] = (speaker[i] as number) / 32768;
    const h = this.#h;
    for (let i = 0; i < FRAME; i++) {
      const t = t0 + i - this.#delay;
      let acc = 0;
      const kmax = Math.min(h.length - 1, t);
      for (let k = 0; k <= kmax; k++) acc += (h[k] as number) * (this.#played[t - k] as number);
      mic[i] = acc;
    }
  }
}

/**
 * Runs one phone call against `mediaUrl` for `durationS` of real time and returns what it saw.
 * Frames are paced by a shared {@link FramePacer} (drift-free, 20 ms).
 */
export async function runEchoPhone(mediaUrl: string, pacer: FramePacer, opts: EchoPhoneOptions): Promise<EchoPhoneResult> {
  const frames = Math.floor((opts.durationS * FS) / FRAME);
  const total = frames * FRAME;
  const line = new EchoLine(opts, total);
  const noise = backgroundNoise(total, opts.noiseDbfs, opts.noiseSeed);
  const playout: Int16Array[] = [];
  let head: Int16Array = new Int16Array(0);
  let stops = 0;
  const stopAtS: number[] = [];
  let agentSamples = 0;
  let startMs = 0;
  const ws = await WsClient.connect(mediaUrl, {
    onMessage: (data) => {
      const m = decodeAgentMessage(data);
      if (m.kind === 'audio') {
        playout.push(m.pcm);
        agentSamples += m.pcm.length;
      } else if (m.kind === 'stop') {
        stops++;
        stopAtS.push((performance.now() - startMs) / 1000);
        playout.length = 0;
        head = new Int16Array(0);
      }
    },
  });
  const participant = '8:acs:echo-phone';
  ws.sendText(audioMetadataMessage(randomUUID(), FS, FRAME));
  const speaker = new Int16Array(FRAME);
  const mic = new Float32Array(FRAME);
  const out = new Int16Array(FRAME);
  const callerAt = opts.caller === undefined ? -1 : Math.round(opts.caller.atS * FS);
  let sent = 0;
  let late = 0;
  await new Promise<void>((resolve) => {
    startMs = performance.now();
    const stream = pacer.add(startMs, (index, due, now) => {
      if (index >= frames || ws.closed) {
        stream.stop();
        resolve();
        return;
      }
      if (now - due > 20) late++;
      // The speaker plays the next 20 ms of the queue (silence when it runs dry).
      let filled = 0;
      while (filled < FRAME) {
        if (head.length === 0) {
          const next = playout.shift();
          if (next === undefined) break;
          head = next;
        }
        const n = Math.min(FRAME - filled, head.length);
        speaker.set(head.subarray(0, n), filled);
        head = head.subarray(n);
        filled += n;
      }
      speaker.fill(0, filled);
      const t0 = index * FRAME;
      line.frame(t0, speaker, mic);
      for (let i = 0; i < FRAME; i++) {
        let v = ((mic[i] as number) + (noise[t0 + i] as number)) * 32768;
        const c = t0 + i - callerAt;
        if (opts.caller !== undefined && callerAt >= 0 && c >= 0 && c < opts.caller.pcm.length) v += opts.caller.pcm[c] as number;
        out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
      }
      ws.sendText(audioDataMessage(out, participant, new Date().toISOString()));
      sent++;
    });
  });
  await ws.close();
  return { stopAudios: stops, stopAtS, agentAudioS: agentSamples / FS, framesSent: sent, framesLate: late };
}
