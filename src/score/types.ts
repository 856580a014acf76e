/**
 * An Internet.nl-comparable mail score: Internet.nl's five mail categories with their subtests and points,
 * computed from mailwarden's findings. See docs/parity.md for the mapping of every subtest to check ids.
 */

export type CategoryName = 'ipv6' | 'dnssec' | 'auth' | 'tls' | 'rpki';

/** How a subtest got its points: from our findings, assumed passed (we do not test it), or not applicable. */
export type SubtestBasis = 'tested' | 'assumed' | 'not-applicable';

export interface SubtestScore {
  /** Internet.nl's subtest name, e.g. `starttls_exists`, `ns_rpki_valid`. */
  name: string;
  points: number;
  max: number;
  basis: SubtestBasis;
  /** The mailwarden check ids the points came from. */
  checks: string[];
}

export interface CategoryScore {
  name: CategoryName;
  /** 0–100 as Internet.nl rounds it (int(100 / max × points)); null when it could not be computed. */
  percent: number | null;
  points: number;
  max: number;
  subtests: SubtestScore[];
  /** Why the percent is null: the monitor did not run, is not configured, or could not determine a finding. */
  missing?: string;
}

export interface MailScore {
  /** 0–100: the mean of the category percents, as Internet.nl computes it; null when no category could be scored. */
  score: number | null;
  /** Every category was computed (none missing). A score over fewer categories is not comparable. */
  complete: boolean;
  categories: CategoryScore[];
  /** Subtests mailwarden does not test and counted as passed (Internet.nl `subtest` names). */
  assumed: string[];
}

export const FULL = 10;
export const HALF = 5;
export const LESS = 2;

/** int(100 / max × points), Internet.nl's rounding (toward zero). */
export function percentOf(points: number, max: number): number {
  return max === 0 ? 0 : Math.trunc((100 / max) * points);
}

/** A category whose findings are missing or undetermined. */
export function missingCategory(name: CategoryName, missing: string): CategoryScore {
  return { name, percent: null, points: 0, max: 0, subtests: [], missing };
}

export function category(name: CategoryName, subtests: SubtestScore[]): CategoryScore {
  const points = subtests.reduce((sum, s) => sum + s.points, 0);
  const max = subtests.reduce((sum, s) => sum + s.max, 0);
  return { name, percent: max === 0 ? null : percentOf(points, max), points, max, subtests };
}
