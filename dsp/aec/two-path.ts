/**
 * Foreground/background decision of a two-path echo canceller.
 *
 * The background filter adapts all the time; the foreground filter, which produces the output,
 * only changes by copying the background when the background has been reliably better. If the
 * background becomes reliably worse (it diverged during undetected double talk), it is reset from
 * the foreground. "Reliably" compares the error-energy difference with its expected variance over
 * two smoothing horizons (one fast, one slow), as in Valin's two-path MDF.
 */

/** Verdict of one block. */
export const PathDecision = {
  /** Keep both filters as they are. */
  Keep: 0,
  /** Copy the background filter into the foreground. */
  PromoteBackground: 1,
  /** Copy the foreground filter back into the background. */
  ResetBackground: 2,
} as const;

/** One of {@link PathDecision}'s values. */
export type PathDecision = (typeof PathDecision)[keyof typeof PathDecision];

// Decision thresholds on (difference² / variance) for the fast and slow horizons, and the margin
// a background must be worse by before it is thrown away.
const FAST_UPDATE = 0.5;
const SLOW_UPDATE = 0.25;
const BACKTRACK = 4;

/**
 * Smoothed error-difference statistics and the decision rule.
 *
 * @example
 * const d = selector.decide(sumErrFg2, sumErrBg2, sumDiff2);
 */
export class PathSelector {
  private davg1 = 0;
  private davg2 = 0;
  private dvar1 = 0;
  private dvar2 = 0;

  /** Forgets the statistics (after any copy between the filters, or a reset). */
  reset(): void {
    this.davg1 = 0;
    this.davg2 = 0;
    this.dvar1 = 0;
    this.dvar2 = 0;
  }

  /**
   * @param sff foreground error energy of the block
   * @param see background error energy of the block
   * @param dbf energy of the difference between the two echo estimates (plus a small floor)
   */
  decide(sff: number, see: number, dbf: number): PathDecision {
    const diff = sff - see;
    this.davg1 = 0.6 * this.davg1 + 0.4 * diff;
    this.davg2 = 0.85 * this.davg2 + 0.15 * diff;
    this.dvar1 = 0.36 * this.dvar1 + 0.16 * sff * dbf;
    this.dvar2 = 0.7225 * this.dvar2 + 0.0225 * sff * dbf;
    if (diff * Math.abs(diff) > sff * dbf || this.davg1 * Math.abs(this.davg1) > FAST_UPDATE * this.dvar1 || this.davg2 * Math.abs(this.davg2) > SLOW_UPDATE * this.dvar2) {
      this.reset();
      return PathDecision.PromoteBackground;
    }
    if (-diff * Math.abs(diff) > BACKTRACK * sff * dbf || -this.davg1 * Math.abs(this.davg1) > BACKTRACK * this.dvar1 || -this.davg2 * Math.abs(this.davg2) > BACKTRACK * this.dvar2) {
      this.reset();
      return PathDecision.ResetBackground;
    }
    return PathDecision.Keep;
  }
}
