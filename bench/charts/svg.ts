/**
 * A tiny SVG writer: elements as strings with escaped attributes and text, linear scales and
 * "nice" axis ticks. Enough for the bench charts; no dependencies.
 */

/** Attribute values; `undefined` attributes are left out. */
export type Attrs = Record<string, string | number | undefined>;

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

/**
 * One element. Children are already-rendered strings (from `el` or `text`).
 * @example el('rect', { x: 0, y: 0, width: 10, height: 5 }) // '<rect x="0" y="0" width="10" height="5"/>'
 */
export function el(tag: string, attrs: Attrs = {}, children: readonly string[] = []): string {
  let open = `<${tag}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    open += ` ${k}="${escapeXml(typeof v === 'number' ? fmt(v) : v)}"`;
  }
  return children.length === 0 ? `${open}/>` : `${open}>${children.join('')}</${tag}>`;
}

/** A `<text>` element with escaped content. */
export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, [escapeXml(content)]);
}

/** A whole SVG document with a white background and a title (shown as a tooltip and for screen readers). */
export function svgDocument(width: number, height: number, title: string, children: readonly string[]): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el('svg', { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': 'sans-serif', 'font-size': 12 }, [
      el('title', {}, [escapeXml(title)]),
      el('rect', { x: 0, y: 0, width, height, fill: 'white' }),
      ...children,
    ]) +
    '\n'
  );
}

/** Numbers in attributes: at most two decimals, no exponent. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '0';
  return String(Math.round(v * 100) / 100);
}

/** Maps a data interval onto a pixel interval. */
export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly ticks: readonly number[];
}

/**
 * A linear scale over `[lo, hi]` widened to nice tick bounds, mapped onto `[from, to]` pixels.
 * @example linearScale(0, 97, 0, 400).ticks // [0, 20, 40, 60, 80, 100]
 */
export function linearScale(lo: number, hi: number, from: number, to: number, tickCount = 6): Scale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = 0;
    hi = 1;
  }
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const step = niceStep((hi - lo) / Math.max(1, tickCount - 1));
  const start = Math.floor(lo / step) * step;
  const end = Math.ceil(hi / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step / 2; v += step) ticks.push(Math.round(v / step) * step);
  const scale = ((value: number) => from + ((value - start) / (end - start)) * (to - from)) as Scale;
  Object.defineProperty(scale, 'domain', { value: [start, end] });
  Object.defineProperty(scale, 'ticks', { value: ticks });
  return scale;
}

/** 1, 2, 2.5 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Label of a tick value: integers plainly, otherwise up to 2 decimals. */
export function tickLabel(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 100) / 100);
}

/** A colour-blind-friendly palette (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'] as const;
