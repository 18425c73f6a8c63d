/**
 * SVG charts of the bench results: latency CDF, per-stage waterfall, capacity curve. No dependencies.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ecdf } from '../lib/stats.ts';
import { lineChart, type Series } from './line-chart.ts';

export { lineChart, type LineChartOptions, type Series, type Threshold } from './line-chart.ts';
export { waterfall, type Stage, type WaterfallOptions } from './waterfall.ts';
export { parseXml, findAll, type XmlElement } from './xml.ts';
export { el, escapeXml, linearScale, svgDocument, text } from './svg.ts';

/**
 * CDF of latency samples, one line per named set (e.g. answer latency and gateway overhead).
 * @example latencyCdf('Answer latency, 100 calls', { 'answer latency': samples })
 */
export function latencyCdf(title: string, sets: Readonly<Record<string, ArrayLike<number>>>, xLabel = 'latency (ms)'): string {
  const series: Series[] = Object.entries(sets)
    .filter(([, samples]) => samples.length > 0)
    .map(([name, samples]) => ({ name: `${name} (n=${samples.length})`, points: ecdf(samples), step: true }));
  return lineChart({ title, xLabel, yLabel: 'fraction of turns \u2264 x', series, yRange: [0, 1] });
}

/** One step of a capacity ramp. */
export interface CapacityPoint {
  readonly calls: number;
  /** Gateway CPU in percent of one core. */
  readonly cpuPct: number;
  /** Event-loop lag p99 (ms). */
  readonly lagP99Ms: number;
  /** Frames that missed their deadline during the step. */
  readonly framesLate: number;
  /** Gateway resident memory (MB). */
  readonly rssMb: number;
}

/** Capacity curve: CPU and RSS (left axis) and event-loop lag p99 (right axis) against concurrent calls. */
export function capacityChart(title: string, points: readonly CapacityPoint[]): string {
  return lineChart({
    title,
    xLabel: 'concurrent calls',
    yLabel: 'gateway CPU (% of one core) / RSS (MB)',
    yRightLabel: 'event-loop lag p99 (ms)',
    series: [
      { name: 'CPU %', points: points.map((p) => ({ x: p.calls, y: p.cpuPct })) },
      { name: 'RSS MB', points: points.map((p) => ({ x: p.calls, y: p.rssMb })) },
      { name: 'lag p99 ms (right)', points: points.map((p) => ({ x: p.calls, y: p.lagP99Ms })), right: true },
    ],
    thresholds: [{ name: 'one frame (20 ms)', y: 20, right: true }],
  });
}

/** Writes an SVG file, creating its folder. */
export function writeChart(path: string, svg: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, svg);
}
