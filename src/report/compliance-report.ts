import type { Status } from '../model.ts';
import type { ComplianceRow, DomainListRow, StateStore } from '../state/store.ts';
import type { HistoryEntry } from '../state/types.ts';
import { STANDARDS, standardOf } from './standards.ts';

/** What a report covers: [from, to), everything or one tag (a customer). */
export interface ReportPeriod {
  from: string;
  to: string;
  tag?: string | undefined;
}

export interface StandardFigure {
  standard: string;
  /** Time in compliance (status ok or info) over the time the status was known; null when never known. */
  percent: number | null;
  compliantMs: number;
  knownMs: number;
  /** Periods the standard was at warn or fail. */
  nonCompliantPeriods: number;
  /** Recorded changes of this standard's checks in the period. */
  changes: number;
  /** The standard's status now. */
  current: Status | null;
}

export interface ReportChange {
  at: string;
  kind: HistoryEntry['kind'];
  check: string;
  subject: string;
  before: Status | null;
  after: Status | null;
  summary: string;
}

export interface ReportIssue {
  check: string;
  subject: string;
  kind: string;
  since: string;
  summary: string;
}

export interface DomainReportRow {
  domain: string;
  tags: string[];
  status: Status | null;
  standards: StandardFigure[];
  changes: ReportChange[];
  openIssues: ReportIssue[];
}

export interface ComplianceReport {
  period: ReportPeriod;
  generatedAt: string;
  summary: {
    domains: number;
    /** Per standard over all domains: summed time in compliance, and domains compliant the whole known time. */
    standards: (Omit<StandardFigure, 'current' | 'nonCompliantPeriods'> & { fullyCompliantDomains: number })[];
    changes: number;
    openIssues: number;
    domainsWithOpenIssues: number;
  };
  domains: DomainReportRow[];
}

/** Domains per listDomains call: few calls (each pays the store's count), bounded rows per call. */
const PAGE = 10_000;

const percentOf = (compliantMs: number, knownMs: number): number | null =>
  knownMs > 0 ? Math.round((compliantMs / knownMs) * 10_000) / 100 : null;

/** Every domain of the report (a tag's, or all), in name order, a page at a time. */
async function reportDomains(store: StateStore, tag: string | undefined): Promise<DomainListRow[]> {
  const rows: DomainListRow[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listDomains({ offset, limit: PAGE, sort: 'domain', ...(tag ? { tag } : {}) });
    rows.push(...page.rows);
    if (page.rows.length < PAGE) return rows;
  }
}

/**
 * Builds a report from the store: per domain and standard the time in compliance, the changes and the open issues.
 * Three queries whatever the number of domains (plus one page of the domain list per 10,000 domains).
 */
export async function buildComplianceReport(
  store: StateStore,
  period: ReportPeriod,
  now: Date = new Date(),
): Promise<ComplianceReport> {
  const rows = await reportDomains(store, period.tag);
  const included = new Set(rows.map((row) => row.domain));
  const compliance = await store.compliance({
    from: period.from,
    to: period.to,
    ...(period.tag ? { tag: period.tag } : {}),
  });
  const figures = new Map<string, Map<string, ComplianceRow>>();
  for (const row of compliance) {
    let byStandard = figures.get(row.domain);
    if (!byStandard) {
      byStandard = new Map();
      figures.set(row.domain, byStandard);
    }
    byStandard.set(row.standard, row);
  }

  const history = await store.readHistory({ since: period.from, until: period.to });
  const changesByDomain = new Map<string, ReportChange[]>();
  for (const entry of history) {
    if (!included.has(entry.domain)) continue;
    let list = changesByDomain.get(entry.domain);
    if (!list) {
      list = [];
      changesByDomain.set(entry.domain, list);
    }
    list.push({
      at: entry.at,
      kind: entry.kind,
      check: entry.check,
      subject: entry.subject,
      before: entry.before?.status ?? null,
      after: entry.after?.status ?? null,
      summary:
        entry.kind === 'record-changed'
          ? `was: ${entry.recordBefore || '(not published)'}; now: ${entry.recordAfter || '(not published)'}`
          : (entry.after?.summary ?? entry.before?.summary ?? ''),
    });
  }
  const issuesByDomain = new Map<string, ReportIssue[]>();
  for await (const open of store.openAlerts()) {
    if (!included.has(open.domain)) continue;
    let list = issuesByDomain.get(open.domain);
    if (!list) {
      list = [];
      issuesByDomain.set(open.domain, list);
    }
    list.push({
      check: open.check,
      subject: open.subject,
      kind: open.alert.kind,
      since: open.alert.since,
      summary: open.alert.change.after?.summary ?? open.alert.change.before?.summary ?? '',
    });
  }

  const totals = STANDARDS.map((standard) => ({
    standard: standard.id,
    compliantMs: 0,
    knownMs: 0,
    changes: 0,
    fullyCompliantDomains: 0,
  }));
  const none = { compliantMs: 0, knownMs: 0, nonCompliantPeriods: 0 };
  const domains = rows.map((row): DomainReportRow => {
    const changes = changesByDomain.get(row.domain) ?? [];
    const changeCounts = new Map<string, number>();
    for (const change of changes) {
      const standard = standardOf(change.check);
      changeCounts.set(standard, (changeCounts.get(standard) ?? 0) + 1);
    }
    const byStandard = figures.get(row.domain);
    const standards = STANDARDS.map((standard, index): StandardFigure => {
      const figure = byStandard?.get(standard.id) ?? none;
      const changeCount = changeCounts.get(standard.id) ?? 0;
      const total = totals[index]!;
      total.compliantMs += figure.compliantMs;
      total.knownMs += figure.knownMs;
      total.changes += changeCount;
      if (figure.knownMs > 0 && figure.compliantMs === figure.knownMs) total.fullyCompliantDomains++;
      return {
        standard: standard.id,
        percent: percentOf(figure.compliantMs, figure.knownMs),
        compliantMs: figure.compliantMs,
        knownMs: figure.knownMs,
        nonCompliantPeriods: figure.nonCompliantPeriods,
        changes: changeCount,
        current: row.standards[standard.id] ?? null,
      };
    });
    return {
      domain: row.domain,
      tags: row.tags,
      status: row.status,
      standards,
      changes,
      openIssues: issuesByDomain.get(row.domain) ?? [],
    };
  });
  const openIssues = domains.reduce((sum, domain) => sum + domain.openIssues.length, 0);
  return {
    period: { from: period.from, to: period.to, ...(period.tag ? { tag: period.tag } : {}) },
    generatedAt: now.toISOString(),
    summary: {
      domains: domains.length,
      standards: totals.map((total) => ({ ...total, percent: percentOf(total.compliantMs, total.knownMs) })),
      changes: domains.reduce((sum, domain) => sum + domain.changes.length, 0),
      openIssues,
      domainsWithOpenIssues: domains.filter((domain) => domain.openIssues.length > 0).length,
    },
    domains,
  };
}
