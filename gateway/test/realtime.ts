/** Test support: sending caller audio the way a carrier does, one 20 ms frame at a time in real time. */
import { randomUUID } from 'node:crypto';
import type { MediaClient } from './ws-client.ts';

/** Samples per 20 ms frame at 16 kHz. */
export const FRAME = 320;

/**
 * Calls `send(f)` for frames 0…frames−1 on an absolute 20 ms schedule (no drift); `onStart`
 * gets the schedule's origin (`performance.now()`) before the first frame.
 */
export async function realTime(frames: number, send: (f: number) => void, onStart?: (startMs: number) => void): Promise<void> {
  const start = performance.now();
  onStart?.(start);
  for (let f = 0; f < frames; f++) {
    send(f);
    const wait = start + (f + 1) * 20 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

/** The `AudioMetadata` message an ACS stream opens with (16 kHz PCM, a fresh subscription id). */
export function acsMetadata(): string {
  return JSON.stringify({ kind: 'AudioMetadata', audioMetadata: { subscriptionId: randomUUID(), encoding: 'PCM', sampleRate: 16000, channels: 1, length: 640 } });
}

/**
 * Plays 16 kHz `pcm` as ACS `AudioData` frames in real time. With `markSilent`, frames whose
 * samples all stay within ±64 carry `silent: true`, as ACS marks them.
 */
export async function playAsAcs(client: MediaClient, pcm: Int16Array, options: { markSilent: boolean; onStart?: (startMs: number) => void }): Promise<void> {
  await client.send(acsMetadata());
  await realTime(
    Math.floor(pcm.length / FRAME),
    (f) => {
      const frame = pcm.subarray(f * FRAME, (f + 1) * FRAME);
      let silent = options.markSilent;
      if (silent) for (let i = 0; i < frame.length; i++) if (Math.abs(frame[i] as number) > 64) silent = false;
      const data = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64');
      client.post(JSON.stringify({ kind: 'AudioData', audioData: { timestamp: new Date().toISOString(), participantRawID: '4:+14255550123', data, silent } }));
    },
    options.onStart,
  );
}
