import { describe, expect, it } from 'vitest';
import { ivrChoices, ivrPrompt, needsIvr, pickedLanguage } from './ivr.ts';

const lang = {
  default_short_code: 'en-US',
  availables: [
    { short_code: 'en-US', voice: 'v1', pronunciations_en: ['English'] },
    { short_code: 'fr-FR', voice: 'v2', pronunciations_en: [] },
    { short_code: 'es-ES', voice: 'v3', pronunciations_en: ['Spanish'] },
  ],
};

describe('language menu', () => {
  it('is needed only with several languages', () => {
    expect(needsIvr(undefined)).toBe(false);
    expect(needsIvr({ default_short_code: 'en-US', availables: [lang.availables[0]!] })).toBe(false);
    expect(needsIvr(lang)).toBe(true);
  });

  it('offers one choice per language with its tone; the short code stands in for missing names', () => {
    expect(ivrChoices(lang)).toEqual([
      { label: 'en-US', phrases: ['English'], tone: 'one' },
      { label: 'fr-FR', phrases: ['fr-FR'], tone: 'two' },
      { label: 'es-ES', phrases: ['Spanish'], tone: 'three' },
    ]);
  });

  it('speaks configured lines, else a generated one', () => {
    expect(ivrPrompt(lang, { 'fr-FR': ['Pour le français, tapez 2.'] })).toBe('For English, press 1. Pour le français, tapez 2. For Spanish, press 3.');
  });

  it('reads the choice from a label or a DTMF tone, and ignores unknown ones', () => {
    expect(pickedLanguage(lang, { choiceResult: { label: 'es-ES' } })).toBe('es-ES');
    expect(pickedLanguage(lang, { dtmfResult: { tones: ['two'] } })).toBe('fr-FR');
    expect(pickedLanguage(lang, { choiceResult: { label: 'de-DE' } })).toBeUndefined();
    expect(pickedLanguage(lang, { dtmfResult: { tones: ['nine'] } })).toBeUndefined();
  });
});
