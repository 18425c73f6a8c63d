/**
 * Per-stage waterfall of one answer: each stage a horizontal bar starting where the previous
 * ended (silence wait → STT final → LLM first sentence → TTS first byte → gateway), with the
 * measured total drawn underneath for comparison.
 */
import { PALETTE, el, linearScale, svgDocument, text, tickLabel } from './svg.ts';

/** One bar of the waterfall. */
export interface Stage {
  readonly name: string;
  readonly ms: number;
  /** Bars with a start start there instead of after the previous one (overlapping stages). */
  readonly startMs?: number;
}

export interface WaterfallOptions {
  readonly title: string;
  readonly stages: readonly Stage[];
  /** Extra full-width bars from 0 (e.g. the measured p50 and p99 answer latency). */
  readonly totals?: ReadonlyArray<{ readonly name: string; readonly ms: number }>;
  readonly width?: number;
}

/**
 * Renders the waterfall as an SVG document.
 * @example waterfall({ title: 'Answer latency stages', stages: [{ name: 'silence wait', ms: 500 }] })
 */
export function waterfall(options: WaterfallOptions): string {
  const width = options.width ?? 760;
  const rowH = 26;
  const labelW = 220;
  const top = 44;
  const rows = options.stages.length + (options.totals?.length ?? 0);
  const height = top + rows * rowH + 44;
  let cursor = 0;
  const placed = options.stages.map((s) => {
    const start = s.startMs ?? cursor;
    cursor = start + Math.max(0, s.ms);
    return { ...s, start };
  });
  const maxMs = Math.max(cursor, ...(options.totals ?? []).map((t) => t.ms), 1);
  const x = linearScale(0, maxMs, labelW, width - 30);
  const parts: string[] = [text(width / 2, 24, options.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' })];
  const bottom = top + rows * rowH;
  for (const t of x.ticks) {
    parts.push(el('line', { x1: x(t), x2: x(t), y1: top - 4, y2: bottom, stroke: '#eee' }));
    parts.push(text(x(t), bottom + 16, tickLabel(t), { 'text-anchor': 'middle' }));
  }
  parts.push(text((labelW + width - 30) / 2, bottom + 34, 'ms after the end of the caller\u2019s speech', { 'text-anchor': 'middle' }));
  placed.forEach((s, i) => {
    const y = top + i * rowH;
    const colour = PALETTE[i % PALETTE.length]!;
    parts.push(text(labelW - 8, y + 16, s.name, { 'text-anchor': 'end', 'data-stage': s.name }));
    const w = Math.max(1, x(s.start + Math.max(0, s.ms)) - x(s.start));
    parts.push(el('rect', { x: x(s.start), y: y + 4, width: w, height: rowH - 8, fill: colour }, [el('title', {}, [`${s.name}: ${s.ms.toFixed(1)} ms`])]));
    parts.push(text(x(s.start) + w + 4, y + 16, `${s.ms.toFixed(1)} ms`, { 'font-size': 11 }));
  });
  (options.totals ?? []).forEach((t, j) => {
    const y = top + (placed.length + j) * rowH;
    parts.push(text(labelW - 8, y + 16, t.name, { 'text-anchor': 'end', 'font-weight': 'bold', 'data-stage': t.name }));
    parts.push(el('rect', { x: x(0), y: y + 4, width: Math.max(1, x(t.ms) - x(0)), height: rowH - 8, fill: 'none', stroke: '#333', 'stroke-width': 1.5 }));
    parts.push(text(x(t.ms) + 4, y + 16, `${t.ms.toFixed(1)} ms`, { 'font-size': 11, 'font-weight': 'bold' }));
  });
  return svgDocument(width, height, options.title, parts);
}
