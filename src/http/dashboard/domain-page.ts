import type { Status } from '../../model.ts';
import { type Html, html } from '../../report/html.ts';
import { STANDARDS, standardLabel, standardOf } from '../../report/standards.ts';
import type { DomainListRow, RecordVersion } from '../../state/store.ts';
import type { DomainState, HistoryEntry, TrackedFinding } from '../../state/types.ts';
import { complianceChart } from './chart.ts';
import { page, statusBadge, when } from './layout.ts';

export const COMPLIANCE_WINDOWS = [
  { label: '30 days', days: 30 },
  { label: '90 days', days: 90 },
  { label: '365 days', days: 365 },
] as const;

export interface DomainPageData {
  row: DomainListRow;
  state?: DomainState | undefined;
  /** Newest first. */
  history: readonly HistoryEntry[];
  records: readonly RecordVersion[];
  /** Per window (COMPLIANCE_WINDOWS order): standard → percent, absent when never known. */
  compliance: readonly Map<string, number>[];
}

const MAX_EVIDENCE_CHARS = 4000;

function evidenceText(evidence: unknown): string {
  const text = JSON.stringify(evidence, null, 2) ?? '';
  return text.length > MAX_EVIDENCE_CHARS ? `${text.slice(0, MAX_EVIDENCE_CHARS - 1)}…` : text;
}

function findingBlock(tracked: TrackedFinding): Html {
  const finding = tracked.confirmed;
  if (!finding) {
    return html`<li><p>${statusBadge(null)} being confirmed: ${tracked.pending?.finding?.check ?? ''} ${tracked.pending?.finding?.subject ?? ''}</p></li>`;
  }
  const hasEvidence = Object.keys(finding.evidence ?? {}).length > 0;
  return html`<li>
<p>${statusBadge(finding.status)} <code>${finding.check}</code> on <strong>${finding.subject}</strong>: ${finding.summary}</p>
${finding.fix && finding.status !== 'ok' ? html`<p class="fix"><strong>How to fix:</strong> ${finding.fix}</p>` : ''}
${tracked.open ? html`<p><strong>Open alert</strong> (${tracked.open.kind}) since ${when(tracked.open.since)}</p>` : ''}
${tracked.pending ? html`<p class="muted">Seen ${tracked.pending.count}× as ${tracked.pending.status} since ${when(tracked.pending.since)}, not yet confirmed.</p>` : ''}
${finding.expiresAt ? html`<p class="muted">Stays ok until ${when(finding.expiresAt)} unless renewed.</p>` : ''}
${hasEvidence ? html`<details><summary>Evidence</summary><pre>${evidenceText(finding.evidence)}</pre></details>` : ''}
</li>`;
}

function standardSection(id: string, why: string | undefined, status: Status | null, findings: TrackedFinding[]): Html {
  return html`<section class="standard" id="${id}" aria-labelledby="h-${id}">
<h3 id="h-${id}">${standardLabel(id)} ${statusBadge(status)}</h3>
${why ? html`<p class="muted">${why}</p>` : ''}
${findings.length === 0 ? html`<p>No findings yet.</p>` : html`<ul>${findings.map(findingBlock)}</ul>`}
</section>`;
}

/** What is wrong now, worst first, each with its fix and a link to its standard's section. */
function attention(state: DomainState | undefined): Html {
  const rank: Record<string, number> = { fail: 0, warn: 1, error: 2 };
  const findings = Object.values(state?.findings ?? {})
    .flatMap((tracked) => (tracked.confirmed && tracked.confirmed.status in rank ? [tracked.confirmed] : []))
    .sort((a, b) => rank[a.status]! - rank[b.status]! || a.check.localeCompare(b.check));
  if (findings.length === 0) return html`<p id="attention">Nothing: every confirmed finding is ok.</p>`;
  return html`<ul id="attention">${findings.map(
    (finding) =>
      html`<li>${statusBadge(finding.status)} <a href="#${standardOf(finding.check)}">${standardLabel(standardOf(finding.check))}</a>: ${finding.summary}${finding.fix ? html` <span class="muted">Fix: ${finding.fix}</span>` : ''}</li>`,
  )}</ul>`;
}

/** A published record that changed: no status of its own, the record before and after. */
function recordChange(entry: HistoryEntry): Html {
  return html`<td>record changed</td><td>was <code>${published(entry.recordBefore)}</code><br>now <code>${published(entry.recordAfter)}</code></td>`;
}

