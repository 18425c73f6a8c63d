/**
 * XY line charts (the latency CDF and the capacity curve are both one), with axes, grid, legend
 * and optional horizontal threshold lines.
 */
import { PALETTE, el, linearScale, svgDocument, text, tickLabel, type Scale } from './svg.ts';

/** One line of a chart. */
export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<{ readonly x: number; readonly y: number }>;
  /** Draw steps (an empirical CDF) rather than straight segments. */
  readonly step?: boolean;
  /** Plot on the right-hand axis. */
  readonly right?: boolean;
}

/** A labelled horizontal reference line (a target or a limit). */
export interface Threshold {
  readonly name: string;
  readonly y: number;
  readonly right?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Label of the right-hand axis, when some series use it. */
  readonly yRightLabel?: string;
  readonly series: readonly Series[];
  readonly thresholds?: readonly Threshold[];
  /** Fixed y range (e.g. 0..1 for a CDF); otherwise from the data, starting at 0. */
  readonly yRange?: readonly [number, number];
  readonly width?: number;
  readonly height?: number;
}

const M = { left: 64, right: 64, top: 40, bottom: 48 };

/**
 * Renders a line chart as an SVG document.
 * @example lineChart({ title: 'Answer latency', xLabel: 'ms', yLabel: 'fraction', series: [{ name: 'p', points, step: true }] })
 */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 420;
  const plotRight = width - M.right;
  const plotBottom = height - M.bottom;
  const left = options.series.filter((s) => s.right !== true);
  const right = options.series.filter((s) => s.right === true);
  const all = options.series.flatMap((s) => s.points);
  const x = linearScale(Math.min(0, ...all.map((p) => p.x)), Math.max(...all.map((p) => p.x), 1), M.left, plotRight);
  const yOf = (series: readonly Series[], thresholds: readonly Threshold[]) => {
    if (options.yRange && series === left) return linearScale(options.yRange[0], options.yRange[1], plotBottom, M.top);
    const ys = [...series.flatMap((s) => s.points.map((p) => p.y)), ...thresholds.map((t) => t.y)];
    return linearScale(Math.min(0, ...ys), Math.max(...ys, 1), plotBottom, M.top);
  };
  const thresholds = options.thresholds ?? [];
  const yl = yOf(left, thresholds.filter((t) => t.right !== true));
  const yr = right.length > 0 ? yOf(right, thresholds.filter((t) => t.right === true)) : undefined;

  const parts: string[] = [text(width / 2, 22, options.title, { 'text-anchor': 'middle', 'font-size': 15, 'font-weight': 'bold' })];
  parts.push(...grid(x, yl, plotBottom, plotRight));
  parts.push(...yAxis(yl, M.left, 'end', -6));
  if (yr) parts.push(...yAxis(yr, plotRight, 'start', 6));
  parts.push(text((M.left + plotRight) / 2, height - 10, options.xLabel, { 'text-anchor': 'middle' }));
  parts.push(text(16, (M.top + plotBottom) / 2, options.yLabel, { 'text-anchor': 'middle', transform: `rotate(-90 16 ${(M.top + plotBottom) / 2})` }));
  if (yr && options.yRightLabel) {
    const cx = width - 14;
    parts.push(text(cx, (M.top + plotBottom) / 2, options.yRightLabel, { 'text-anchor': 'middle', transform: `rotate(90 ${cx} ${(M.top + plotBottom) / 2})` }));
  }
  thresholds.forEach((t) => {
    const scale = t.right === true && yr ? yr : yl;
    const py = scale(t.y);
    parts.push(el('line', { x1: M.left, x2: plotRight, y1: py, y2: py, stroke: '#999', 'stroke-dasharray': '6 4' }));
    parts.push(text(plotRight - 4, py - 4, t.name, { 'text-anchor': 'end', fill: '#666', 'font-size': 11 }));
  });
  options.series.forEach((s, i) => {
    const colour = PALETTE[i % PALETTE.length]!;
    const scale = s.right === true && yr ? yr : yl;
    parts.push(el('path', { d: pathData(s, x, scale), fill: 'none', stroke: colour, 'stroke-width': 2 }, [el('title', {}, [escapeName(s.name)])]));
    if (s.step !== true) for (const p of s.points) parts.push(el('circle', { cx: x(p.x), cy: scale(p.y), r: 3, fill: colour }));
    const ly = M.top + 16 + i * 16;
    parts.push(el('rect', { x: M.left + 10, y: ly - 8, width: 12, height: 4, fill: colour }));
    parts.push(text(M.left + 28, ly - 2, s.name, { 'data-series': s.name }));
  });
  return svgDocument(width, height, options.title, parts);
}

function escapeName(name: string): string {
  return name.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

function pathData(s: Series, x: Scale, y: Scale): string {
  let d = '';
  for (const p of s.points) {
    const px = x(p.x).toFixed(1);
    const py = y(p.y).toFixed(1);
    if (d === '') d = `M${px} ${py}`;
    else if (s.step === true) d += ` H${px} V${py}`;
    else d += ` L${px} ${py}`;
  }
  return d;
}

function grid(x: Scale, y: Scale, plotBottom: number, plotRight: number): string[] {
  const parts: string[] = [];
  for (const t of x.ticks) {
    const px = x(t);
    parts.push(el('line', { x1: px, x2: px, y1: M.top, y2: plotBottom, stroke: '#eee' }));
    parts.push(text(px, plotBottom + 16, tickLabel(t), { 'text-anchor': 'middle' }));
  }
  for (const t of y.ticks) {
    const py = y(t);
    parts.push(el('line', { x1: M.left, x2: plotRight, y1: py, y2: py, stroke: '#eee' }));
  }
  parts.push(el('rect', { x: M.left, y: M.top, width: plotRight - M.left, height: plotBottom - M.top, fill: 'none', stroke: '#333' }));
  return parts;
}

function yAxis(y: Scale, at: number, anchor: 'start' | 'end', dx: number): string[] {
  return y.ticks.map((t) => text(at + dx, y(t) + 4, tickLabel(t), { 'text-anchor': anchor }));
}
