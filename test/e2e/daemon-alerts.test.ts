// End to end: `mailwarden run` as a child process against the lab, alerts to a Slack stand-in, an SMTP sink and a
// webhook receiver on loopback. The test breaks and fixes its own lab zones and asserts exactly what arrives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../../src/alerts/webhook.ts';
import type { ReceivedRequest } from '../alerts/http-receiver.ts';
import { replaceZone, restoreZone } from '../lab/control.ts';
import { labInfo } from '../lab/info.ts';
import { STORE_KINDS, type TestDatabase, type TestStoreKind, testDatabase } from '../support/stores.ts';
import {
  type DaemonProcess,
  mimeParts,
  type Receivers,
  startDaemon,
  startReceivers,
  tmpConfig,
  WEBHOOK_SECRET,
  waitFor,
} from './harness.ts';

const zoneText = (name: string) =>
  readFileSync(join(import.meta.dirname, '../lab/zones/e2e', `${name.replace(/\.test$/, '')}.zone`), 'utf8');

interface WebhookNotice {
  type: string;
  domain?: string;
  check?: string;
  subject?: string;
  before?: { status: string; summary: string };
  after?: { status: string; summary: string; fix?: string; evidence?: Record<string, unknown> };
  detail?: string;
}

const accepted = (requests: ReceivedRequest[]) => requests.filter((request) => request.status === 200);
const webhookNotices = (request: ReceivedRequest) => (JSON.parse(request.body) as { notices: WebhookNotice[] }).notices;
const slackText = (request: ReceivedRequest) => JSON.stringify(JSON.parse(request.body));

function verifySignature(request: ReceivedRequest): void {
  const timestamp = request.headers['x-mailwarden-timestamp'] as string;
  expect(request.headers['x-mailwarden-signature']).toBe(signature(WEBHOOK_SECRET, timestamp, request.body));
}

/** Waits until the daemon finished `count` more batches than now: time passed with checks, for "nothing more". */
async function moreRuns(daemon: DaemonProcess, count: number): Promise<void> {
  const seen = daemon.lines('run finished').length;
  await waitFor(`${count} more runs`, () => daemon.lines('run finished').length >= seen + count, 30_000);
}

let receivers: Receivers;
beforeAll(async () => {
  receivers = await startReceivers();
});
afterAll(async () => {
  await receivers?.close();
});

function labConfig(domains: string[], database?: TestDatabase) {
  const lab = labInfo();
  return tmpConfig({
    ...(database ? { stateUrl: database.url } : {}),
    resolver: `${lab.resolver.address}:${lab.resolver.port}`,
    trustAnchorFile: lab.trustAnchorFile,
    ...(lab.caFile ? { caFile: lab.caFile } : {}),
    domains,
    receivers,
  });
}

function resetReceivers(): void {
  for (const http of [receivers.slack, receivers.webhook]) {
    http.requests.length = 0;
    http.status.code = 200;
  }
  receivers.smtp.mails.length = 0;
}

