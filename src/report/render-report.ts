import type { ComplianceReport, StandardFigure } from './compliance-report.ts';
import { csvLine } from './csv.ts';
import { escapeHtml } from './html.ts';
import { STATUS_TEXT, standardLabel, standardOf } from './standards.ts';

export const REPORT_FORMATS = ['csv', 'json', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const hours = (ms: number) => Math.round((ms / 3_600_000) * 100) / 100;
const percentText = (percent: number | null) => (percent === null ? 'n/a' : `${percent.toFixed(2)} %`);

/** One row per domain and standard: what a spreadsheet user filters and pivots. */
export function reportCsv(report: ComplianceReport): string {
  let out = csvLine([
    'domain',
    'tags',
    'standard',
    'compliance_percent',
    'compliant_hours',
    'known_hours',
    'non_compliant_periods',
    'changes',
    'status_now',
    'open_issues',
  ]);
  for (const domain of report.domains) {
    for (const figure of domain.standards) {
      const issues = domain.openIssues.filter((issue) => standardOf(issue.check) === figure.standard).length;
      out += csvLine([
        domain.domain,
        domain.tags.join(' '),
        figure.standard,
        figure.percent,
        hours(figure.compliantMs),
        hours(figure.knownMs),
        figure.nonCompliantPeriods,
        figure.changes,
        figure.current ?? 'unchecked',
        issues,
      ]);
    }
  }
  return out;
}

export function reportJson(report: ComplianceReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const day = (iso: string) => iso.slice(0, 10);
const e = escapeHtml;

function figureCell(figure: StandardFigure): string {
  const status = STATUS_TEXT[figure.current ?? 'unchecked'];
  return `<td>${percentText(figure.percent)}<br><small>${status.icon} now ${e(status.text)}${
    figure.changes > 0 ? `, ${figure.changes} change${figure.changes === 1 ? '' : 's'}` : ''
  }</small></td>`;
}

/**
 * A printable report for an auditor: the period and scope, a summary per standard, then per domain the time in
 * compliance, the changes and the open issues. Self-contained (inline CSS, no script), A4.
 */
export function reportHtml(report: ComplianceReport): string {
  const { period, summary } = report;
  const scope = period.tag ? `domains tagged “${e(period.tag)}”` : 'all domains';
  const standards = summary.standards;
  const summaryRows = standards
    .map(
      (s) =>
        `<tr><th scope="row">${e(standardLabel(s.standard))}</th><td>${percentText(s.percent)}</td>` +
        `<td>${s.fullyCompliantDomains} of ${summary.domains}</td><td>${s.changes}</td></tr>`,
    )
    .join('');
  const domainSections = report.domains
    .map((domain) => {
      const changes =
        domain.changes.length === 0
          ? '<p>No changes in this period.</p>'
          : `<table><caption>Changes</caption><thead><tr><th scope="col">When (UTC)</th><th scope="col">Check</th><th scope="col">Subject</th><th scope="col">Status</th><th scope="col">What</th></tr></thead><tbody>${domain.changes
              .map(
                (c) =>
                  `<tr><td>${e(c.at.replace('T', ' ').slice(0, 16))}</td><td>${e(c.check)}</td><td>${e(c.subject)}</td>` +
                  `<td>${e(c.before ?? '—')} → ${e(c.after ?? '—')}</td><td>${e(c.summary)}</td></tr>`,
              )
              .join('')}</tbody></table>`;
      const issues =
        domain.openIssues.length === 0
          ? '<p>No open issues.</p>'
          : `<table><caption>Open issues</caption><thead><tr><th scope="col">Check</th><th scope="col">Subject</th><th scope="col">Since</th><th scope="col">What</th></tr></thead><tbody>${domain.openIssues
              .map(
                (i) =>
                  `<tr><td>${e(i.check)}</td><td>${e(i.subject)}</td><td>${e(day(i.since))}</td><td>${e(i.summary)}</td></tr>`,
              )
              .join('')}</tbody></table>`;
      return `<section class="domain"><h3>${e(domain.domain)}</h3>${
        domain.tags.length > 0 ? `<p class="tags">Tags: ${e(domain.tags.join(', '))}</p>` : ''
      }<table><caption>Time in compliance</caption><thead><tr>${domain.standards
        .map((f) => `<th scope="col">${e(standardLabel(f.standard))}</th>`)
        .join(
          '',
        )}</tr></thead><tbody><tr>${domain.standards.map(figureCell).join('')}</tr></tbody></table>${changes}${issues}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Mail security compliance report ${e(day(period.from))} – ${e(day(period.to))}</title>
<style>
@page { size: A4; margin: 16mm 14mm; }
body { font: 10.5pt/1.4 system-ui, sans-serif; color: #111; margin: 0 auto; max-width: 60rem; padding: 1rem; }
h1 { font-size: 18pt; margin: 0 0 .3rem; } h2 { font-size: 14pt; margin-top: 1.5rem; } h3 { font-size: 12pt; margin: 1.2rem 0 .3rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; } caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border: 1px solid #999; padding: .25rem .4rem; text-align: left; vertical-align: top; font-size: 9.5pt; }
thead th { background: #eee; } small { color: #333; } .tags { margin: 0; color: #333; }
section.domain { break-inside: avoid-page; } .meta { color: #333; }
@media print { body { padding: 0; } h2 { break-before: auto; } }
</style></head>
<body>
<h1>Mail security compliance report</h1>
<p class="meta">Period ${e(day(period.from))} to ${e(day(period.to))} (UTC, end exclusive) · ${scope} · generated ${e(report.generatedAt.replace('T', ' ').slice(0, 16))} UTC by mailwarden</p>
<h2>Summary</h2>
<p>${summary.domains} domain${summary.domains === 1 ? '' : 's'}; ${summary.changes} recorded change${summary.changes === 1 ? '' : 's'} in the period; ${summary.openIssues} open issue${summary.openIssues === 1 ? '' : 's'} on ${summary.domainsWithOpenIssues} domain${summary.domainsWithOpenIssues === 1 ? '' : 's'} now.</p>
<table><caption>Per standard, over all domains</caption>
<thead><tr><th scope="col">Standard</th><th scope="col">Time in compliance</th><th scope="col">Domains compliant all period</th><th scope="col">Changes</th></tr></thead>
<tbody>${summaryRows}</tbody></table>
<p class="meta">Time in compliance is the time a standard's status was ok, over the time its status was known (checks that could not determine a status are left out). Open periods count up to the end of the period or now.</p>
<h2>Per domain</h2>
${domainSections}
</body></html>
`;
}
