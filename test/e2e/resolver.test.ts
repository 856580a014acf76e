// End to end: the resolver dies under a running `mailwarden run`. One alert about the resolver per route, no
// per-domain alerts, one "answers again" when it is back. Uses a private Unbound of the lab (same configuration as
// the shared one) so stopping it does not break the test files running at the same time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedRequest } from '../alerts/http-receiver.ts';
import { type PrivateResolver, startPrivateResolver } from '../lab/control.ts';
import { labInfo } from '../lab/info.ts';
import { mimeParts, type Receivers, startDaemon, startReceivers, tmpConfig, waitFor } from './harness.ts';

let receivers: Receivers;
let resolver: PrivateResolver;
beforeAll(async () => {
  receivers = await startReceivers();
  resolver = await startPrivateResolver();
});
afterAll(async () => {
  await receivers?.close();
  await resolver?.close();
});

const notices = (request: ReceivedRequest) =>
  (JSON.parse(request.body) as { notices: { type: string; domain?: string; detail?: string }[] }).notices;

describe('mailwarden run when the resolver fails', () => {
  it('sends one resolver alert per route and no domain alerts, then one recovery', async () => {
    const lab = labInfo();
    const config = await tmpConfig({
      resolver: `${resolver.address}:${resolver.port}`,
      trustAnchorFile: lab.trustAnchorFile,
      domains: ['e2e-resolver.test', 'dmarc-good.test', 'spf-good.test'],
      receivers,
      // What dmarc-good/spf-good already warn about at their first check is not this test's subject.
      routeOptions: 'baseline: false',
    });
    const daemon = startDaemon(config.file);
    try {
      await waitFor('the baseline check of all three domains', () =>
        daemon.lines('run finished').reduce((sum, line) => sum + Number(line.domains), 0) >= 3 ? true : undefined,
      );
      expect(daemon.lines('run finished').every((line) => line.resolverHealthy === true)).toBe(true);
      const baselineRuns = daemon.lines('run finished').length;

      await resolver.stop();
      await waitFor(
        'the resolver alert on every channel',
        () =>
          receivers.slack.requests.length >= 1 &&
          receivers.smtp.mails.length >= 1 &&
          receivers.webhook.requests.length >= 1,
      );
      // Held batches keep retrying while it is down: still only the one alert.
      await waitFor('three held batches', () => daemon.lines('run held: resolver failing').length >= 3);
      expect(receivers.slack.requests).toHaveLength(1);
      expect(receivers.smtp.mails).toHaveLength(1);
      expect(receivers.webhook.requests).toHaveLength(1);
      const [down] = notices(receivers.webhook.requests[0]!);
      expect(notices(receivers.webhook.requests[0]!)).toHaveLength(1);
      expect(down).toMatchObject({ type: 'resolver-down' });
      expect(down!.domain).toBeUndefined();
      expect(down!.detail).toMatch(
        new RegExp(`^canary queries failed: \\.: .*${resolver.address.replace(/\./g, '\\.')}`),
      );
      expect(receivers.slack.requests[0]!.body).toContain('rotating_light');
      expect(mimeParts(receivers.smtp.mails[0]!.data).text).toContain('canary queries failed');

      await resolver.start();
      await waitFor(
        'the resolver recovery on every channel',
        () =>
          receivers.slack.requests.length >= 2 &&
          receivers.smtp.mails.length >= 2 &&
          receivers.webhook.requests.length >= 2,
      );
      const healthyRuns = daemon.lines('run finished').length;
      await waitFor('two more healthy runs', () => daemon.lines('run finished').length >= healthyRuns + 2);
      expect(receivers.slack.requests).toHaveLength(2);
      expect(receivers.smtp.mails).toHaveLength(2);
      expect(receivers.webhook.requests).toHaveLength(2);
      expect(notices(receivers.webhook.requests[1]!)).toMatchObject([{ type: 'resolver-up' }]);
      expect(notices(receivers.webhook.requests[1]!)).toHaveLength(1);
      // Nothing was learned while it was down: no domain changes recorded at all.
      expect(
        daemon
          .lines('run finished')
          .slice(baselineRuns)
          .every((line) => line.changes === 0),
      ).toBe(true);
    } finally {
      await daemon.stop();
      await config.remove();
    }
  }, 120_000);
});
