/** Spoken phrases from configuration: per kind and language, one chosen at random, `{placeholders}` filled. */
import type { Config } from '../../control/contract/index.ts';

/** Kinds of configured phrases (`conversation.phrases`). */
export type PhraseKind = keyof Config['conversation']['phrases'];

/** Replaces `{name}` with `vars[name]`; unknown placeholders stay as they are. */
export function fillTemplate(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Picks phrases for a call. */
export class Phrases {
  constructor(
    readonly phrases: Config['conversation']['phrases'],
    readonly defaultLang: string,
    readonly vars: Readonly<Record<string, string>>,
    readonly random: () => number = Math.random,
  ) {}

  /**
   * A phrase of `kind` in `lang` (else the default language, else any configured one).
   * @example phrases.pick('hello', 'fr-FR') // 'Bonjour, ici Amélie de Contoso…'
   */
  pick(kind: PhraseKind, lang: string, extra: Readonly<Record<string, string>> = {}): string {
    const byLang = this.phrases[kind];
    const list = byLang[lang] ?? byLang[lang.split('-')[0] ?? ''] ?? byLang[this.defaultLang] ?? Object.values(byLang)[0] ?? [];
    if (list.length === 0) return '';
    const chosen = list[Math.min(list.length - 1, Math.floor(this.random() * list.length))] as string;
    return fillTemplate(chosen, { ...this.vars, ...extra });
  }

  /** True when `kind` has a phrase written for `lang` itself. */
  has(kind: PhraseKind, lang: string): boolean {
    return (this.phrases[kind][lang]?.length ?? 0) > 0;
  }
}