const published = (value: string | undefined) => (value === undefined || value === '' ? '(not published)' : value);

function historyTable(history: readonly HistoryEntry[]): Html {
  if (history.length === 0) return html`<p>No recorded changes in the last 365 days.</p>`;
  return html`<table id="timeline"><caption class="sr-only">Changes, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Change</th><th scope="col">Check</th><th scope="col">Subject</th><th scope="col">Before → after</th><th scope="col">What</th></tr></thead>
<tbody>${history.map(
    (
      entry,
    ) => html`<tr><td class="when">${when(entry.at)}</td><td>${entry.kind}</td><td><code>${entry.check}</code></td><td>${entry.subject}</td>
${entry.kind === 'record-changed' ? recordChange(entry) : html`<td>${statusBadge(entry.before?.status ?? null)} → ${statusBadge(entry.after?.status ?? null)}</td><td>${entry.after?.summary ?? entry.before?.summary ?? ''}</td>`}</tr>`,
  )}</tbody></table>`;
}

function recordsTable(records: readonly RecordVersion[]): Html {
  if (records.length === 0) return html`<p>No published records recorded yet.</p>`;
  return html`<table id="records"><caption class="sr-only">Published records, newest first</caption>
<thead><tr><th scope="col">Record</th><th scope="col">Of</th><th scope="col">Value</th><th scope="col">First seen</th><th scope="col">Last seen</th></tr></thead>
<tbody>${records.map(
    (record) =>
      html`<tr><td>${record.kind}</td><td>${record.subject}</td><td><pre>${published(record.value)}</pre></td><td>${when(record.firstSeen)}</td><td>${when(record.lastSeen)}</td></tr>`,
  )}</tbody></table>`;
}

/** A domain's page: findings per standard with why, fix and evidence; compliance chart; changes; record versions. */
export function domainPage(data: DomainPageData): string {
  const { row, state } = data;
  const byStandard = new Map<string, TrackedFinding[]>();
  for (const tracked of Object.values(state?.findings ?? {})) {
    const check = tracked.confirmed?.check ?? tracked.pending?.finding?.check;
    if (!check) continue;
    const id = standardOf(check);
    let list = byStandard.get(id);
    if (!list) {
      list = [];
      byStandard.set(id, list);
    }
    list.push(tracked);
  }
  const known = new Set(STANDARDS.map((s) => s.id));
  const others = [...byStandard.keys()].filter((id) => !known.has(id)).sort();
  const sections = [
    ...STANDARDS.map((s) => standardSection(s.id, s.why, row.standards[s.id] ?? null, byStandard.get(s.id) ?? [])),
    ...others.map((id) => standardSection(id, undefined, row.standards[id] ?? null, byStandard.get(id)!)),
  ];
  const windows = COMPLIANCE_WINDOWS.map((w) => w.label);
  const series = STANDARDS.map((s) => ({
    label: s.label,
    values: data.compliance.map((window) => window.get(s.id) ?? null),
  }));
  const complianceTable = html`<table class="sr-only"><caption>Time in compliance</caption><thead><tr><th scope="col">Standard</th>${windows.map((w) => html`<th scope="col">${w}</th>`)}</tr></thead>
<tbody>${series.map((s) => html`<tr><th scope="row">${s.label}</th>${s.values.map((v) => html`<td>${v === null ? 'no data' : `${v.toFixed(1)} %`}</td>`)}</tr>`)}</tbody></table>`;
  const body = html`<p><a href="/">← All domains</a></p>
<h1>${row.domain}</h1>
<dl class="facts">
<dt>Status</dt><dd id="domain-status">${statusBadge(row.status)}</dd>
<dt>Tags</dt><dd>${row.tags.length > 0 ? row.tags.join(', ') : '—'}</dd>
<dt>Open alerts</dt><dd>${row.openAlerts}</dd>
<dt>Last check</dt><dd>${when(row.lastCheckedAt)}</dd>
<dt>Next check</dt><dd>${when(row.nextDueAt)}</dd>
</dl>
<h2>Needs attention</h2>
${attention(state)}
<h2>Time in compliance</h2>
<div class="chart">${complianceChart(windows, series)}</div>
${complianceTable}
<h2>Findings per standard</h2>
${sections}
<h2>Timeline of changes</h2>
${historyTable(data.history)}
<h2>Published records</h2>
${recordsTable(data.records)}`;
  return page(row.domain, body);
}
