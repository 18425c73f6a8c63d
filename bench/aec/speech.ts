/**
 * Speech for the AEC bench, synthesised at run time with espeak-ng and resampled with sox into a
 * temporary directory (nothing is committed): the agent's sentences for the far end, the caller's
 * for the near end, in different voices.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What the agent says (far end). */
export const AGENT_SENTENCES: readonly string[] = [
  'Hello, this is Amelie from Contoso insurance. I am calling about the claim you opened yesterday.',
  'Could you please confirm your full name and the address written on your policy?',
  'Thank you. I can see that the water damage was reported in the kitchen, on the ground floor.',
  'Our expert can visit on Thursday morning between nine and eleven, or on Friday afternoon.',
  'Before we continue, I need to ask a few questions about the circumstances of the incident.',
  'When did you first notice the leak, and was anyone at home at that moment?',
  'I understand. Did you take any photos of the damage before cleaning up the area?',
  'You can send them by text message to this number, or upload them in your online account.',
  'The deductible on your contract is two hundred and fifty euros for this kind of event.',
  'I have created a reminder to call you back once the expert has written the report.',
  'Is there anything else I can help you with today regarding your home insurance?',
  'Perfect. I will send you a summary of our conversation by text message in a few minutes.',
];

/** What the caller says (near end, during double talk). */
export const CALLER_SENTENCES: readonly string[] = [
  'Sorry, wait, the leak actually started in the bathroom upstairs.',
  'No, Thursday does not work for me, I am at the office all day.',
  'Can you repeat the part about the deductible, please?',
  'I already sent the pictures this morning by email.',
  'Hold on, my neighbour says the ceiling is dripping again.',
  'Yes, my name is Jordan Miller, and the address is twelve Baker Street.',
];

/** espeak-ng voice of the agent (male, US English). */
export const AGENT_VOICE = 'en-us';
/** espeak-ng voice of the caller (female variant, British English). */
export const CALLER_VOICE = 'en-gb+f3';

/**
 * Synthesises `text` and returns it at `sampleRateHz` (full scale 1). At 8 kHz the telephone band
 * (300–3400 Hz) is applied, as the PSTN would. sox's dither is off (`-D`) so that every run of the
 * bench sees the same samples.
 */
export function synthesize(dir: string, tag: string, text: string, voice: string, sampleRateHz: number): Float32Array {
  const wav = join(dir, `${tag}.wav`);
  const raw = join(dir, `${tag}-${sampleRateHz}.raw`);
  execFileSync('espeak-ng', ['-v', voice, '-s', '165', '-w', wav, text], { stdio: 'ignore' });
  const effects = sampleRateHz <= 8000 ? ['sinc', '300-3400'] : [];
  execFileSync('sox', ['-D', wav, '-r', String(sampleRateHz), '-e', 'signed-integer', '-b', '16', '-c', '1', '-t', 'raw', raw, ...effects], { stdio: 'ignore' });
  const buf = readFileSync(raw);
  const out = new Float32Array(buf.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2) / 32768;
  return trimSilence(out);
}

/** Drops leading and trailing near-silence (espeak pads its output). */
function trimSilence(x: Float32Array): Float32Array {
  let a = 0;
  let b = x.length;
  while (a < b && Math.abs(x[a] as number) < 1e-3) a++;
  while (b > a && Math.abs(x[b - 1] as number) < 1e-3) b--;
  return x.slice(a, b);
}

/**
 * Sentences of one speaker at one rate, synthesised once (in a temporary directory removed right
 * after) and kept in memory for every scenario.
 */
export class SpeechBank {
  private readonly cache = new Map<string, Float32Array[]>();

  /** All sentences of `who` at `sampleRateHz`, each scaled to `rmsDbfs` RMS over its active part. */
  sentences(who: 'agent' | 'caller', sampleRateHz: number, rmsDbfs: number): Float32Array[] {
    const key = `${who}-${sampleRateHz}-${rmsDbfs}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const texts = who === 'agent' ? AGENT_SENTENCES : CALLER_SENTENCES;
    const voice = who === 'agent' ? AGENT_VOICE : CALLER_VOICE;
    const dir = mkdtempSync(join(tmpdir(), 'aec-speech-'));
    try {
      const list = texts.map((t, i) => scaleToRms(synthesize(dir, `${who}-${i}`, t, voice, sampleRateHz), rmsDbfs));
      this.cache.set(key, list);
      return list;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Scales so that the RMS over samples above −50 dBFS in 10 ms blocks equals `rmsDbfs`. */
export function scaleToRms(x: Float32Array, rmsDbfs: number): Float32Array {
  const block = 80;
  let e = 0;
  let n = 0;
  for (let s = 0; s + block <= x.length; s += block) {
    let be = 0;
    for (let i = s; i < s + block; i++) be += (x[i] as number) ** 2;
    if (be / block > 1e-5) {
      e += be;
      n += block;
    }
  }
  const g = n > 0 ? Math.pow(10, rmsDbfs / 20) / Math.sqrt(e / n) : 1;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] as number) * g;
  return out;
}
