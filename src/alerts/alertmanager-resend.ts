import type { OpenAlertLike, ResendOptions } from './alertmanager.ts';
import { type Channel, scrub } from './channel.ts';
import { WebhookChannel } from './webhook.ts';

export interface ResendOutcome {
  channel: string;
  sent: number;
  /** Why the re-send failed (secrets scrubbed); the next interval tries again. */
  error?: string;
}

/**
 * The daemon's hook, every `alertmanager.resendInterval`: re-sends every open alert to each Alertmanager channel
 * (`webhook` with `format: alertmanager`), one channel after another, each from a fresh stream of the store's
 * `openAlerts()`. A failing channel does not stop the others; nothing is queued (the next interval re-sends anyway).
 */
export async function resendToAlertmanagers(
  channels: ReadonlyMap<string, Channel>,
  openAlerts: () => AsyncIterable<OpenAlertLike>,
  options: Omit<ResendOptions, 'resendInterval' | 'publicUrl'>,
  now: Date,
): Promise<ResendOutcome[]> {
  const outcomes: ResendOutcome[] = [];
  for (const channel of channels.values()) {
    if (!(channel instanceof WebhookChannel) || !channel.isAlertmanager) continue;
    try {
      outcomes.push({ channel: channel.name, sent: await channel.resend(openAlerts(), options, now) });
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error), channel.secrets());
      outcomes.push({ channel: channel.name, sent: 0, error: message });
    }
  }
  return outcomes;
}
