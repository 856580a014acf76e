import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Channel } from '../../src/alerts/channel.ts';
import { isPermanentHttpStatus, PermanentDeliveryError } from '../../src/alerts/channel.ts';
import { createChannels } from '../../src/alerts/create-channels.ts';
import { buildDigest } from '../../src/alerts/digest.ts';
import { parseConfig } from '../../src/config/load.ts';
import { regressionNotice } from './helpers.ts';
import { startHttpReceiver } from './http-receiver.ts';
import { startSmtpSink } from './smtp-sink.ts';

const logger = pino({ level: 'silent' });
const notices = [regressionNotice('x.example')];
const delivery = { idempotencyKey: 'k', route: 'r', digest: buildDigest(notices), notices };

function channel(yaml: string, env: NodeJS.ProcessEnv): Channel {
  const channels = createChannels(parseConfig(yaml, 'config.yaml', { env }).channels, logger);
  return [...channels.values()][0]!;
}

async function failureOf(send: Promise<void>): Promise<Error> {
  try {
    await send;
  } catch (error) {
    return error as Error;
  }
  throw new Error('the send did not fail');
}

describe('delivery failures: permanent (dead-letter) or transient (retry)', () => {
  it('classifies HTTP statuses: 4xx but 408/429 are permanent', () => {
    expect([400, 401, 403, 404, 410, 413].every(isPermanentHttpStatus)).toBe(true);
    expect([408, 429, 500, 502, 503, 200].some(isPermanentHttpStatus)).toBe(false);
  });

  it('a Slack 400 invalid_blocks is permanent and carries Slack’s reason; a 429 and a 500 are not', async () => {
    const receiver = await startHttpReceiver();
    try {
      const slack = channel('channels:\n  s:\n    type: slack\n    url: ${URL}\n', { URL: `${receiver.url}/x` });
      receiver.status.code = 400;
      receiver.status.body = 'invalid_blocks';
      const permanent = await failureOf(slack.send(delivery));
      expect(permanent).toBeInstanceOf(PermanentDeliveryError);
      expect((permanent as PermanentDeliveryError).reason).toBe('invalid_blocks');
      receiver.status.code = 404;
      receiver.status.body = 'no_service';
      expect(((await failureOf(slack.send(delivery))) as PermanentDeliveryError).reason).toBe('no_service');
      for (const code of [429, 500]) {
        receiver.status.code = code;
        receiver.status.body = 'try later';
        const transient = await failureOf(slack.send(delivery));
        expect(transient).not.toBeInstanceOf(PermanentDeliveryError);
      }
    } finally {
      await receiver.close();
    }
  });

  it('a revoked webhook (410) is permanent with the body as reason; 408 is transient', async () => {
    const receiver = await startHttpReceiver();
    try {
      const hook = channel('channels:\n  h:\n    type: webhook\n    url: ${URL}\n', { URL: `${receiver.url}/h` });
      receiver.status.code = 410;
      receiver.status.body = 'this webhook was revoked';
      const permanent = await failureOf(hook.send(delivery));
      expect(permanent).toBeInstanceOf(PermanentDeliveryError);
      expect((permanent as PermanentDeliveryError).reason).toBe('this webhook was revoked');
      expect(permanent.message).toBe('webhook answered HTTP 410: this webhook was revoked');
      receiver.status.code = 408;
      expect(await failureOf(hook.send(delivery))).not.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      await receiver.close();
    }
  });

  it('each channel has its own timeout: a hanging webhook fails (transient) after its timeout', async () => {
    const receiver = await startHttpReceiver();
    try {
      receiver.status.delayMs = 5_000;
      const hook = channel('channels:\n  h:\n    type: webhook\n    url: ${URL}\n    timeout: 300ms\n', {
        URL: `${receiver.url}/h`,
      });
      const started = performance.now();
      const failure = await failureOf(hook.send(delivery));
      expect(failure).not.toBeInstanceOf(PermanentDeliveryError);
      expect(performance.now() - started).toBeLessThan(4_000);
      const slack = channel('channels:\n  s:\n    type: slack\n    url: ${URL}\n    timeout: 300ms\n', {
        URL: `${receiver.url}/s`,
      });
      expect(await failureOf(slack.send(delivery))).not.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      await receiver.close();
    }
  });

  it('an SMTP 5xx is permanent with the server’s words; a 4xx is transient', async () => {
    for (const [reply, permanent] of [
      ['550 5.1.1 <ops@example.nl>: Recipient address rejected: User unknown', true],
      ['451 4.3.0 try again later', false],
    ] as const) {
      const sink = await startSmtpSink({ rcptReply: reply });
      try {
        const mail = channel(
          `channels:\n  m:\n    type: email\n    smtp: { host: 127.0.0.1, port: ${sink.port}, requireTls: false }\n    from: mailwarden@example.nl\n    to: [ops@example.nl]\n`,
          {},
        );
        const failure = await failureOf(mail.send(delivery));
        expect(failure instanceof PermanentDeliveryError).toBe(permanent);
        if (permanent) expect((failure as PermanentDeliveryError).reason).toContain('User unknown');
      } finally {
        await sink.close();
      }
    }
  });
});
