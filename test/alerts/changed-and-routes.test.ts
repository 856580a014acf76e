import { describe, expect, it } from 'vitest';
import { buildDigest, renderText } from '../../src/alerts/digest.ts';
import { renderHtml } from '../../src/alerts/email.ts';
import { routeNotices } from '../../src/alerts/routing.ts';
import { renderSlack } from '../../src/alerts/slack.ts';
import { jsonPayload } from '../../src/alerts/webhook.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Change } from '../../src/model.ts';
import type { Notice } from '../../src/state/types.ts';
import { regressionNotice } from './helpers.ts';

const at = '2026-01-01T00:00:00.000Z';

/** A `changed` notice as the daemon makes it from the store's record versions (kind `changed`, change.record). */
function changedNotice(domain: string, kind: string, before: string | undefined, after: string): Notice {
  const change: Change = {
    kind: 'changed',
    domain,
    check: `record.${kind}`,
    subject: domain,
    at,
    record: { kind, ...(before !== undefined ? { before } : {}), after },
  };
  return { key: `changed|${domain}|${kind}|${at}`, type: 'changed', change, tags: [], at };
}

describe('changed notices (record changes that keep the status)', () => {
  it('render in every channel with the record before and after, hostile record text escaped', () => {
    const notice = changedNotice('a.example', 'spf', 'v=spf1 -all', 'v=spf1 <!channel> <script>x</script> -all');
    const digest = buildDigest([notice]);
    expect(digest.groups[0]!.heading).toBe('Record changed · record.spf · published record changed');
    expect(renderText(digest)).toContain('before: v=spf1 -all');
    expect(renderText(digest)).toContain('now:    v=spf1 <!channel> <script>x</script> -all');
    const slack = JSON.stringify(renderSlack(digest));
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).not.toContain('<!channel>');
    const html = renderHtml(digest);
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x');
    const json = jsonPayload({ idempotencyKey: 'k', route: 'r', digest, notices: [notice] }) as {
      notices: { type: string; record: unknown }[];
    };
    expect(json.notices[0]).toMatchObject({ type: 'changed', record: { kind: 'spf', after: expect.any(String) } });
  });

  it('a record published for the first time, and one no longer published, say so', () => {
    const added = renderText(buildDigest([changedNotice('a.example', 'mtasts', undefined, 'v=STSv1; id=1')]));
    expect(added).toContain('before: (not published)');
    const removed = renderText(buildDigest([changedNotice('a.example', 'tlsrpt', 'v=TLSRPTv1; rua=x', '')]));
    expect(removed).toContain('now:    (not published)');
  });
});

describe('routes: changed is opt-in, baseline opt-out, group timing in Alertmanager’s words', () => {
  const config = parseConfig(
    [
      'channels:',
      '  log: { type: log }',
      'routes:',
      '  - name: default',
      '    channels: [log]',
      '  - name: changes',
      '    channels: [log]',
      '    match: { kinds: [regression, changed] }',
      '    baseline: false',
      '    groupWait: 0s',
      '    groupInterval: 1m',
      '',
    ].join('\n'),
    'config.yaml',
    { env: {} },
  );

  it('has defaults: groupWait 30s, groupInterval 5m, baseline on; resend every 1m', () => {
    expect(config.routes[0]).toMatchObject({
      groupWait: 30_000,
      groupInterval: 300_000,
      baseline: true,
    });
    expect(config.routes[1]).toMatchObject({ groupWait: 0, groupInterval: 60_000, baseline: false });
    expect(config.alertmanager.resendInterval).toBe(60_000);
  });

  it('sends changed notices only to routes that list the kind, and baseline notices only to routes that did not opt out', () => {
    const changed = changedNotice('a.example', 'spf', 'x', 'y');
    const regression = regressionNotice('a.example');
    const baseline = { ...regressionNotice('b.example'), type: 'baseline' as const };
    const routed = routeNotices(config.routes, [changed, regression, baseline]);
    const types = (name: string) =>
      [...routed.entries()].find(([route]) => route.name === name)?.[1].map((n) => n.type) ?? [];
    expect(types('default')).toEqual(['regression', 'baseline']);
    expect(types('changes')).toEqual(['changed', 'regression']);
    // A route listing `regression` also gets the reminders of alerts opened at the first check.
    const reminder = {
      ...baseline,
      type: 'reminder' as const,
      change: { ...baseline.change!, kind: 'baseline' as const },
    };
    const onlyRegressions = {
      ...config.routes[0]!,
      match: { ...config.routes[0]!.match, kinds: ['regression' as const] },
    };
    expect(
      routeNotices([onlyRegressions], [reminder, baseline, changed])
        .get(onlyRegressions)
        ?.map((n) => n.type),
    ).toEqual(['reminder', 'baseline']);
  });
});
