import { createHmac } from 'node:crypto';
import type { ChannelConfig } from '../config/schema.ts';
import {
  type AlertmanagerOptions,
  alertmanagerAlerts,
  type OpenAlertLike,
  type PostableAlert,
  type ResendOptions,
  resendOpenAlerts,
} from './alertmanager.ts';
import { type Channel, type Delivery, httpFailure } from './channel.ts';
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
      worker: notice.worker,
      alert: notice.change?.alert,
      record: notice.change?.record,
    })),
  };
}

export class WebhookChannel implements Channel {
  readonly type = 'webhook';
  readonly name: string;
  readonly #config: WebhookConfig;
  readonly #alertmanager: AlertmanagerOptions;

  constructor(name: string, config: WebhookConfig, alertmanager: AlertmanagerOptions = { resendInterval: 60_000 }) {
    this.name = name;
    this.#config = config;
    this.#alertmanager = alertmanager;
  }

  /** `format: alertmanager`: open alerts must be re-sent every resendInterval (see resend). */
  get isAlertmanager(): boolean {
    return this.#config.format === 'alertmanager';
  }

  async send(delivery: Delivery): Promise<void> {
    if (this.isAlertmanager) {
      const alerts = alertmanagerAlerts(delivery.notices, this.#alertmanager, new Date());
      if (alerts.length > 0) await this.#post(JSON.stringify(alerts), delivery.idempotencyKey);
      return;
    }
    await this.#post(JSON.stringify(jsonPayload(delivery)), delivery.idempotencyKey);
  }

  /** Re-sends every open alert to Alertmanager (the daemon calls it every alertmanager.resendInterval). */
  async resend(
    open: AsyncIterable<OpenAlertLike>,
    options: Omit<ResendOptions, 'resendInterval' | 'publicUrl'> = {},
    now = new Date(),
  ): Promise<number> {
    const post = (alerts: PostableAlert[]) => this.#post(JSON.stringify(alerts), `resend-${now.getTime()}`);
    return resendOpenAlerts(open, post, { ...this.#alertmanager, ...options }, now);
  }

  async #post(body: string, idempotencyKey: string): Promise<void> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      ...Object.fromEntries(Object.entries(this.#config.headers).map(([name, value]) => [name, value.reveal()])),
      'content-type': 'application/json',
      'user-agent': 'mailwarden',
      'idempotency-key': idempotencyKey,
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
    if (response.ok) {
      await response.body?.cancel();
      return;
    }
    const reason = await response.text().catch(() => '');
    throw httpFailure('webhook', response.status, reason);
  }

  secrets(): string[] {
    return [
      this.#config.url.reveal(),
      ...(this.#config.secret ? [this.#config.secret.reveal()] : []),
      ...Object.values(this.#config.headers).map((value) => value.reveal()),
    ];
  }
}
