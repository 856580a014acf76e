import { parseArgs } from 'node:util';
import { scrub } from '../alerts/channel.ts';
import { channelOptionsOf, createChannel } from '../alerts/create-channels.ts';
import { buildDigest } from '../alerts/digest.ts';
import { outboxId } from '../alerts/outbox.ts';
import { createLogger } from '../daemon/logger.ts';
import { say } from '../i18n/say.ts';
import type { Change } from '../model.ts';
import type { Notice } from '../state/types.ts';
import { CONFIG_OPTIONS, loadConfigOrReport } from './load-config.ts';

const HELP = `usage: mailwarden test-alert <channel> [--config FILE]

Sends a sample alert (one regression, one recovery) through the named channel of the configuration, directly
(not through the outbox), and says whether the receiver accepted it.
`;

/** A sample with hostile DNS text, so an operator also sees the escaping work in their medium. */
export function sampleNotices(now: Date): Notice[] {
  const at = now.toISOString();
  const regression: Change = {
    kind: 'regression',
    domain: 'example.nl',
    check: 'dmarc.policy',
    subject: 'example.nl',
    at,
    before: {
      check: 'dmarc.policy',
      subject: 'example.nl',
      status: 'ok',
      ...say('dmarc.policy', 'ok', { domain: 'example.nl', policy: 'reject' }),
      evidence: { record: 'v=DMARC1; p=reject; rua=mailto:dmarc@example.nl' },
    },
    after: {
      check: 'dmarc.policy',
      subject: 'example.nl',
      status: 'warn',
      ...say('dmarc.policy', 'policy-none', { domain: 'example.nl', tag: 'p' }),
      evidence: { record: 'v=DMARC1; p=none; <!channel> <script>alert(1)</script>' },
    },
  };
  const recovery: Change = {
    kind: 'recovery',
    domain: 'example.org',
    check: 'starttls.offered',
    subject: 'mx1.example.org',
    at,
    before: {
      check: 'starttls.offered',
      subject: 'mx1.example.org',
      status: 'fail',
      ...say('starttls.offered', 'not-offered', {}),
      evidence: {},
    },
    after: {
      check: 'starttls.offered',
      subject: 'mx1.example.org',
      status: 'ok',
      ...say('starttls.offered', 'ok', { version: 'TLSv1.3' }),
      evidence: { banner: '220 mx1.example.org ESMTP' },
    },
  };
  return [
    { key: `test|${at}|1`, type: 'regression', change: regression, tags: ['sample'], at },
    { key: `test|${at}|2`, type: 'recovery', change: recovery, tags: ['sample'], at },
  ];
}

export async function testAlertCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: CONFIG_OPTIONS,
  });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(HELP);
    return values.help ? 0 : 3;
  }
  const config = loadConfigOrReport(values.config);
  if (!config) return 3;
  const name = positionals[0]!;
  const channelConfig = config.channels[name];
  if (!channelConfig) {
    process.stderr.write(
      `no channel named "${name}" (defined: ${Object.keys(config.channels).join(', ') || 'none'})\n`,
    );
    return 3;
  }
  const logger = createLogger(config.log.level, process.stderr, config.log.format);
  const channel = createChannel(name, channelConfig, logger, channelOptionsOf(config));
  const notices = sampleNotices(new Date());
  try {
    await channel.send({
      idempotencyKey: outboxId('test-alert', name, notices),
      route: 'test-alert',
      digest: buildDigest(notices, { language: channel.language ?? 'en' }),
      notices,
    });
  } catch (error) {
    process.stderr.write(
      `${name}: sending failed: ${scrub(error instanceof Error ? error.message : String(error), channel.secrets())}\n`,
    );
    return 1;
  }
  process.stdout.write(`${name}: sample alert accepted by the ${channel.type} receiver\n`);
  return 0;
}
