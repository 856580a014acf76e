import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenAlertLike } from '../../src/alerts/alertmanager.ts';
import { buildDigest } from '../../src/alerts/digest.ts';
import { WebhookChannel } from '../../src/alerts/webhook.ts';
import { parseConfig } from '../../src/config/load.ts';
import { noticeFor } from '../../src/daemon/notices.ts';
import type { DomainReport, Finding, Status } from '../../src/model.ts';
import { type AlertSettings, evaluate } from '../../src/state/diff.ts';
import type { DomainState, Notice } from '../../src/state/types.ts';
import { type RunningAlertmanager, startAlertmanager } from '../lab/lib/alertmanager.ts';
import { startHttpReceiver } from './http-receiver.ts';

/**
 * Against Debian's Alertmanager 0.25, started here on loopback with a 2 s resolve_timeout: an alert that is re-sent
 * stays active past it (and past its own endsAt horizon) while the problem lasts, and the recovery resolves that very
 * alert (same labels, so the same fingerprint), which Alertmanager then announces as resolved to its receiver.
 */

const settings: AlertSettings = {
  failureThreshold: 1,
  successThreshold: 1,
  unreachableThreshold: 3,
  expiringThreshold: 0,
  reminderInterval: 86_400_000,
};
const RESEND_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const finding = (status: Status, summary: string): Finding => ({
  check: 'dane.match',
  subject: 'mx1.shared.example/192.0.2.10',
  status,
  summary,
  evidence: { tlsa: ['3 1 1 aabbcc'] },
  ...(status === 'ok' ? {} : { fix: 'Publish a TLSA record for the new key' }),
});
const report = (status: Status, summary: string): DomainReport => ({
  domain: 'customer.example',
  checkedAt: new Date().toISOString(),
  findings: [finding(status, summary)],
});

/** What the store's openAlerts() will stream: the open alerts of the domain states. */
async function* openAlerts(states: readonly DomainState[]): AsyncIterable<OpenAlertLike> {
  for (const state of states)
    for (const tracked of Object.values(state.findings))
      if (tracked.open)
        yield {
          domain: state.domain,
          check: tracked.open.change.check,
          subject: tracked.open.change.subject,
          alert: tracked.open,
        };
}

