import type { SeverityOverride } from '../config/schema.ts';
import type { DomainReport } from '../model.ts';

/** Applies per-check severity overrides: a warn/fail verdict becomes the configured one; `ignore` drops it. */
export function applySeverity(report: DomainReport, overrides: Record<string, SeverityOverride>): DomainReport {
  if (Object.keys(overrides).length === 0) return report;
  const findings = report.findings.flatMap((finding) => {
    const override = overrides[finding.check];
    if (override === undefined) return [finding];
    if (override === 'ignore') return [];
    if (finding.status !== 'warn' && finding.status !== 'fail') return [finding];
    return [{ ...finding, status: override, evidence: { ...finding.evidence, overriddenFrom: finding.status } }];
  });
  return { ...report, findings };
}
