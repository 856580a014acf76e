import { createHmac } from 'node:crypto';
import type { ChannelConfig } from '../config/schema.ts';
import type { Notice } from '../state/types.ts';
import type { Channel, Delivery } from './channel.ts';
import { renderText } from './digest.ts';

type WebhookConfig = Extract<ChannelConfig, { type: 'webhook' }>;

/** `sha256=<hex>` of HMAC-SHA256(secret, timestamp + "." + body): the receiver recomputes and compares. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Our own JSON shape: the notices as data, plus the rendered text. */
export function jsonPayload(delivery: Delivery): unknown {
  return {
    id: delivery.idempotencyKey,
    route: delivery.route,
    title: delivery.digest.title,
    counts: delivery.digest.counts,
    text: renderText(delivery.digest),
    notices: delivery.notices.map((notice) => ({
      type: notice.type,
      at: notice.at,
      domain: notice.change?.domain,
      check: notice.change?.check,
      subject: notice.change?.subject,
      before: notice.change?.before,
      after: notice.change?.after,
      tags: notice.tags,
      detail: notice.detail,
    })),
  };
}

const RESOLVED: ReadonlySet<Notice['type']> = new Set(['recovery', 'gone', 'resolver-up']);

/** Prometheus Alertmanager `POST /api/v2/alerts` body: one alert per notice; resolved ones carry endsAt. */
export function alertmanagerPayload(delivery: Delivery): unknown {
  return delivery.notices.map((notice) => {
    const change = notice.change;
    const finding = change?.after ?? change?.before;
    const resolved = RESOLVED.has(notice.type);
    const labels: Record<string, string> = {
      alertname: notice.type.startsWith('resolver') ? 'MailwardenResolver' : 'MailwardenRegression',
      severity: notice.type.startsWith('resolver') ? 'critical' : finding?.status === 'fail' ? 'critical' : 'warning',
    };
    if (change) Object.assign(labels, { domain: change.domain, check: change.check, subject: change.subject });
    return {
      labels,
      annotations: {
        summary: finding?.summary ?? notice.detail ?? notice.type,
        ...(finding?.fix ? { fix: finding.fix } : {}),
        kind: notice.type,
      },
      startsAt: notice.at,
      ...(resolved ? { endsAt: notice.at } : {}),
    };
  });
}

export class WebhookChannel implements Channel {
  readonly type = 'webhook';
  readonly name: string;
  readonly #config: WebhookConfig;

  constructor(name: string, config: WebhookConfig) {
    this.name = name;
    this.#config = config;
  }

  async send(delivery: Delivery): Promise<void> {
    const body = JSON.stringify(
      this.#config.format === 'alertmanager' ? alertmanagerPayload(delivery) : jsonPayload(delivery),
    );
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      ...Object.fromEntries(Object.entries(this.#config.headers).map(([name, value]) => [name, value.reveal()])),
      'content-type': 'application/json',
      'user-agent': 'mailwarden',
      'idempotency-key': delivery.idempotencyKey,
      'x-mailwarden-timestamp': timestamp,
    };
    if (this.#config.secret)
      headers['x-mailwarden-signature'] = signature(this.#config.secret.reveal(), timestamp, body);
    const response = await fetch(this.#config.url.reveal(), {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.#config.timeout),
      redirect: 'error',
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`webhook answered HTTP ${response.status}`);
  }

  secrets(): string[] {
    return [
      this.#config.url.reveal(),
      ...(this.#config.secret ? [this.#config.secret.reveal()] : []),
      ...Object.values(this.#config.headers).map((value) => value.reveal()),
    ];
  }
}
