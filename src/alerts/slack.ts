import { IncomingWebhook } from '@slack/webhook';
import type { Secret } from '../config/secret.ts';
import type { Channel, Delivery } from './channel.ts';
import type { Digest, DigestItem } from './digest.ts';
import { escapeSlack, escapeSlackCode, truncate } from './escape.ts';

const EMOJI: Record<string, string> = {
  regression: ':red_circle:',
  new: ':large_orange_circle:',
  unreachable: ':grey_question:',
  reminder: ':repeat:',
  expiring: ':hourglass_flowing_sand:',
  gone: ':white_circle:',
  recovery: ':large_green_circle:',
  'resolver-down': ':rotating_light:',
  'resolver-up': ':large_green_circle:',
};

/** Slack's limits: 50 blocks per message, 3000 characters per section text, 150 per header. */
const MAX_SECTIONS = 40;
const MAX_SECTION_TEXT = 2900;

type Block = { type: string } & Record<string, unknown>;

/** Block Kit for one digest. Every DNS-sourced string goes through escapeSlack / escapeSlackCode. */
export function renderSlack(digest: Digest): { text: string; blocks: Block[] } {
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`mailwarden: ${digest.title}`, 150), emoji: true } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(digest.counts) }] },
  ];
  for (const group of digest.groups.slice(0, MAX_SECTIONS)) {
    const lines = [`${EMOJI[group.type] ?? ''} *${escapeSlack(group.heading)}*`];
    for (const item of group.items) lines.push(renderItem(item));
    if (group.more > 0) lines.push(`_… and ${group.more} more_`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), MAX_SECTION_TEXT) } });
  }
  if (digest.groups.length > MAX_SECTIONS) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `… and ${digest.groups.length - MAX_SECTIONS} more groups` }],
    });
  }
  return { text: escapeSlack(`mailwarden: ${digest.title} (${digest.counts})`), blocks };
}

function renderItem(item: DigestItem): string {
  const lines: string[] = [];
  const subject = item.subject && item.subject !== item.domain ? ` (\`${escapeSlackCode(item.subject)}\`)` : '';
  lines.push(`• *${escapeSlack(item.domain)}*${subject}: ${escapeSlack(item.transition)}`);
  if (item.detail) lines.push(`    ${escapeSlack(item.detail)}`);
  if (item.before) lines.push(`    before: ${escapeSlack(item.before)}`);
  if (item.after) lines.push(`    now: ${escapeSlack(item.after)}`);
  if (item.expiresAt) lines.push(`    expires: ${escapeSlack(item.expiresAt)}`);
  for (const evidence of item.evidence.slice(0, 3)) lines.push(`    \`${escapeSlackCode(truncate(evidence, 200))}\``);
  if (item.fix) lines.push(`    _fix:_ ${escapeSlack(item.fix)}`);
  return lines.join('\n');
}

export class SlackChannel implements Channel {
  readonly type = 'slack';
  readonly name: string;
  readonly #url: Secret;

  constructor(name: string, url: Secret) {
    this.name = name;
    this.#url = url;
  }

  async send(delivery: Delivery): Promise<void> {
    const webhook = new IncomingWebhook(this.#url.reveal(), { timeout: 10_000 });
    await webhook.send({ ...renderSlack(delivery.digest), unfurl_links: false, unfurl_media: false });
  }

  secrets(): string[] {
    return [this.#url.reveal()];
  }
}
