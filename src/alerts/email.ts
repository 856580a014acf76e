import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { ChannelConfig } from '../config/schema.ts';
import type { Channel, Delivery } from './channel.ts';
import { type Digest, renderText } from './digest.ts';
import { escapeHeader, escapeHtml } from './escape.ts';

type EmailConfig = Extract<ChannelConfig, { type: 'email' }>;

const COLOURS: Record<string, string> = {
  regression: '#c0392b',
  new: '#d35400',
  unreachable: '#7f8c8d',
  reminder: '#c0392b',
  expiring: '#b7950b',
  gone: '#7f8c8d',
  recovery: '#1e8449',
  'resolver-down': '#c0392b',
  'resolver-up': '#1e8449',
};

/** The HTML part: the same content as the text part, every string escaped. */
export function renderHtml(digest: Digest): string {
  const parts = [
    '<!doctype html><html><body style="font-family:sans-serif">',
    `<h2>${escapeHtml(digest.title)}</h2>`,
    `<p>${escapeHtml(digest.counts)}</p>`,
  ];
  for (const group of digest.groups) {
    parts.push(`<h3 style="color:${COLOURS[group.type] ?? '#000'}">${escapeHtml(group.heading)}</h3><ul>`);
    for (const item of group.items) {
      const subject = item.subject && item.subject !== item.domain ? ` (<code>${escapeHtml(item.subject)}</code>)` : '';
      parts.push(`<li><b>${escapeHtml(item.domain)}</b>${subject}: ${escapeHtml(item.transition)}<br>`);
      if (item.detail) parts.push(`${escapeHtml(item.detail)}<br>`);
      if (item.before) parts.push(`before: ${escapeHtml(item.before)}<br>`);
      if (item.after) parts.push(`now: ${escapeHtml(item.after)}<br>`);
      if (item.expiresAt) parts.push(`expires: ${escapeHtml(item.expiresAt)}<br>`);
      for (const evidence of item.evidence) parts.push(`<code>${escapeHtml(evidence)}</code><br>`);
      if (item.fix) parts.push(`<i>fix:</i> ${escapeHtml(item.fix)}`);
      parts.push('</li>');
    }
    if (group.more > 0) parts.push(`<li>… and ${group.more} more</li>`);
    parts.push('</ul>');
  }
  parts.push('</body></html>');
  return parts.join('\n');
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
    } finally {
      transport.close();
    }
  }

  secrets(): string[] {
    return this.#config.smtp.password ? [this.#config.smtp.password.reveal()] : [];
  }
}
