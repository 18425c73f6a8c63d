/**
 * Progress lines on stderr for long bench runs (stdout carries the human summary only).
 */

/** Writes one progress line to stderr, prefixed with the elapsed time since `startMs`. */
export function progress(startMs: number, message: string): void {
  const s = ((performance.now() - startMs) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[${s}s] ${message}\n`);
}

/**
 * Calls `report` every `everyMs` until the returned stop function is called.
 * @example const stop = every(5000, () => progress(t0, `${done} turns`)); … stop();
 */
export function every(everyMs: number, report: () => void): () => void {
  const timer = setInterval(report, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
