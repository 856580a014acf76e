import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/alerts/channel.ts';
import { createChannels } from '../../src/alerts/create-channels.ts';
import { buildDigest } from '../../src/alerts/digest.ts';
import { signature } from '../../src/alerts/webhook.ts';
import { parseConfig } from '../../src/config/load.ts';
import { regressionNotice } from './helpers.ts';
import { startHttpReceiver } from './http-receiver.ts';
import { startSmtpSink } from './smtp-sink.ts';

const logger = pino({ level: 'silent' });

function channelsFrom(yaml: string, env: NodeJS.ProcessEnv): Map<string, Channel> {
  return createChannels(parseConfig(yaml, 'config.yaml', { env }).channels, logger);
}

describe('channels against loopback receivers', () => {
  it('posts a signed webhook the receiver can verify, with an idempotency key', async () => {
    const receiver = await startHttpReceiver();
    try {
      const channels = channelsFrom(
        'channels:\n  hook:\n    type: webhook\n    url: ${HOOK_URL}\n    secret: ${HOOK_SECRET}\n',
        {
          HOOK_URL: `${receiver.url}/hook`,
          HOOK_SECRET: 's3cret-key',
        },
      );
      const notices = [regressionNotice('x.example')];
      await channels.get('hook')!.send({ idempotencyKey: 'abc', route: 'r', digest: buildDigest(notices), notices });
      const [request] = receiver.requests;
      expect(request!.headers['idempotency-key']).toBe('abc');
      const timestamp = request!.headers['x-mailwarden-timestamp'] as string;
      expect(request!.headers['x-mailwarden-signature']).toBe(signature('s3cret-key', timestamp, request!.body));
      expect(JSON.parse(request!.body).notices[0]).toMatchObject({
        type: 'regression',
        domain: 'x.example',
        check: 'dmarc.policy',
      });
    } finally {
      await receiver.close();
    }
  });

  it('sends Slack Block Kit to the webhook URL', async () => {
    const receiver = await startHttpReceiver();
    try {
      const channels = channelsFrom('channels:\n  slack:\n    type: slack\n    url: ${SLACK_URL}\n', {
        SLACK_URL: `${receiver.url}/services/T/B/X`,
      });
      const notices = [regressionNotice('x.example')];
      await channels.get('slack')!.send({ idempotencyKey: 'k', route: 'r', digest: buildDigest(notices), notices });
      const body = JSON.parse(receiver.requests[0]!.body);
      expect(receiver.requests[0]!.path).toBe('/services/T/B/X');
      expect(body.blocks[0].type).toBe('header');
      expect(JSON.stringify(body)).toContain('&lt;!channel&gt;');
      expect(JSON.stringify(body)).not.toContain('<!channel>');
    } finally {
      await receiver.close();
    }
  });

  it('sends an e-mail with text and HTML parts, authenticated, with the idempotency key as Message-ID', async () => {
    const sink = await startSmtpSink();
    try {
      const channels = channelsFrom(
        `channels:\n  mail:\n    type: email\n    smtp: { host: 127.0.0.1, port: ${sink.port}, requireTls: false, user: alerts, password: "\${SMTP_PASSWORD}" }\n    from: mailwarden@example.nl\n    to: [ops@example.nl]\n`,
        { SMTP_PASSWORD: 'pw-123' },
      );
      const notices = [regressionNotice('x.example')];
      await channels.get('mail')!.send({ idempotencyKey: 'key42', route: 'r', digest: buildDigest(notices), notices });
      const [mail] = sink.mails;
      expect(mail!.to).toEqual(['<ops@example.nl>']);
      expect(mail!.auth).toBe('\u0000alerts\u0000pw-123');
      expect(mail!.data).toMatch(/^Message-ID: <key42@mailwarden>/m);
      expect(mail!.data).toMatch(/Content-Type: text\/plain/);
      expect(mail!.data).toMatch(/Content-Type: text\/html/);
      expect(mail!.data).toMatch(/^Subject: (\[mailwarden\] Regression|=\?UTF-8\?)/m);
    } finally {
      await sink.close();
    }
  });
});
