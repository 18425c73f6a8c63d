import { describe, expect, it } from 'vitest';
import { capacityChart, findAll, latencyCdf, lineChart, parseXml, waterfall } from './index.ts';
import { linearScale } from './svg.ts';

const byName = (svg: string, name: string) => findAll(parseXml(svg), (e) => e.name === name);

describe('linearScale', () => {
  it('widens to nice ticks and maps onto pixels', () => {
    const s = linearScale(0, 97, 0, 400);
    expect(s.ticks).toEqual([0, 20, 40, 60, 80, 100]);
    expect(s(50)).toBe(200);
    expect(s.domain).toEqual([0, 100]);
  });

  it('survives an empty or degenerate range', () => {
    expect(linearScale(5, 5, 0, 100).ticks.length).toBeGreaterThan(1);
    expect(linearScale(Number.NaN, Number.NaN, 0, 100).ticks.length).toBeGreaterThan(1);
  });
});

describe('latencyCdf', () => {
  it('is valid SVG with one stepped path per non-empty series', () => {
    const svg = latencyCdf('Answer latency <100 calls>', { 'answer latency': [900, 950, 1000, 1200], overhead: [1, 2, 3], empty: [] });
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(findAll(root, (e) => e.name === 'title')[0]?.text).toBe('Answer latency <100 calls>');
    const paths = byName(svg, 'path');
    expect(paths).toHaveLength(2);
    // Stepped: horizontal then vertical moves.
    expect(paths[0]!.attrs.d).toMatch(/^M[\d.]+ [\d.]+( H[\d.]+ V[\d.]+)+$/);
    const legend = byName(svg, 'text').map((t) => t.attrs['data-series']).filter(Boolean);
    expect(legend).toEqual(['answer latency (n=4)', 'overhead (n=3)']);
  });
});

describe('lineChart', () => {
  it('places points inside the plot area, larger y higher up', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 's', points: [{ x: 0, y: 0 }, { x: 10, y: 5 }] }] });
    const circles = byName(svg, 'circle').map((c) => ({ x: Number(c.attrs.cx), y: Number(c.attrs.cy) }));
    expect(circles).toHaveLength(2);
    expect(circles[1]!.x).toBeGreaterThan(circles[0]!.x);
    expect(circles[1]!.y).toBeLessThan(circles[0]!.y);
    for (const c of circles) {
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.x).toBeLessThanOrEqual(720);
      expect(c.y).toBeGreaterThanOrEqual(0);
      expect(c.y).toBeLessThanOrEqual(420);
    }
  });
});

describe('waterfall', () => {
  it('chains the stages and draws the totals', () => {
    const svg = waterfall({
      title: 'stages',
      stages: [
        { name: 'silence wait', ms: 500 },
        { name: 'STT final', ms: 150 },
        { name: 'LLM first sentence', ms: 400 },
      ],
      totals: [{ name: 'measured p50', ms: 1100 }],
    });
    const rects = byName(svg, 'rect').filter((r) => r.children.some((c) => c.name === 'title'));
    expect(rects).toHaveLength(3);
    const [a, b, c] = rects.map((r) => ({ x: Number(r.attrs.x), w: Number(r.attrs.width) }));
    // Each stage starts where the previous one ends.
    expect(b!.x).toBeCloseTo(a!.x + a!.w, 1);
    expect(c!.x).toBeCloseTo(b!.x + b!.w, 1);
    const labels = byName(svg, 'text').map((t) => t.attrs['data-stage']).filter(Boolean);
    expect(labels).toEqual(['silence wait', 'STT final', 'LLM first sentence', 'measured p50']);
  });
});

describe('capacityChart', () => {
  it('has CPU, RSS and lag series and the one-frame line', () => {
    const svg = capacityChart('capacity', [
      { calls: 25, cpuPct: 10, lagP99Ms: 2, framesLate: 0, rssMb: 120 },
      { calls: 50, cpuPct: 20, lagP99Ms: 3, framesLate: 0, rssMb: 130 },
    ]);
    const legend = byName(svg, 'text').map((t) => t.attrs['data-series']).filter(Boolean);
    expect(legend).toEqual(['CPU %', 'RSS MB', 'lag p99 ms (right)']);
    expect(byName(svg, 'text').some((t) => t.text === 'one frame (20 ms)')).toBe(true);
    expect(byName(svg, 'path')).toHaveLength(3);
  });
});
