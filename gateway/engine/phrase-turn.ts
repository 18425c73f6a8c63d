/**
 * Configured phrases spoken as a turn of their own (greeting, IVR menu, recap, silence prompt,
 * refusal, apology, goodbye), each in its language's voice, cut like any turn by barge-in.
 */
import type { LanguageEntry } from '../../control/contract/index.ts';
import type { Phrases, PhraseKind } from './phrases.ts';
import { Speaker, type SpeakerDeps } from './speaker.ts';
import type { ConversationState } from './state.ts';

/** One phrase to say: its kind, optionally another language than the call's, and template values. */
export interface PhraseItem {
  readonly kind: PhraseKind;
  readonly lang?: LanguageEntry;
  readonly extra?: Record<string, string>;
}

/** Says `items` in order; resolves with the speaker once heard, or cut (barge-in, call end). */
export async function speakPhrases(
  deps: SpeakerDeps,
  phrases: Phrases,
  state: ConversationState,
  id: string,
  items: readonly PhraseItem[],
  signal: AbortSignal,
): Promise<Speaker> {
  const speaker = new Speaker(deps, id, signal);
  for (const item of items) {
    const lang = item.lang ?? state.lang;
    const voice = { lang: lang.short_code, voice: lang.voice, customVoiceEndpointId: lang.custom_voice_endpoint_id };
    speaker.say(phrases.pick(item.kind, lang.short_code, item.extra), { style: 'none', voice, rate: state.rate, kind: 'answer' });
  }
  try {
    await speaker.finish();
  } catch {
    // Cut: the caller heard part of it; `speaker.heard()` says which.
  }
  return speaker;
}

/** What to recap to a caller who calls back: the claim so far, else their last words. */
export function recapSummary(state: ConversationState): string {
  const filled = state.fields.filter((f) => state.claim[f.name]).map((f) => `${f.name.replace(/_/g, ' ')}: ${state.claim[f.name]}`);
  if (filled.length > 0) return filled.join(', ');
  const lastHuman = [...state.messages].reverse().find((m) => m.persona === 'human' && !state.excluded.has(m));
  return lastHuman ? lastHuman.content.slice(0, 150) : 'your request';
}
