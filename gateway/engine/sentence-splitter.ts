/**
 * Cuts streamed LLM text into speakable pieces as it arrives: whole sentences, and for the first
 * piece of an answer a shorter clause, so that TTS can start early. It never cuts inside decimals
 * (3.5, 3,5), times (10:30, 10 h 30), emails, URLs or phone numbers (none of them have
 * punctuation followed by a space), nor after abbreviations (Mr., Dr., e.g., M., Mme.) and
 * initials, nor before a lower-case continuation.
 */

/** Abbreviations whose period does not end a sentence (lower case, without the final period). */
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'vs', 'e.g', 'i.e', 'cf', 'approx', 'dept', 'est', 'inc', 'ltd', 'co', 'corp', 'mt', 'ft',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec',
  'm', 'mm', 'mme', 'mmes', 'mlle', 'mlles', 'me', 'pr', 'av', 'bd', 'boul', 'env', 'p.ex', 'c.-à-d', 'c.à.d', 'ex', 'réf', 'tél', 'tel',
]);

/** Abbreviations that only hold before a number ("no. 5", "p. 12"): elsewhere they are words. */
const NUMBER_ABBREVIATIONS = new Set(['no', 'nr', 'n°', 'vol', 'p', 'pp', 'art', 'ch', 'fig']);

/** Characters that end a sentence when followed by whitespace. */
const TERMINATORS = '.!?…';
/** Closers that may follow the terminator: `"Really?" she said` keeps the quote with its sentence. */
const CLOSERS = '"\'”’»)]';
/** Clause separators allowed for the first, early piece. */
const CLAUSE = ',;:—';

export interface SplitterOptions {
  /** The first piece may end at a clause separator once it has this many words (4: long enough to sound natural). */
  readonly firstClauseMinWords?: number;
  /** A piece longer than this (chars) is cut at the last clause separator or space (keeps TTS latency bounded). */
  readonly maxChars?: number;
}

/**
 * A streaming sentence splitter.
 * @example
 * const s = new SentenceSplitter();
 * s.push('Hello Mr. Smith. It is 3.5 de'); // ['Hello Mr. Smith.']
 * s.push('grees.'); s.flush();             // 'It is 3.5 degrees.'
 */
export class SentenceSplitter {
  #buffer = '';
  #emitted = 0;
  readonly #firstClauseMinWords: number;
  readonly #maxChars: number;

  constructor(options: SplitterOptions = {}) {
    this.#firstClauseMinWords = options.firstClauseMinWords ?? 4;
    this.#maxChars = options.maxChars ?? 250;
  }

  /** Adds streamed text; returns the pieces it completed, trimmed and non-empty. */
  push(text: string): string[] {
    this.#buffer += text;
    const out: string[] = [];
    for (;;) {
      const cut = this.#findCut();
      if (cut === undefined) break;
      const piece = this.#buffer.slice(0, cut).trim();
      this.#buffer = this.#buffer.slice(cut);
      if (piece !== '') {
        out.push(piece);
        this.#emitted++;
      }
    }
    return out;
  }

  /** Ends the stream: returns what is left, if anything. */
  flush(): string | undefined {
    const rest = this.#buffer.trim();
    this.#buffer = '';
    if (rest === '') return undefined;
    this.#emitted++;
    return rest;
  }

  /** Index just after the first boundary in the buffer, or undefined if none is certain yet. */
  #findCut(): number | undefined {
    const b = this.#buffer;
    for (let i = 0; i < b.length; i++) {
      const c = b[i] as string;
      if (c === '\n') {
        if (b.slice(0, i).trim() !== '') return i + 1;
        continue;
      }
      if (TERMINATORS.includes(c)) {
        let j = i + 1;
        while (j < b.length && (TERMINATORS.includes(b[j] as string) || CLOSERS.includes(b[j] as string))) j++;
        if (j >= b.length) return undefined; // need to see what follows
        if (/\s/.test(b[j] as string)) {
          const verdict = this.#isBoundary(b, i, j);
          if (verdict === undefined) return undefined;
          if (verdict) return j;
        }
        i = j - 1;
        continue;
      }
      const earlyClause = this.#emitted === 0 && CLAUSE.includes(c) && i + 1 < b.length && /\s/.test(b[i + 1] as string);
      if (earlyClause && countWords(b.slice(0, i)) >= this.#firstClauseMinWords) return i + 1;
    }
    return b.length > this.#maxChars ? longCut(b, this.#maxChars) : undefined;
  }

  /**
   * Whether the terminator at `i` (its run ending before `j`, a whitespace) ends a sentence.
   * Undefined: the next visible character is needed and has not arrived yet.
   */
  #isBoundary(b: string, i: number, j: number): boolean | undefined {
    let k = j;
    while (k < b.length && /\s/.test(b[k] as string)) k++;
    const next = b[k];
    const run = b.slice(i, j);
    if (/[!?]/.test(run) || /["'”’»)\]]/.test(run)) return true; // "!", "?" and closed quotes always end
    if (run !== '.') return next === undefined ? undefined : !/\p{Ll}/u.test(next); // "...", "…": unless continued in lower case
    const word = lastWord(b.slice(0, i));
    const lower = word.toLowerCase();
    if (ABBREVIATIONS.has(lower)) return false;
    if (/^\p{Lu}$/u.test(word)) return false; // an initial: "J. Smith", "M. Dupont"
    if (next === undefined) return undefined;
    if (NUMBER_ABBREVIATIONS.has(lower) && /\d/.test(next)) return false;
    if (/\p{Ll}/u.test(next)) return false; // "approx. five", "etc. and": a lower-case continuation
    return true;
  }
}

/** Where to cut an over-long piece: after the last clause separator, else at the last space, within `max`. */
function longCut(b: string, max: number): number | undefined {
  let space: number | undefined;
  for (let i = Math.min(b.length, max) - 1; i > 0; i--) {
    const c = b[i] as string;
    if (CLAUSE.includes(c) && /\s/.test(b[i + 1] ?? '')) return i + 1;
    if (space === undefined && /\s/.test(c)) space = i;
  }
  return space;
}

function lastWord(text: string): string {
  const m = /([\p{L}\p{N}°.'’-]+)$/u.exec(text);
  return m?.[1] ?? '';
}

function countWords(text: string): number {
  const m = text.trim().match(/\S+/g);
  return m ? m.length : 0;
}
