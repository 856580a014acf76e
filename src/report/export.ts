import type { StateStore } from '../state/store.ts';
import { buildComplianceReport, type ReportPeriod } from './compliance-report.ts';
import { htmlToPdf } from './pdf.ts';
import { type ReportFormat, reportCsv, reportHtml, reportJson } from './render-report.ts';

export interface ReportFile {
  body: string | Buffer;
  contentType: string;
  filename: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

/** `mailwarden-report-2026-01-01_2026-04-01[-tag].csv`: the tag made filename-safe. */
export function reportFilename(period: ReportPeriod, format: ReportFormat): string {
  const tag = period.tag ? `-${period.tag.replace(/[^A-Za-z0-9_-]+/g, '_')}` : '';
  return `mailwarden-report-${period.from.slice(0, 10)}_${period.to.slice(0, 10)}${tag}.${format}`;
}

/** The report of a period in one format: what the command writes and the dashboard downloads. */
export async function exportReport(
  store: StateStore,
  period: ReportPeriod,
  format: ReportFormat,
  now: Date = new Date(),
): Promise<ReportFile> {
  const report = await buildComplianceReport(store, period, now);
  const body =
    format === 'csv'
      ? reportCsv(report)
      : format === 'json'
        ? reportJson(report)
        : format === 'html'
          ? reportHtml(report)
          : await htmlToPdf(reportHtml(report));
  return { body, contentType: CONTENT_TYPES[format], filename: reportFilename(period, format) };
}

/**
 * A period from user input: `from` and `to` as ISO dates or times (a bare date is midnight UTC; `to` is exclusive).
 * Returns the problem as a string.
 */
export function parsePeriod(from: string | undefined, to: string | undefined, tag?: string): ReportPeriod | string {
  if (!from || !to) return 'both --from and --to are needed, e.g. --from 2026-01-01 --to 2026-04-01';
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start)) return `--from: "${from}" is not an ISO 8601 date`;
  if (Number.isNaN(end)) return `--to: "${to}" is not an ISO 8601 date`;
  if (end <= start) return '--to must be after --from';
  return {
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    ...(tag?.trim() ? { tag: tag.trim() } : {}),
  };
}
