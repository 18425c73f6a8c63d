import { describe, expect, it } from 'vitest';
import { SentenceSplitter } from './sentence-splitter.ts';
import { applyStyle } from './style.ts';

/** Feeds text token by token (words with their spaces, and also char by char) and returns the pieces. */
function split(text: string, mode: 'words' | 'chars' = 'words', options?: ConstructorParameters<typeof SentenceSplitter>[0]): string[] {
  const s = new SentenceSplitter(options);
  const out: string[] = [];
  const tokens = mode === 'words' ? (text.match(/\s*\S+\s*/g) ?? []) : [...text];
  for (const t of tokens) out.push(...s.push(t));
  const rest = s.flush();
  if (rest) out.push(rest);
  return out;
}

const both = (text: string, expected: string[]) => {
  expect(split(text, 'words')).toEqual(expected);
  expect(split(text, 'chars')).toEqual(expected);
};

describe('SentenceSplitter', () => {
  it('cuts plain sentences as they complete', () => {
    both('Hello there. How are you? Fine!', ['Hello there.', 'How are you?', 'Fine!']);
  });

  it('emits a sentence before the stream ends, once the next word shows it is over', () => {
    const s = new SentenceSplitter();
    expect(s.push('Thanks. ')).toEqual([]);
    expect(s.push('Next')).toEqual(['Thanks.']);
  });

  it('keeps decimals, times and prices together', () => {
    both('The rate is 3.5 percent. It opens at 10:30 or 10 h 30. Cost: 1,250.75 euros.', ['The rate is 3.5 percent.', 'It opens at 10:30 or 10 h 30.', 'Cost: 1,250.75 euros.']);
    both('Le taux est de 3,5 %. Merci.', ['Le taux est de 3,5 %.', 'Merci.']);
  });

  it('does not cut after English abbreviations or initials', () => {
    both('Yes. Mr. Smith and Dr. Jones will call, e.g. tomorrow. Thanks.', ['Yes.', 'Mr. Smith and Dr. Jones will call, e.g. tomorrow.', 'Thanks.']);
    both('I spoke with J. R. Tolkien yesterday. Okay.', ['I spoke with J. R. Tolkien yesterday.', 'Okay.']);
    both('It is in room no. 5 on the left. Bye.', ['It is in room no. 5 on the left.', 'Bye.']);
  });

  it('does not cut after French abbreviations', () => {
    both('Bonjour M. Dupont, votre dossier est prêt. Mme. Martin vous rappellera.', ['Bonjour M. Dupont, votre dossier est prêt.', 'Mme. Martin vous rappellera.']);
    both('Oui. Nous avons reçu les pièces, c.-à-d. la facture et le devis. Merci.', ['Oui.', 'Nous avons reçu les pièces, c.-à-d. la facture et le devis.', 'Merci.']);
  });

  it('keeps emails, URLs and phone numbers whole', () => {
    both('Write to jane.doe@example.com. Or see https://example.com/help.html today. Call +33 6 12 34 56 78. Or 06.12.34.56.78 please.', [
      'Write to jane.doe@example.com.',
      'Or see https://example.com/help.html today.',
      'Call +33 6 12 34 56 78.',
      'Or 06.12.34.56.78 please.',
    ]);
  });

  it('does not cut before a lower-case continuation', () => {
    both('Sure. We need approx. five days, etc. and then more. Done.', ['Sure.', 'We need approx. five days, etc. and then more.', 'Done.']);
  });

  it('lets the first piece go early at a clause once it has a few words', () => {
    both('Okay, I have noted your address, and I will now check the claim. Anything else?', [
      'Okay, I have noted your address,',
      'and I will now check the claim.',
      'Anything else?',
    ]);
    // Only the first piece: later clauses stay within their sentence.
    expect(split('Yes. Then we go on, and on, and on until the end.')).toEqual(['Yes.', 'Then we go on, and on, and on until the end.']);
  });

  it('handles ellipses, closing quotes and newlines', () => {
    both('Well... let me see. She said "Really?" Then left.\nNew line here', ['Well... let me see.', 'She said "Really?"', 'Then left.', 'New line here']);
  });

  it('cuts an over-long piece at a clause or space', () => {
    const long = `${'word '.repeat(30)}and, ${'more '.repeat(30)}end.`;
    const pieces = split(long, 'words', { maxChars: 200, firstClauseMinWords: 1000 });
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.every((p) => p.length <= 200)).toBe(true);
    expect(pieces.join(' ').replace(/\s+/g, ' ')).toBe(long.trim().replace(/\s+/g, ' '));
  });
});

describe('applyStyle', () => {
  it('reads a leading tag and strips tags and markdown', () => {
    expect(applyStyle('[cheerful] Great **news**!', 'none')).toEqual({ text: 'Great news!', style: 'cheerful', next: 'cheerful' });
    expect(applyStyle('Sorry to hear. [sad]', 'cheerful')).toEqual({ text: 'Sorry to hear.', style: 'cheerful', next: 'sad' });
    expect(applyStyle('[laughs] ok', 'none').text).toBe('[laughs] ok');
  });
});
