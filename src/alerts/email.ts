import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { ChannelConfig } from '../config/schema.ts';
import type { Notice } from '../state/types.ts';
import { type Channel, type Delivery, PermanentDeliveryError } from './channel.ts';
import { type Digest, domainList, NOTICE_LABELS, renderText } from './digest.ts';
import { escapeHeader, escapeHtml } from './escape.ts';

type EmailConfig = Extract<ChannelConfig, { type: 'email' }>;

const COLOURS: Record<Notice['type'], string> = {
  regression: '#c0392b',
  baseline: '#c0392b',
  new: '#d35400',
  unreachable: '#7f8c8d',
  reminder: '#c0392b',
  expiring: '#b7950b',
  changed: '#2e86c1',
  gone: '#7f8c8d',
  recovery: '#1e8449',
  'resolver-down': '#c0392b',
  'resolver-up': '#1e8449',
};

const STYLE = `
body{margin:0;padding:12px;font:15px/1.45 -apple-system,'Segoe UI',Roboto,sans-serif;color:#1c2833;background:#f4f6f7;
overflow-wrap:anywhere}
code{word-break:break-all}
.wrap{max-width:760px;margin:0 auto;background:#fff;padding:16px;border-radius:6px}
h1{font-size:20px;margin:0 0 4px} .counts{color:#566573;margin:0 0 12px}
table.summary{border-collapse:collapse;width:100%;table-layout:fixed;margin:0 0 16px;font-size:14px}
table.summary th:first-child{width:34%} table.summary th.t{width:18%} table.summary th.n{width:5.5em}
table.summary th,table.summary td{border-bottom:1px solid #d5d8dc;padding:6px 4px;text-align:left;vertical-align:top}
table.summary td.n{text-align:right;white-space:nowrap}
h2{font-size:16px;margin:20px 0 6px;padding-left:8px;border-left:4px solid}
.domains{font-size:14px;color:#34495e;word-break:break-word}
.item{margin:8px 0 12px;padding:8px;background:#fbfcfc;border:1px solid #e5e8e8;border-radius:4px}
.item .who{font-weight:600;word-break:break-word} .k{color:#566573}
pre.records{margin:6px 0;padding:6px;background:#f2f3f4;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;
white-space:pre-wrap;word-break:break-all}
.fix{margin-top:4px} .more{color:#566573;font-style:italic}
@media (max-width:480px){body{padding:0}.wrap{border-radius:0;padding:10px}table.summary .t{display:none}}
`;

/**
 * The HTML part: a summary table first (one row per group: what, transition, how many domains), then each group
 * with its domains and items; evidence as records in a pre block, not JSON. A viewport and a fluid layout keep it
 * readable on a phone. Every string is escaped.
 */
export function renderHtml(digest: Digest): string {
  const parts = [
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width,initial-scale=1">',
    `<title>${escapeHtml(digest.title)}</title><style>${STYLE}</style></head><body><div class="wrap">`,
    `<h1>${escapeHtml(digest.title)}</h1>`,
    `<p class="counts">${escapeHtml(digest.counts)}</p>`,
  ];
  if (digest.groups.length > 0) {
    parts.push(
      '<table class="summary"><thead><tr><th>What</th><th class="t">Change</th><th>About</th><th class="n">Domains</th></tr></thead><tbody>',
    );
    digest.groups.forEach((group, index) => {
      parts.push(
        `<tr><td><a href="#g${index}" style="color:${COLOURS[group.type]}">${escapeHtml(NOTICE_LABELS[group.type])}</a></td>` +
          `<td class="t">${escapeHtml(group.transition)}</td><td>${escapeHtml(group.what)}</td>` +
          `<td class="n">${group.domains.length}</td></tr>`,
      );
    });
    parts.push('</tbody></table>');
  }
  digest.groups.forEach((group, index) => {
    const colour = COLOURS[group.type];
    parts.push(`<h2 id="g${index}" style="border-color:${colour};color:${colour}">${escapeHtml(group.heading)}</h2>`);
    if (group.cause !== undefined)
      parts.push(
        `<p class="domains"><b>Domains (${group.domains.length}):</b> ${escapeHtml(domainList(group.domains, 200))}</p>`,
      );
    for (const item of group.items) {
      const subject = item.subject && item.subject !== item.domain ? ` <code>${escapeHtml(item.subject)}</code>` : '';
      parts.push(
        `<div class="item"><div class="who">${escapeHtml(item.domain)}${subject}: ${escapeHtml(item.transition)}</div>`,
      );
      if (item.detail) parts.push(`<div>${escapeHtml(item.detail)}</div>`);
      if (item.before) parts.push(`<div><span class="k">before:</span> ${escapeHtml(item.before)}</div>`);
      if (item.after) parts.push(`<div><span class="k">now:</span> ${escapeHtml(item.after)}</div>`);
      if (item.expiresAt) parts.push(`<div><span class="k">expires:</span> ${escapeHtml(item.expiresAt)}</div>`);
      if (item.evidence.length > 0) parts.push(`<pre class="records">${escapeHtml(item.evidence.join('\n'))}</pre>`);
      if (item.fix) parts.push(`<div class="fix"><i>fix:</i> ${escapeHtml(item.fix)}</div>`);
      parts.push('</div>');
    }
    if (group.more > 0) parts.push(`<p class="more">… and ${group.more} more</p>`);
  });
  parts.push('</div></body></html>');
  return parts.join('\n');
}

/** SMTP 5xx (and a refused login) cannot be fixed by sending again; 4xx and network errors can. */
export function smtpFailure(error: unknown): Error {
  const failed = error as { responseCode?: number; response?: string; code?: string; message?: string };
  const code = failed?.responseCode;
  if (typeof code === 'number' && code >= 500 && code < 600)
    return new PermanentDeliveryError(`SMTP server answered ${code}`, String(failed.response ?? failed.message ?? ''));
  if (failed?.code === 'EAUTH')
    return new PermanentDeliveryError('SMTP login refused', String(failed.response ?? failed.message ?? ''));
  return error instanceof Error ? error : new Error(String(error));
}

export class EmailChannel implements Channel {
  readonly type = 'email';
  readonly name: string;
  readonly #config: EmailConfig;

  constructor(name: string, config: EmailConfig) {
    this.name = name;
    this.#config = config;
  }

  async send(delivery: Delivery): Promise<void> {
    const smtp = this.#config.smtp;
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: !smtp.secure && smtp.requireTls,
      ignoreTLS: !smtp.secure && !smtp.requireTls,
      connectionTimeout: smtp.timeout,
      greetingTimeout: smtp.timeout,
      socketTimeout: smtp.timeout,
      ...(smtp.user !== undefined && smtp.password !== undefined
        ? { auth: { user: smtp.user, pass: smtp.password.reveal() } }
        : {}),
      ...(smtp.caFile !== undefined ? { tls: { ca: readFileSync(smtp.caFile, 'utf8') } } : {}),
    });
    try {
      await transport.sendMail({
        from: this.#config.from,
        to: this.#config.to,
        subject: escapeHeader(`${this.#config.subjectPrefix} ${delivery.digest.title}: ${delivery.digest.counts}`),
        messageId: `<${delivery.idempotencyKey}@mailwarden>`,
        headers: { 'X-Mailwarden-Route': escapeHeader(delivery.route) },
        text: renderText(delivery.digest),
        html: renderHtml(delivery.digest),
      });
    } catch (error) {
      throw smtpFailure(error);
    } finally {
      transport.close();
    }
  }

  secrets(): string[] {
    return this.#config.smtp.password ? [this.#config.smtp.password.reveal()] : [];
  }
}