describe.each(STORE_KINDS)('mailwarden run against the lab, state on %s', (kind: TestStoreKind) => {
  it('alerts once per route after confirmation, retries a failing webhook, survives a restart and announces the recovery', async () => {
    resetReceivers();
    const zone = 'e2e-alerts.test';
    const good = zoneText(zone);
    const database = await testDatabase(kind);
    const config = await labConfig([zone], database);
    let daemon = startDaemon(config.file);
    try {
      await waitFor('the baseline check', () => daemon.lines('run finished').length >= 1);
      expect(daemon.lines('run finished')[0]).toMatchObject({ domains: 1, resolverHealthy: true, notices: 0 });

      // Break it while the webhook receiver is down.
      receivers.webhook.status.code = 500;
      const broken = good.replace('"v=DMARC1; p=reject;', '"v=DMARC1; p=none;');
      expect(broken).not.toBe(good);
      await replaceZone(zone, broken);
      await waitFor(
        'the Slack message and the e-mail',
        () => receivers.slack.requests.length >= 1 && receivers.smtp.mails.length >= 1,
      );
      await waitFor('two failed webhook attempts', () => receivers.webhook.requests.length >= 2);
      expect(accepted(receivers.webhook.requests)).toHaveLength(0);
      receivers.webhook.status.code = 200;
      await waitFor(
        'the webhook delivery after the receiver recovered',
        () => accepted(receivers.webhook.requests).length >= 1,
      );

      // Exactly one message per route (Slack for `chat`; e-mail and webhook for `ops`), about exactly one change.
      expect(receivers.slack.requests).toHaveLength(1);
      expect(receivers.smtp.mails).toHaveLength(1);
      const attempts = receivers.webhook.requests;
      expect(new Set(attempts.map((r) => r.headers['idempotency-key'])).size).toBe(1);
      const [hook] = accepted(attempts);
      verifySignature(hook!);
      expect(webhookNotices(hook!)).toMatchObject([
        {
          type: 'regression',
          domain: zone,
          check: 'dmarc.policy',
          subject: zone,
          before: { status: 'ok', summary: `DMARC policy for ${zone} is reject` },
          after: {
            status: 'fail',
            summary: `DMARC policy for ${zone} is none (p=none): spoofed mail is delivered as usual`,
            fix: expect.stringContaining('move to p=quarantine and then p=reject'),
          },
        },
      ]);
      expect(webhookNotices(hook!)).toHaveLength(1);

      const slack = JSON.parse(receivers.slack.requests[0]!.body) as {
        text: string;
        blocks: { text?: { text: string } }[];
      };
      expect(receivers.slack.requests[0]!.path).toBe('/services/T000/B000/XXXX');
      expect(slack.text).toBe('mailwarden: Regression — 1 domain (1 × regression)');
      const section = slack.blocks.map((block) => block.text?.text ?? '').find((text) => text.includes('dmarc.policy'));
      expect(section).toContain(':red_circle: *Regression · dmarc.policy · ok → fail*');
      expect(section).toContain(`• *${zone}*: ok → fail`);
      expect(section).toContain(`before: DMARC policy for ${zone} is reject`);
      expect(section).toContain(`now: DMARC policy for ${zone} is none (p=none)`);
      expect(section).toContain('_fix:_ After checking the aggregate reports');

      const mail = mimeParts(receivers.smtp.mails[0]!.data);
      expect(mail.headers).toMatch(/^Subject: .*Regression/m);
      expect(mail.text).toContain('Regression · dmarc.policy · ok → fail');
      expect(mail.text).toContain(`${zone}: ok → fail`);
      expect(mail.text).toContain(`before: DMARC policy for ${zone} is reject`);
      expect(mail.text).toContain('fix: After checking the aggregate reports');
      expect(mail.html).toContain(`<div class="who">${zone}: ok → fail</div>`);

      // Restart while the failure is open: nothing is re-sent …
      const first = await daemon.stop('SIGTERM');
      expect(first).toEqual({ code: 0, signal: null });
      expect(daemon.lines('mailwarden stopped')).toHaveLength(1);
      daemon = startDaemon(config.file);
      await moreRuns(daemon, 2);
      expect(receivers.slack.requests).toHaveLength(1);
      expect(receivers.smtp.mails).toHaveLength(1);
      expect(accepted(receivers.webhook.requests)).toHaveLength(1);

      // … and nothing is forgotten: the fix is announced as a recovery on every route.
      await restoreZone(zone);
      await waitFor(
        'the recovery on every channel',
        () =>
          receivers.slack.requests.length >= 2 &&
          receivers.smtp.mails.length >= 2 &&
          accepted(receivers.webhook.requests).length >= 2,
      );
      await moreRuns(daemon, 2);
      expect(receivers.slack.requests).toHaveLength(2);
      expect(receivers.smtp.mails).toHaveLength(2);
      expect(accepted(receivers.webhook.requests)).toHaveLength(2);
      const recovery = accepted(receivers.webhook.requests)[1]!;
      verifySignature(recovery);
      expect(webhookNotices(recovery)).toMatchObject([
        { type: 'recovery', domain: zone, check: 'dmarc.policy', before: { status: 'fail' }, after: { status: 'ok' } },
      ]);
      expect(webhookNotices(recovery)).toHaveLength(1);
      expect(slackText(receivers.slack.requests[1]!)).toContain('Recovered · dmarc.policy · fail → ok');
      expect(mimeParts(receivers.smtp.mails[1]!.data).text).toContain('Recovered · dmarc.policy · fail → ok');
    } finally {
      await daemon.stop();
      await restoreZone(zone);
      await config.remove();
      await database.remove();
    }
  }, 150_000);

  it('kill -9 in the middle of batches loses no alert and repeats none beyond the same idempotency key', async () => {
    resetReceivers();
    const zone = 'e2e-alerts.test';
    const good = zoneText(zone);
    const database = await testDatabase(kind);
    const config = await labConfig([zone], database);
    let daemon = startDaemon(config.file);
    try {
      await waitFor('the baseline check', () => daemon.lines('run finished').length >= 1);
      await replaceZone(zone, good.replace('"v=DMARC1; p=reject;', '"v=DMARC1; p=none;'));
      // Kill the daemon hard, again and again, while it confirms the regression and delivers it: at a batch start,
      // between the batch's write and the delivery, during the delivery.
      for (const pauseMs of [300, 900, 1500, 2200]) {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        await daemon.stop('SIGKILL');
        daemon = startDaemon(config.file);
        await waitFor('the restarted daemon', () => daemon.lines('mailwarden started').length >= 1);
      }
      await waitFor(
        'the regression on every channel',
        () =>
          receivers.slack.requests.length >= 1 &&
          receivers.smtp.mails.length >= 1 &&
          accepted(receivers.webhook.requests).length >= 1,
      );
      await moreRuns(daemon, 3);
      // Nothing lost: every channel got the regression. Nothing repeated beyond at-least-once: every webhook request
      // carries the same idempotency key, and the history holds the regression once.
      const hooks = accepted(receivers.webhook.requests);
      expect(new Set(hooks.map((request) => request.headers['idempotency-key'])).size).toBe(1);
      expect(hooks.length).toBeLessThanOrEqual(2);
      expect(receivers.slack.requests.length).toBeLessThanOrEqual(2);
      expect(webhookNotices(hooks[0]!)).toMatchObject([{ type: 'regression', check: 'dmarc.policy', domain: zone }]);
      await daemon.stop();
      const store = await database.open();
      try {
        const history = await store.readHistory({ domain: zone });
        expect(history.filter((entry) => entry.kind === 'regression')).toHaveLength(1);
        expect(await store.listOutbox()).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      await daemon.stop();
      await restoreZone(zone);
      await config.remove();
      await database.remove();
    }
  }, 150_000);
});

describe('mailwarden run against the lab', () => {
  it('escapes a hostile DMARC record in Slack (mrkdwn) and in the e-mail HTML part', async () => {
    resetReceivers();
    const zone = 'e2e-escape.test';
    const good = zoneText(zone);
    const hostile = '<!channel> <script>alert(1)</script>';
    const config = await labConfig([zone]);
    const daemon = startDaemon(config.file);
    try {
      await waitFor('the baseline check', () => daemon.lines('run finished').length >= 1);
      const broken = good.replace('inbox@dmarc-reports.test"', `inbox@dmarc-reports.test; ${hostile}"`);
      expect(broken).not.toBe(good);
      await replaceZone(zone, broken);
      await waitFor(
        'the alert on every channel',
        () =>
          receivers.slack.requests.length >= 1 &&
          receivers.smtp.mails.length >= 1 &&
          accepted(receivers.webhook.requests).length >= 1,
      );
      const [notice, ...others] = webhookNotices(accepted(receivers.webhook.requests)[0]!);
      expect(others).toEqual([]);
      expect(notice).toMatchObject({
        type: 'regression',
        domain: zone,
        check: 'dmarc.record',
        after: { status: 'fail' },
      });
      // The webhook carries the record as data (JSON-escaped by JSON itself).
      expect(String(notice!.after!.evidence!.record)).toContain(hostile);

      const slack = slackText(receivers.slack.requests[0]!);
      expect(slack).toContain('&lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(slack).not.toContain('<!channel>');
      expect(slack).not.toContain('<script>');

      const mail = mimeParts(receivers.smtp.mails[0]!.data);
      expect(mail.html).toContain('&lt;!channel&gt; &lt;script&gt;alert(1)&lt;/script&gt;');
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).not.toContain('<!channel>');
      // The text part is plain text: the record as published.
      expect(mail.text).toContain(hostile);
    } finally {
      await daemon.stop();
      await restoreZone(zone);
      await config.remove();
    }
  }, 90_000);

  it('a domain already broken when it is added alerts at its first check, once, grouped as "already failing"', async () => {
    resetReceivers();
    const zone = 'spf-plusall.test';
    const config = await labConfig([zone]);
    const daemon = startDaemon(config.file);
    try {
      await waitFor(
        'the first-check alert on every channel',
        () =>
          receivers.slack.requests.length >= 1 &&
          receivers.smtp.mails.length >= 1 &&
          accepted(receivers.webhook.requests).length >= 1,
      );
      expect(daemon.lines('run finished')[0]).toMatchObject({ domains: 1, resolverHealthy: true });
      const notices = webhookNotices(accepted(receivers.webhook.requests)[0]!);
      expect(notices.length).toBeGreaterThan(0);
      expect(new Set(notices.map((n) => n.type))).toEqual(new Set(['baseline']));
      expect(notices.find((n) => n.check === 'spf.policy')).toMatchObject({ domain: zone, after: { status: 'fail' } });
      expect(slackText(receivers.slack.requests[0]!)).toContain('Already failing at first check · spf.policy');
      expect(mimeParts(receivers.smtp.mails[0]!.data).text).toContain('Already failing at first check · spf.policy');
      // Later checks of the unchanged domain send nothing more (it is open; the reminder comes after 24 h).
      const runs = daemon.lines('run finished').length;
      await waitFor('two more runs', () => daemon.lines('run finished').length >= runs + 2);
      expect(receivers.slack.requests).toHaveLength(1);
      expect(receivers.smtp.mails).toHaveLength(1);
    } finally {
      await daemon.stop();
      await config.remove();
    }
  }, 90_000);
});
