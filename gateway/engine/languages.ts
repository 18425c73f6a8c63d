/** The languages of a call and how the caller picks one (IVR digit or spoken name). */
import type { CallContext, Config, LanguageEntry } from '../../control/contract/index.ts';

/** Languages a call offers, with the one to start in. */
export interface CallLanguageSet {
  readonly availables: readonly LanguageEntry[];
  readonly initial: LanguageEntry;
}

/** The call's languages (its own `initiate.lang`, else configuration) and the language to start in. */
export function callLanguages(context: CallContext, conversation: Config['conversation']): CallLanguageSet {
  const availables = context.initiate.lang?.availables ?? (conversation.languages as readonly LanguageEntry[]);
  const wanted = context.lang_short_code ?? context.initiate.lang?.default_short_code ?? conversation.default_lang;
  const initial = availables.find((l) => l.short_code === wanted) ?? (availables[0] as LanguageEntry);
  return { availables, initial };
}

/** Names a caller may say for a language, besides its configured `pronunciations_en`. */
const NAMES: Readonly<Record<string, readonly string[]>> = {
  en: ['english', 'anglais', 'inglés', 'englisch'],
  fr: ['french', 'français', 'francais', 'francés', 'französisch'],
  es: ['spanish', 'español', 'espagnol', 'spanisch'],
  de: ['german', 'deutsch', 'allemand', 'alemán'],
  it: ['italian', 'italiano', 'italien'],
  pt: ['portuguese', 'português', 'portugais'],
  nl: ['dutch', 'nederlands', 'néerlandais'],
  zh: ['chinese', 'mandarin', '中文'],
};

/** The language whose name the caller said, if exactly one matches. */
export function languageFromSpeech(text: string, availables: readonly LanguageEntry[]): LanguageEntry | undefined {
  const said = normalize(text);
  const matches = availables.filter((l) => {
    const names = [...l.pronunciations_en, ...(NAMES[l.short_code.split('-')[0] ?? ''] ?? []), l.short_code];
    return names.some((n) => n.trim() !== '' && new RegExp(`(^|\\s)${escapeRe(normalize(n))}(\\s|$)`).test(said));
  });
  return matches.length === 1 ? matches[0] : undefined;
}

/** The language of IVR digit `digit` (1 is the first language). */
export function languageFromDigit(digit: string, availables: readonly LanguageEntry[]): LanguageEntry | undefined {
  const n = Number(digit);
  return Number.isInteger(n) && n >= 1 ? availables[n - 1] : undefined;
}

/** Lower case, accents kept, punctuation removed, spaces squeezed: for comparing transcripts. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
