/**
 * The ACS bidirectional media-streaming messages as a caller (the carrier side) writes and reads
 * them: inbound `AudioMetadata` then `AudioData` every 20 ms; outbound `AudioData` (agent speech)
 * and `StopAudio` (drop queued audio), in either casing.
 */

/** What the agent sent, decoded. */
export type AgentMessage =
  | { readonly kind: 'audio'; readonly pcm: Int16Array }
  | { readonly kind: 'stop' }
  | { readonly kind: 'other'; readonly type: string };

/** `AudioMetadata`, the first message ACS sends on a media WebSocket. */
export function audioMetadataMessage(subscriptionId: string, sampleRateHz = 16_000, frameSamples = 320): string {
  return JSON.stringify({
    kind: 'AudioMetadata',
    audioMetadata: { subscriptionId, encoding: 'PCM', sampleRate: sampleRateHz, channels: 1, length: frameSamples * 2 },
  });
}

/**
 * One `AudioData` message carrying a frame of 16-bit LE mono PCM.
 * @example audioDataMessage(frame, '8:acs:caller', new Date().toISOString())
 */
export function audioDataMessage(pcm: Int16Array, participantRawId: string, timestampIso: string): string {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
  return `{"kind":"AudioData","audioData":{"timestamp":"${timestampIso}","participantRawID":"${participantRawId}","data":"${data}","silent":false}}`;
}

/**
 * Decodes one outbound message. Unknown kinds come back as `other`; malformed input throws with
 * what was wrong, so a bench reports a gateway that speaks the protocol badly.
 */
export function decodeAgentMessage(message: string | Buffer): AgentMessage {
  if (typeof message !== 'string') throw new Error(`expected a text message, got ${message.length} binary bytes`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    throw new Error(`outbound message is not JSON: ${message.slice(0, 80)}`);
  }
  const obj = parsed as Record<string, unknown>;
  const kind = typeof obj.kind === 'string' ? obj.kind.toLowerCase() : '';
  if (kind === 'stopaudio') return { kind: 'stop' };
  if (kind === 'audiodata') {
    const body = (obj.audioData ?? obj.AudioData) as { data?: unknown } | undefined;
    if (typeof body?.data !== 'string') throw new Error('AudioData without audioData.data');
    const bytes = Buffer.from(body.data, 'base64');
    // Copy into an aligned buffer: the decoded Buffer may start at an odd offset of Node's pool.
    const pcm = new Int16Array(bytes.length >> 1);
    new Uint8Array(pcm.buffer).set(bytes.subarray(0, pcm.length * 2));
    return { kind: 'audio', pcm };
  }
  return { kind: 'other', type: String(obj.kind) };
}

/** Largest absolute sample of a frame. */
export function peakAbs(pcm: Int16Array): number {
  let peak = 0;
  for (let i = 0; i < pcm.length; i++) {
    const v = pcm[i]! < 0 ? -pcm[i]! : pcm[i]!;
    if (v > peak) peak = v;
  }
  return peak;
}
