import { html } from '../../report/html.ts';
import { page } from './layout.ts';

/** The report form: a period, an optional tag, a format; the answer is a download. */
export function reportsPage(defaults: { from: string; to: string }, tags: readonly string[], problem?: string): string {
  const body = html`<h1>Reports</h1>
<p>Per domain and standard: the time in compliance, the changes and the open issues over a period, for all domains
or for one tag (a customer). CSV and JSON for spreadsheets and scripts, HTML and PDF to print or hand an auditor.</p>
${problem ? html`<p role="alert" class="s-fail"><strong>${problem}</strong></p>` : ''}
<form class="filters" method="get" action="/reports/download" aria-label="Report">
<label>From (UTC, inclusive)<input type="date" name="from" value="${defaults.from}" required></label>
<label>To (UTC, exclusive)<input type="date" name="to" value="${defaults.to}" required></label>
<label>Tag<input name="tag" list="known-tags" placeholder="all domains"></label>
<datalist id="known-tags">${tags.map((tag) => html`<option value="${tag}"></option>`)}</datalist>
<label>Format<select name="format"><option value="html">HTML (printable)</option><option value="pdf">PDF</option><option value="csv">CSV</option><option value="json">JSON</option></select></label>
<button type="submit">Download report</button>
</form>
<p class="muted">The same from the command line: <code>mailwarden report --from ${defaults.from} --to ${defaults.to} --format pdf</code></p>`;
  return page('Reports', body);
}
