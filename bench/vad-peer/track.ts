/**
 * The audio every VAD in the comparison hears: a loop of caller phrases (several espeak-ng voices)
 * separated by pauses of 0.3–2 s, over low line noise, 16 kHz mono. Each stream plays the same
 * loop from its own offset so the streams are not in lockstep.
 */
import { CALLER_PHRASES, CALLER_VOICES, speakAll } from '../speech/index.ts';

/** The loop and where each stream starts in it. */
export interface Track {
  readonly pcm: Int16Array;
  /** Offset (samples, a multiple of 320) of stream `i`. */
  offset(stream: number): number;
}

/** Builds the loop (speech is cached across runs by bench/speech). */
export async function buildTrack(): Promise<Track> {
  const items = CALLER_PHRASES.map((text, i) => ({ text, voice: CALLER_VOICES[i % CALLER_VOICES.length]! }));
  const utterances = await speakAll(items);
  const pauses = [700, 1500, 400, 2000, 900, 300, 1200, 600, 1800];
  const parts: Int16Array[] = [];
  let total = 0;
  utterances.forEach((u, i) => {
    const pause = new Int16Array((pauses[i % pauses.length]! * 16000) / 1000);
    parts.push(u.pcm, pause);
    total += u.pcm.length + pause.length;
  });
  total -= total % 320;
  const pcm = new Int16Array(total);
  let at = 0;
  for (const p of parts) {
    const n = Math.min(p.length, total - at);
    pcm.set(p.subarray(0, n), at);
    at += n;
    if (at >= total) break;
  }
  // Line noise around −66 dBFS: silence on a phone line is never digital zero.
  let seed = 7;
  for (let i = 0; i < pcm.length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    pcm[i] = Math.max(-32768, Math.min(32767, (pcm[i] as number) + Math.round(((seed / 0x7fffffff) * 2 - 1) * 28)));
  }
  const frames = pcm.length / 320;
  return { pcm, offset: (stream) => ((stream * 397) % frames) * 320 };
}

/** Copies stream `stream`'s frame number `frame` (20 ms) into `out`, wrapping around the loop. */
export function frameOf(track: Track, stream: number, frame: number, out: Int16Array): Int16Array {
  const start = (track.offset(stream) + frame * 320) % track.pcm.length;
  out.set(track.pcm.subarray(start, start + 320));
  return out;
}
