import type { DomainReport, Status } from '../model.ts';
import { worstStatus } from '../model.ts';

const LABEL: Record<Status, string> = { ok: 'OK', info: 'INFO', warn: 'WARN', fail: 'FAIL', error: 'ERROR' };

/** Text from DNS and remote servers is hostile: no terminal escapes, no line breaks, bounded length. */
export function terminalSafe(text: string, max = 300): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\t' ? ' ' : '·'));
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** A readable table per domain: status, check, subject, summary (and the fix under each non-ok line). */
export function formatReportsAsTable(reports: readonly DomainReport[], options: { fixes?: boolean } = {}): string {
  const showFixes = options.fixes ?? true;
  const blocks = reports.map((report) => {
    const worst = worstStatus(report.findings.map((f) => f.status));
    const rows = report.findings.map((f) => [
      LABEL[f.status],
      f.check,
      terminalSafe(f.subject, 80),
      terminalSafe(f.summary),
    ]);
    const widths = [0, 1, 2].map((col) => Math.max(...rows.map((row) => row[col]!.length), 0));
    const lines = [`${report.domain}  [${LABEL[worst]}]  checked ${report.checkedAt}`];
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
