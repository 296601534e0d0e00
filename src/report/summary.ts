import { type Finding, SEVERITIES, type Severity, severityRank } from '../core/types.js';

export type FailOn = Severity | 'none';

/** Running totals over findings as they stream past (the JSON report and exit code need them). */
export class FindingTotals {
  fail = 0;
  unknown = 0;
  pass = 0;
  waived = 0;
  /** Failures and reviews that matched the baseline (`baselined`); they are counted in `fail`/`unknown` too. */
  baselined = 0;
  /** Findings whose waiver expired (they count as what they are, usually `fail`). */
  expiredWaivers = 0;
  failedBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  unknownBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  /** The part of `failedBySeverity` that matched the baseline: not judged by --fail-on. */
  baselinedBySeverity: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };

  add(finding: Finding): void {
    this[finding.status]++;
    if (finding.status === 'fail') this.failedBySeverity[finding.severity]++;
    if (finding.status === 'unknown') this.unknownBySeverity[finding.severity]++;
    if (finding.baselined) {
      this.baselined++;
      if (finding.status === 'fail') this.baselinedBySeverity[finding.severity]++;
    }
    if (finding.waiver?.state === 'expired') this.expiredWaivers++;
  }

  /** Failures not in the baseline, by severity (equal to `failedBySeverity` without a baseline). */
  get newFailedBySeverity(): Record<Severity, number> {
    const result = { ...this.failedBySeverity };
    for (const s of SEVERITIES) result[s] -= this.baselinedBySeverity[s];
    return result;
  }

  /**
   * New failures (not in the baseline) at or above the threshold; `unknown` never counts (it is "needs review",
   * not a failure), nor does a waived finding.
   */
  failuresAtOrAbove(threshold: FailOn): number {
    if (threshold === 'none') return 0;
    const counts = this.newFailedBySeverity;
    return SEVERITIES.filter((s) => severityRank(s) >= severityRank(threshold)).reduce((sum, s) => sum + counts[s], 0);
  }
}

export const EXIT = { clean: 0, findings: 1, usage: 2, incomplete: 3 } as const;

/** Exit code precedence: a usage error (2) is raised before scanning; then incomplete (3) over findings (1). */
export function exitCodeFor(totals: FindingTotals, failOn: FailOn, incomplete: boolean): number {
  if (incomplete) return EXIT.incomplete;
  return totals.failuresAtOrAbove(failOn) > 0 ? EXIT.findings : EXIT.clean;
}
