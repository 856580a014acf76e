import type { Status } from '../../model.ts';
import { type Html, html } from '../../report/html.ts';
import { STATUS_TEXT } from '../../report/standards.ts';

/** A whole dashboard page: no script at all (filters are forms, sorting is links), one stylesheet. */
export function page(title: string, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · mailwarden</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/">mailwarden</a><nav aria-label="Main"><a href="/">Domains</a> · <a href="/reports">Reports</a></nav></header>
<main id="main">
${body}
</main>
</body>
</html>
`.text;
}

/** A status as icon AND text (never colour or icon alone). */
export function statusBadge(status: Status | null | undefined): Html {
  const key = status ?? 'unchecked';
  const { icon, text } = STATUS_TEXT[key];
  return html`<span class="status s-${key}"><span class="icon" aria-hidden="true">${icon}</span> ${text}</span>`;
}

/** `2026-11-29 21:04 UTC`, or a dash. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '—';
}
