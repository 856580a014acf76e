import type { DomainReport, Finding, Status } from '../model.ts';
import { worstStatus } from '../model.ts';

const LABEL: Record<Status, string> = { ok: 'OK', info: 'INFO', warn: 'WARN', fail: 'FAIL', error: 'ERROR' };

/**
 * Text from DNS and remote servers is hostile: no terminal escapes, no line breaks, no invisible or bidirectional
 * controls that make a line read differently from what it holds ("Trojan Source"), bounded length.
 */
export function terminalSafe(text: string, max = 300): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g, (c) =>
    c === '\t' ? ' ' : '·',
  );
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * The domain's headline, read like its exit code: a fail or warn first; otherwise findings that could not be
 * determined make it ERROR (an all-ok headline over unchecked findings would say more than we know).
 */
function headline(findings: readonly Finding[]): string {
  const worst = worstStatus(findings.map((f) => f.status));
  const errors = findings.filter((f) => f.status === 'error').length;
  if (errors === 0 || worst === 'error') return LABEL[worst];
  if (worst === 'fail' || worst === 'warn') return `${LABEL[worst]}, ${errors} ERROR`;
  return LABEL.error;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A readable table per domain: status, check, subject, summary (and the fix under each non-ok line). */
export function formatReportsAsTable(
  reports: readonly DomainReport[],
  options: { fixes?: boolean; scoreLine?: (report: DomainReport) => string } = {},
): string {
  const showFixes = options.fixes ?? true;
  const blocks = reports.map((report) => {
    const rows = report.findings.map((f) => [
      LABEL[f.status],
      f.check,
      terminalSafe(f.subject, 80),
      terminalSafe(f.summary),
    ]);
    const widths = [0, 1, 2].map((col) => Math.max(...rows.map((row) => row[col]!.length), 0));
    const lines = [`${terminalSafe(report.domain, 255)}  [${headline(report.findings)}]  checked ${report.checkedAt}`];
    if (options.scoreLine) lines.push(`  ${options.scoreLine(report)}`);
    report.findings.forEach((finding, index) => {
      const row = rows[index]!;
      lines.push(`  ${pad(row[0]!, widths[0]!)}  ${pad(row[1]!, widths[1]!)}  ${pad(row[2]!, widths[2]!)}  ${row[3]}`);
      if (showFixes && finding.fix && finding.status !== 'ok') {
        lines.push(`  ${' '.repeat(widths[0]! + widths[1]! + widths[2]! + 6)}fix: ${terminalSafe(finding.fix, 400)}`);
      }
    });
    if (report.findings.length === 0) lines.push('  (no findings)');
    return lines.join('\n');
  });
  return `${blocks.join('\n\n')}\n`;
}
