import { IncomingWebhook } from '@slack/webhook';
import type { Secret } from '../config/secret.ts';
import { type Channel, type Delivery, httpFailure, PermanentDeliveryError } from './channel.ts';
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
  baseline: ':red_circle:',
  changed: ':pencil2:',
};

/**
 * Slack's limits: 3,000 characters per section text, 50 blocks per message, 150 per header; a message whose blocks
 * hold much more text is refused (`msg_blocks_too_long`; 31,943 characters was). We stay well below each.
 */
export const SLACK_LIMITS = { sectionText: 2_900, sectionsPerMessage: 40, messageText: 12_000, header: 150 };

type Block = { type: string } & Record<string, unknown>;
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/**
 * Block Kit for one digest, split into as many messages as Slack's limits need. A group too long for one section
 * continues in the next; a single item too long for a section is shortened (the item, never the list); the
 * "… and N more" line is its own piece, so it survives any cut. Every DNS-sourced string goes through escapeSlack /
 * escapeSlackCode.
 */
export function renderSlackMessages(digest: Digest, limits = SLACK_LIMITS): SlackMessage[] {
  const sections: string[] = [];
  for (const group of digest.groups) {
    const head = `${EMOJI[group.type] ?? ''} *${escapeSlack(group.heading)}*`;
    const pieces: string[] = [];
    if (group.cause !== undefined) pieces.push(...domainPieces(group.domains, limits.sectionText - head.length - 20));
    for (const item of group.items) pieces.push(truncate(renderItem(item), limits.sectionText - head.length - 20));
    if (group.more > 0) pieces.push(`_… and ${group.more} more_`);
    let current = head;
    for (const piece of pieces) {
      if (current.length + 1 + piece.length > limits.sectionText) {
        sections.push(current);
        current = `${head} _(continued)_`;
      }
      current += `\n${piece}`;
    }
    sections.push(current);
  }
  const bodies: string[][] = [];
  let body: string[] = [];
  let size = 0;
  for (const section of sections) {
    if (body.length > 0 && (body.length >= limits.sectionsPerMessage || size + section.length > limits.messageText)) {
      bodies.push(body);
      body = [];
      size = 0;
    }
    body.push(section);
    size += section.length;
  }
  bodies.push(body);
  return bodies.map((sectionTexts, index) => {
    const part = bodies.length > 1 ? ` (${index + 1}/${bodies.length})` : '';
    const blocks: Block[] = [
      {
        type: 'header',
        text: { type: 'plain_text', text: truncate(`mailwarden: ${digest.title}${part}`, limits.header), emoji: true },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: escapeSlack(digest.counts) }] },
      ...sectionTexts.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    ];
    return { text: escapeSlack(`mailwarden: ${digest.title}${part} (${digest.counts})`), blocks };
  });
}

/** The first message only (tests and callers that expect one). */
export function renderSlack(digest: Digest): SlackMessage {
  return renderSlackMessages(digest)[0]!;
}

/**
 * The domains a root cause hits, as lines that each fit a section: the first `SLACK_DOMAINS_LISTED`, then "… and N
 * more domains" (5,000 domains on one broken MX stay one message; the e-mail and the API list more).
 */
export const SLACK_DOMAINS_LISTED = 100;

function domainPieces(domains: readonly string[], maxLength: number): string[] {
  const pieces: string[] = [];
  let line = `*Domains (${domains.length}):*`;
  for (const domain of domains.slice(0, SLACK_DOMAINS_LISTED)) {
    const name = escapeSlack(domain);
    if (line.length + name.length + 2 > maxLength) {
      pieces.push(line);
      line = name;
    } else line += line.endsWith(':*') ? ` ${name}` : `, ${name}`;
  }
  pieces.push(line);
  if (domains.length > SLACK_DOMAINS_LISTED)
    pieces.push(`_… and ${domains.length - SLACK_DOMAINS_LISTED} more domains_`);
  return pieces;
}

function renderItem(item: DigestItem): string {
  const lines: string[] = [];
  const subject = item.subject && item.subject !== item.domain ? ` (\`${escapeSlackCode(item.subject)}\`)` : '';
  lines.push(`• *${escapeSlack(item.domain)}*${subject}: ${escapeSlack(item.transition)}`);
  if (item.detail) lines.push(`    ${escapeSlack(item.detail)}`);
  if (item.before) lines.push(`    before: ${escapeSlack(truncate(item.before, 500))}`);
  if (item.after) lines.push(`    now: ${escapeSlack(truncate(item.after, 500))}`);
  if (item.expiresAt) lines.push(`    expires: ${escapeSlack(item.expiresAt)}`);
  for (const evidence of item.evidence.slice(0, 4)) lines.push(`    \`${escapeSlackCode(truncate(evidence, 200))}\``);
  if (item.fix) lines.push(`    _fix:_ ${escapeSlack(item.fix)}`);
  return lines.join('\n');
}

/** Slack's answers that no retry can change: a revoked or unknown webhook, a message it will never accept. */
const PERMANENT_SLACK_REASONS =
  /invalid_blocks|invalid_payload|no_text|msg_too_long|msg_blocks_too_long|no_service|no_team|team_disabled|channel_is_archived|action_prohibited|posting_to_general_channel_denied|invalid_token/;

/** Classifies a failed Slack post: permanent with Slack's own reason, or transient (network, 5xx, 408, 429). */
export function slackFailure(error: unknown): Error {
  const failed = error as { statusCode?: number; body?: unknown; message?: string };
  if (typeof failed?.statusCode === 'number') {
    const body = typeof failed.body === 'string' ? failed.body : JSON.stringify(failed.body ?? '');
    const failure = httpFailure('Slack', failed.statusCode, body);
    if (failure instanceof PermanentDeliveryError || !PERMANENT_SLACK_REASONS.test(body)) return failure;
    return new PermanentDeliveryError(`Slack answered HTTP ${failed.statusCode}`, body.trim().slice(0, 300));
  }
  return error instanceof Error ? error : new Error(String(error));
}

export class SlackChannel implements Channel {
  readonly type = 'slack';
  readonly name: string;
  readonly #url: Secret;
  readonly #timeoutMs: number;

  constructor(name: string, url: Secret, timeoutMs = 10_000) {
    this.name = name;
    this.#url = url;
    this.#timeoutMs = timeoutMs;
  }

  /** Sends every part in order; a failure in the middle fails the delivery (the whole digest is retried). */
  async send(delivery: Delivery): Promise<void> {
    const webhook = new IncomingWebhook(this.#url.reveal(), { timeout: this.#timeoutMs });
    for (const message of renderSlackMessages(delivery.digest)) {
      try {
        await webhook.send({ ...message, unfurl_links: false, unfurl_media: false });
      } catch (error) {
        throw slackFailure(error);
      }
    }
  }

  secrets(): string[] {
    return [this.#url.reveal()];
  }
}
