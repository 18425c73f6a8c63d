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
  const fast = plainAudio(message);
  if (fast !== undefined) return { kind: 'audio', pcm: fast };
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

/** What the ACS SDK's `createOutboundAudioData` writes around the base64 audio. */
const AUDIO_HEAD = '{"kind":"audioData","audioData":{"data":"';
const AUDIO_TAIL = '","isSilent":false},"stopAudio":{}}';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The audio of an outbound AudioData written exactly as the SDK writes it, decoded straight into
 * an aligned array; undefined for anything else (the general path parses and checks it).
 */
function plainAudio(message: string): Int16Array | undefined {
  if (!message.startsWith(AUDIO_HEAD) || !message.endsWith(AUDIO_TAIL)) return undefined;
  const data = message.slice(AUDIO_HEAD.length, message.length - AUDIO_TAIL.length);
  if (data.length % 4 !== 0 || !BASE64.test(data)) return undefined;
  const bytes = (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
  const pcm = new Int16Array(bytes >> 1);
  const out = Buffer.from(pcm.buffer, 0, pcm.byteLength);
  out.write(data, 'base64');
  return pcm;
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
