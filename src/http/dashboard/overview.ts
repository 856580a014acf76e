import { STATUSES } from '../../model.ts';
import { type Html, html } from '../../report/html.ts';
import { STANDARD_GROUPS, STANDARDS, STATUS_TEXT } from '../../report/standards.ts';
import type { DomainListPage, DomainListQuery } from '../../state/store.ts';
import { domainPath } from '../links.ts';
import { page, statusBadge, when } from './layout.ts';

export const OVERVIEW_PAGE_SIZE = 50;

type SortKey = NonNullable<DomainListQuery['sort']>;

const SORT_LABELS: Record<SortKey, string> = {
  domain: 'Domain',
  status: 'Status',
  openAlerts: 'Open alerts',
  lastChecked: 'Last check',
};

/** The overview's URL for a query: filters kept, paging and sort changed. */
function overviewUrl(query: DomainListQuery, change: Partial<DomainListQuery>): string {
  const next = { ...query, ...change };
  const params = new URLSearchParams();
  if (next.search) params.set('q', next.search);
  if (next.tag) params.set('tag', next.tag);
  if (next.status) params.set('status', next.status);
  if (next.standard) params.set('standard', next.standard);
  if (next.sort && next.sort !== 'domain') params.set('sort', next.sort);
  if (next.descending) params.set('order', 'desc');
  if (next.offset > 0) params.set('offset', String(next.offset));
  const text = params.toString();
  return text === '' ? '/' : `/?${text}`;
}

function sortHeader(query: DomainListQuery, key: SortKey, rowspan: number): Html {
  const active = (query.sort ?? 'domain') === key;
  const descending = active ? !query.descending : key !== 'domain';
  const ariaSort = active ? (query.descending ? 'descending' : 'ascending') : undefined;
  const arrow = active ? (query.descending ? ' ▼' : ' ▲') : '';
  return html`<th scope="col" rowspan="${rowspan}"${ariaSort ? html` aria-sort="${ariaSort}"` : ''}><a href="${overviewUrl(query, { sort: key, descending, offset: 0 })}">${SORT_LABELS[key]}${arrow}</a></th>`;
}

function option(value: string, label: string, selected: string | undefined): Html {
  return html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;
}

function filters(query: DomainListQuery, tags: readonly string[]): Html {
  return html`<form class="filters" method="get" action="/" role="search" aria-label="Filter domains">
<label>Search<input type="search" name="q" value="${query.search ?? ''}" placeholder="part of a domain name"></label>
<label>Tag<input name="tag" list="known-tags" value="${query.tag ?? ''}" placeholder="any tag"></label>
<datalist id="known-tags">${tags.map((tag) => html`<option value="${tag}"></option>`)}</datalist>
<label>Status<select name="status">${option('', 'any status', query.status)}${STATUSES.map((status) => option(status, STATUS_TEXT[status].text, query.status))}</select></label>
<label>Check<select name="standard">${option('', 'worst of all checks', query.standard)}${STANDARDS.map((s) => option(s.id, s.label, query.standard))}</select></label>
${query.sort && query.sort !== 'domain' ? html`<input type="hidden" name="sort" value="${query.sort}">` : ''}
${query.descending ? html`<input type="hidden" name="order" value="desc">` : ''}
<button type="submit">Apply</button> <a href="/">Clear filters</a>
</form>`;
}

/** The overview: one row per domain, a column per standard grouped as Internet.nl groups them. */
export function overviewPage(query: DomainListQuery, result: DomainListPage, tags: readonly string[]): string {
  const first = result.total === 0 ? 0 : query.offset + 1;
  const last = query.offset + result.rows.length;
  const groups = STANDARD_GROUPS.map(
    (group) => html`<th scope="colgroup" colspan="${group.standards.length}">${group.title}</th>`,
  );
  const standardHeads = STANDARD_GROUPS.flatMap((group) =>
    group.standards.map((s) => html`<th scope="col">${s.label}</th>`),
  );
  const rows = result.rows.map(
    (row) => html`<tr>
<th scope="row"><a href="${domainPath(row.domain)}">${row.domain}</a>${row.tags.length > 0 ? html`<br>${row.tags.map((tag) => html`<span class="tag">${tag}</span>`)}` : ''}</th>
<td>${statusBadge(row.status)}</td>
${STANDARDS.map((s) => html`<td>${statusBadge(row.status === null ? null : (row.standards[s.id] ?? null))}</td>`)}
<td>${row.openAlerts}</td>
<td class="when">${when(row.lastCheckedAt)}</td>
</tr>`,
  );
  const previous =
    query.offset > 0
      ? html`<a href="${overviewUrl(query, { offset: Math.max(0, query.offset - query.limit) })}" rel="prev">← Previous</a>`
      : '';
  const next =
    last < result.total
      ? html`<a href="${overviewUrl(query, { offset: query.offset + query.limit })}" rel="next">Next →</a>`
      : '';
  const body = html`<h1>Domains</h1>
${filters(query, tags)}
<p class="muted" id="count" role="status">${result.total === 0 ? 'No domains match.' : `Domains ${first}–${last} of ${result.total}`}</p>
<table>
<caption class="sr-only">Current status of every domain per standard</caption>
<thead>
<tr class="groups">${sortHeader(query, 'domain', 2)}${sortHeader(query, 'status', 2)}${groups}${sortHeader(query, 'openAlerts', 2)}${sortHeader(query, 'lastChecked', 2)}</tr>
<tr>${standardHeads}</tr>
</thead>
<tbody>
${rows}
</tbody>
</table>
<nav class="pager" aria-label="Pages">${previous}${next}</nav>`;
  return page('Domains', body);
}
