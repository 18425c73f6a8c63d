/**
 * Voice styles the model picks by writing a tag such as `[cheerful]` before its text. A tag at
 * the start of a piece styles that piece; tags are removed from what is spoken and stored. The
 * last tag of a piece carries over to the following ones.
 */
import type { Style } from '../../control/contract/index.ts';

const TAG = /\[\s*(none|cheerful|sad)\s*\]/gi;

/** A piece's speakable text, its style, and the style for the pieces after it. */
export interface StyledText {
  readonly text: string;
  readonly style: Style;
  readonly next: Style;
}

/**
 * Reads style tags in a piece and cleans it for speech.
 * @example applyStyle('[sad] I am sorry to hear that.', 'none') // { text: 'I am sorry to hear that.', style: 'sad', next: 'sad' }
 */
export function applyStyle(piece: string, current: Style): StyledText {
  let style = current;
  let next = current;
  const leading = /^\s*\[\s*(none|cheerful|sad)\s*\]/i.exec(piece);
  if (leading) style = (leading[1] as string).toLowerCase() as Style;
  next = style;
  for (const m of piece.matchAll(TAG)) next = (m[1] as string).toLowerCase() as Style;
  return { text: speakable(piece.replace(TAG, ' ')), style, next };
}

/** Removes markdown the model may write anyway (bold, headers, bullets, code ticks) and squeezes spaces. */
export function speakable(text: string): string {
  return text
    .replace(/\*\*|__|`+|^#+\s*|^\s*[-*•]\s+/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}
