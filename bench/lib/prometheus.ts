/**
 * Reads the Prometheus text exposition that the gateway and control serve on `GET /metrics`:
 * samples by name, counter totals across label sets, and histogram quantiles estimated from buckets.
 */

/** One sample line: `name{labels} value`. */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Parsed exposition: every sample, grouped by metric name. */
export class PromText {
  readonly #byName = new Map<string, PromSample[]>();

  constructor(samples: readonly PromSample[]) {
    for (const s of samples) {
      let list = this.#byName.get(s.name);
      if (list === undefined) this.#byName.set(s.name, (list = []));
      list.push(s);
    }
  }

  /** Samples of one name (any labels). */
  samples(name: string): readonly PromSample[] {
    return this.#byName.get(name) ?? [];
  }

  /** True when some sample has this name. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  /** Sum of every sample of `name` (a counter across its label sets); 0 when absent. */
  total(name: string): number {
    let sum = 0;
    for (const s of this.samples(name)) sum += s.value;
    return sum;
  }

  /** Largest sample of `name` (a gauge across label sets); NaN when absent. */
  max(name: string): number {
    let best = Number.NaN;
    for (const s of this.samples(name)) if (!(s.value <= best)) best = s.value;
    return best;
  }

  /**
   * A histogram (`<base>_bucket`, `_sum`, `_count`), its label sets merged: count, mean, and a
   * quantile function interpolating linearly inside the bucket that holds the rank.
   */
  histogram(base: string): PromHistogram {
    const buckets = new Map<number, number>();
    for (const s of this.samples(`${base}_bucket`)) {
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
    const bounds = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
    return new PromHistogram(bounds, this.total(`${base}_sum`), this.total(`${base}_count`));
  }
}

/** A merged cumulative histogram. */
export class PromHistogram {
  constructor(
    /** `[upper bound, cumulative count]`, ascending. */
    readonly buckets: ReadonlyArray<readonly [number, number]>,
    readonly sum: number,
    readonly count: number,
  ) {}

  /** Mean of the observations; NaN when empty. */
  get mean(): number {
    return this.count > 0 ? this.sum / this.count : Number.NaN;
  }

  /**
   * Estimated quantile `q` (0..1), as Prometheus' `histogram_quantile` does: linear inside the
   * bucket; a rank in the +Inf bucket answers the largest finite bound.
   */
  quantile(q: number): number {
    const total = this.buckets.length > 0 ? this.buckets[this.buckets.length - 1]![1] : 0;
    if (total === 0) return Number.NaN;
    const rank = q * total;
    let prevBound = 0;
    let prevCount = 0;
    for (const [bound, count] of this.buckets) {
      if (count >= rank) {
        if (!Number.isFinite(bound)) return prevBound;
        if (count === prevCount) return bound;
        return prevBound + ((bound - prevBound) * (rank - prevCount)) / (count - prevCount);
      }
      prevBound = bound;
      prevCount = count;
    }
    return prevBound;
  }

  /** This histogram minus an earlier snapshot of it (the observations in between). */
  since(earlier: PromHistogram): PromHistogram {
    const before = new Map(earlier.buckets);
    const buckets = this.buckets.map(([b, c]) => [b, c - (before.get(b) ?? 0)] as const);
    return new PromHistogram(buckets, this.sum - earlier.sum, this.count - earlier.count);
  }
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g;

/**
 * Parses Prometheus text format 0.0.4. Comment and blank lines are skipped; a malformed line
 * throws naming its number, since a bench must not silently read the wrong figures.
 * @example parsePrometheus('x_total{a="1"} 3\n').total('x_total') === 3
 */
export function parsePrometheus(text: string): PromText {
  const samples: PromSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m === null) throw new Error(`metrics line ${i + 1} is not Prometheus text: ${line.slice(0, 120)}`);
    const labels: Record<string, string> = {};
    if (m[3] !== undefined && m[3] !== '') {
      LABEL.lastIndex = 0;
      let lm: RegExpExecArray | null;
      while ((lm = LABEL.exec(m[3])) !== null) labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1]!, labels, value: parseValue(m[4]!) });
  }
  return new PromText(samples);
}

function parseValue(raw: string): number {
  if (raw === '+Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(raw);
}

/** Fetches and parses `url` (a `/metrics` endpoint). */
export async function scrapeMetrics(url: string, signal?: AbortSignal): Promise<PromText> {
  const res = await fetch(url, signal ? { signal } : {});
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
  return parsePrometheus(await res.text());
}
