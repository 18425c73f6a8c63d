/** Parsed command line of `npm run bench -- <suite> [--flag value]...`. */
export interface BenchArgs {
  /** Suite name, e.g. `answer-latency`. */
  readonly suite: string;
  /** `--json FILE`: where to write the machine-readable result, if given. */
  readonly jsonFile: string | undefined;
  /** Every `--name value` pair (and bare `--flag` as `"true"`). */
  readonly flags: ReadonlyMap<string, string>;
}

/**
 * Parses `<suite> [--key value | --key=value | --flag]...`.
 * @example parseBenchArgs(['aec', '--json', 'out.json']).jsonFile === 'out.json'
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const [suite, ...rest] = argv;
  if (suite === undefined || suite.startsWith('--')) throw new Error('usage: npm run bench -- <suite> [--calls N] [--seconds S] [--json FILE]');
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
      continue;
    }
    const next = rest[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      flags.set(arg.slice(2), next);
      i++;
    } else {
      flags.set(arg.slice(2), 'true');
    }
  }
  return { suite, jsonFile: flags.get('json'), flags };
}

/** Reads a numeric flag, or the default; refuses non-numbers with the flag's name. */
export function numberFlag(args: BenchArgs, name: string, fallback: number): number {
  const raw = args.flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} expects a number, got "${raw}"`);
  return value;
}

/** Reads a string flag, or the default. */
export function stringFlag(args: BenchArgs, name: string, fallback: string): string {
  return args.flags.get(name) ?? fallback;
}
