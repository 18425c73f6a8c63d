/** SSML for Azure neural voices: voice, language, `mstts:express-as` style and prosody rate. */
import type { Style } from '../../../control/contract/index.ts';

/** XML-escapes text content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** `1` → `+0%`, `1.2` → `+20%`, `0.85` → `-15%` (Azure's relative prosody rate). */
export function prosodyRate(rate: number): string {
  const pct = Math.round((rate - 1) * 100);
  return `${pct >= 0 ? '+' : ''}${pct}%`;
}

/**
 * Builds the SSML of one sentence.
 * @example buildSsml({ text: 'Bonjour !', lang: 'fr-FR', voice: 'fr-FR-DeniseNeural', style: 'cheerful', rate: 1.1 })
 */
export function buildSsml(p: { text: string; lang: string; voice: string; style: Style; rate: number }): string {
  let body = `<prosody rate="${prosodyRate(p.rate)}">${escapeXml(p.text)}</prosody>`;
  if (p.style !== 'none') body = `<mstts:express-as style="${p.style}" styledegree="1">${body}</mstts:express-as>`;
  // <lang> makes multilingual voices speak the conversation's language rather than guess it.
  body = `<lang xml:lang="${escapeXml(p.lang)}">${body}</lang>`;
  return (
    `<speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xmlns:mstts="https://www.w3.org/2001/mstts" xml:lang="${escapeXml(p.lang)}">` +
    `<voice name="${escapeXml(p.voice)}">${body}</voice></speak>`
  );
}