let alertmanager: RunningAlertmanager;
let receiver: Awaited<ReturnType<typeof startHttpReceiver>>;
beforeEach(async () => {
  receiver = await startHttpReceiver();
  alertmanager = await startAlertmanager(
    [
      'global:',
      '  resolve_timeout: 2s',
      'route:',
      '  receiver: hook',
      '  group_by: [alertname, domain]',
      '  group_wait: 0s',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${receiver.url}/am`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await alertmanager.stop();
  await receiver.close();
});

function channel(): WebhookChannel {
  const config = parseConfig(
    'channels:\n  am:\n    type: webhook\n    format: alertmanager\n    url: ${AM_URL}\n',
    'config.yaml',
    { env: { AM_URL: `${alertmanager.url}/api/v2/alerts` } },
  ).channels.am!;
  if (config.type !== 'webhook') throw new Error('expected a webhook channel');
  return new WebhookChannel('am', config, {
    resendInterval: RESEND_MS,
    publicUrl: 'https://mailwarden.example/',
  });
}

async function send(am: WebhookChannel, notices: Notice[]): Promise<void> {
  await am.send({ idempotencyKey: 'k', route: 'r', digest: buildDigest(notices), notices });
}

describe('Alertmanager (real, Debian prometheus-alertmanager 0.25)', () => {
  it('keeps a re-sent alert active past resolve_timeout and its endsAt horizon, and resolves it on recovery', async () => {
    const am = channel();
    const tags = ['customer-x', 'tier:gold'];
    let state = evaluate(undefined, report('ok', 'TLSA matches'), settings, new Date()).state;
    const failing = evaluate(state, report('fail', 'no TLSA record matches the certificate'), settings, new Date());
    state = failing.state;
    expect(failing.changes.map((c) => c.kind)).toEqual(['regression']);
    await send(
      am,
      failing.changes.map((c) => noticeFor(c.kind, c, tags, c.at)),
    );

    const [fired] = await alertmanager.alerts();
    expect(fired?.labels).toEqual({
      alertname: 'MailwardenRegression',
      kind: 'regression',
      severity: 'critical',
      domain: 'customer.example',
      check: 'dane.match',
      subject: 'mx1.shared.example/192.0.2.10',
      tags: ',customer-x,tier:gold,',
      tag_customer_x: 'true',
      tag_tier_gold: 'true',
    });
    expect(fired?.generatorURL).toBe('https://mailwarden.example/domains/customer.example');
    expect(fired?.annotations.fix).toBe('Publish a TLSA record for the new key');

    // The problem lasts 6 s: longer than resolve_timeout (2 s) and than the endsAt horizon (4 × 1 s).
    const until = Date.now() + 6_000;
    while (Date.now() < until) {
      await sleep(RESEND_MS);
      const sent = await am.resend(openAlerts([state]), { tagsOf: () => tags });
      expect(sent).toBe(1);
    }
    const still = await alertmanager.alerts();
    expect(still).toHaveLength(1);
    expect(still[0]!.status.state).toBe('active');
    expect(still[0]!.fingerprint).toBe(fired!.fingerprint);
    expect(receiver.requests.some((r) => JSON.parse(r.body).status === 'resolved')).toBe(false);

    // Recovery: the notice carries the labels of the alert it closes (severity from the regression, not from `ok`).
    const recovered = evaluate(state, report('ok', 'TLSA matches again'), settings, new Date());
    expect(recovered.changes.map((c) => c.kind)).toEqual(['recovery']);
    await send(
      am,
      recovered.changes.map((c) => noticeFor(c.kind, c, tags, c.at)),
    );
    expect(await alertmanager.alerts()).toEqual([]);
    const deadline = Date.now() + 10_000;
    while (!receiver.requests.some((r) => JSON.parse(r.body).status === 'resolved') && Date.now() < deadline)
      await sleep(200);
    const resolved = receiver.requests.map((r) => JSON.parse(r.body)).find((body) => body.status === 'resolved');
    expect(resolved?.alerts[0]).toMatchObject({
      status: 'resolved',
      fingerprint: fired!.fingerprint,
      labels: { severity: 'critical', domain: 'customer.example' },
    });
  });

  it('without re-sends the alert resolves by itself after its endsAt horizon: the re-send is what keeps it firing', async () => {
    const am = channel();
    let state = evaluate(undefined, report('ok', 'TLSA matches'), settings, new Date()).state;
    const failing = evaluate(state, report('fail', 'no TLSA record matches'), settings, new Date());
    state = failing.state;
    await send(
      am,
      failing.changes.map((c) => noticeFor(c.kind, c, [], c.at)),
    );
    expect(await alertmanager.alerts()).toHaveLength(1);
    await sleep(4 * RESEND_MS + 1_500);
    expect(await alertmanager.alerts()).toEqual([]);
  });

  it('a domain broken at its first check fires at once, under the labels its recovery later resolves', async () => {
    const am = channel();
    const first = evaluate(undefined, report('warn', 'TLSA matches only a retired key'), settings, new Date());
    expect(first.changes.map((c) => c.kind)).toEqual(['baseline']);
    await send(
      am,
      first.changes.map((c) => noticeFor(c.kind, c, [], c.at)),
    );
    const [fired] = await alertmanager.alerts();
    expect(fired?.labels).toMatchObject({ alertname: 'MailwardenRegression', severity: 'warning' });
    expect(fired?.annotations.notice).toBe('baseline');
    const recovered = evaluate(first.state, report('ok', 'TLSA matches'), settings, new Date());
    await send(
      am,
      recovered.changes.map((c) => noticeFor(c.kind, c, [], c.at)),
    );
    expect(await alertmanager.alerts()).toEqual([]);
  });
});
