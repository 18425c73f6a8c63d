/**
 * The language menu played when a call offers several languages (SPEC §3): one choice per
 * language, picked by DTMF (1, 2, …) or by saying the language's name.
 */
import { DtmfTone, type RecognitionChoice } from '@azure/communication-call-automation';
import type { CallLanguages, Config } from '../../contract/index.ts';

const TONES: readonly DtmfTone[] = [
  DtmfTone.One,
  DtmfTone.Two,
  DtmfTone.Three,
  DtmfTone.Four,
  DtmfTone.Five,
  DtmfTone.Six,
  DtmfTone.Seven,
  DtmfTone.Eight,
  DtmfTone.Nine,
];

/** Operation context of the language menu's recognize request. */
export const IVR_OPERATION = 'ivr:language';

/** True when the caller must pick a language. */
export function needsIvr(lang: CallLanguages | undefined): boolean {
  return (lang?.availables.length ?? 0) > 1;
}

/** Recognition choices: label = short code, phrases = how callers say it, tone = its position. */
export function ivrChoices(lang: CallLanguages): RecognitionChoice[] {
  return lang.availables.slice(0, TONES.length).map((l, i) => ({
    label: l.short_code,
    phrases: l.pronunciations_en.length > 0 ? [...l.pronunciations_en] : [l.short_code],
    tone: TONES[i] as DtmfTone,
  }));
}

/** The spoken menu: each language's configured line, or "For <name>, press <n>." */
export function ivrPrompt(lang: CallLanguages, phrases: Config['conversation']['phrases']['ivr_language']): string {
  return lang.availables
    .slice(0, TONES.length)
    .map((l, i) => phrases[l.short_code]?.[0] ?? `For ${l.pronunciations_en[0] ?? l.short_code}, press ${i + 1}.`)
    .join(' ');
}

/** The language picked from a RecognizeCompleted event's data, if any. */
export function pickedLanguage(lang: CallLanguages, data: { choiceResult?: { label?: string }; dtmfResult?: { tones?: string[] } }): string | undefined {
  const label = data.choiceResult?.label;
  if (label !== undefined && lang.availables.some((l) => l.short_code === label)) return label;
  const tone = data.dtmfResult?.tones?.[0];
  const index = tone === undefined ? -1 : TONES.indexOf(tone as DtmfTone);
  return index >= 0 ? lang.availables[index]?.short_code : undefined;
}
