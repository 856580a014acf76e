import { describe, expect, it } from 'vitest';
import { buildDigest, renderText } from '../../src/alerts/digest.ts';
import { renderHtml } from '../../src/alerts/email.ts';
import { changedNotices, recordChanges } from '../../src/alerts/record-changes.ts';
import { routeNotices } from '../../src/alerts/routing.ts';
import { renderSlack } from '../../src/alerts/slack.ts';
import { jsonPayload } from '../../src/alerts/webhook.ts';
import { parseConfig } from '../../src/config/load.ts';
import { regressionNotice } from './helpers.ts';

const at = '2026-01-01T00:00:00.000Z';

describe('changed notices (record changes that keep the status)', () => {
  it('derives changes from record versions: changed, added and removed records; nothing at the first check', () => {
    const before = { 'spf|a.example': 'v=spf1 mx -all', 'dkim|s1._domainkey.a.example': 'v=DKIM1; p=old' };
    const after = { 'spf|a.example': 'v=spf1 mx include:_spf.mailer.example -all', 'mx|a.example': '10 mx.a.example' };
    expect(recordChanges('a.example', undefined, after)).toEqual([]);
    expect(recordChanges('a.example', before, after)).toEqual([
      { domain: 'a.example', kind: 'dkim', subject: 's1._domainkey.a.example', before: 'v=DKIM1; p=old' },
      { domain: 'a.example', kind: 'mx', subject: 'a.example', after: '10 mx.a.example' },
      {
        domain: 'a.example',
        kind: 'spf',
        subject: 'a.example',
        before: 'v=spf1 mx -all',
        after: 'v=spf1 mx include:_spf.mailer.example -all',
      },
    ]);
    const notices = changedNotices('a.example', before, after, ['t'], at, new Set(['spf']));
    expect(notices.map((n) => n.record?.kind)).toEqual(['dkim', 'mx']);
  });

  it('renders in every channel, hostile record text escaped', () => {
    const [notice] = changedNotices(
      'a.example',
      { 'spf|a.example': 'v=spf1 -all' },
      { 'spf|a.example': 'v=spf1 <!channel> <script>x</script> -all' },
      [],
      at,
    );
    const digest = buildDigest([notice!]);
    expect(digest.groups[0]!.heading).toBe('Record changed · spf record · changed');
    expect(renderText(digest)).toContain('before: v=spf1 -all');
    const slack = JSON.stringify(renderSlack(digest));
    expect(slack).toContain('&lt;!channel&gt;');
    expect(slack).not.toContain('<!channel>');
    const html = renderHtml(digest);
    expect(html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(html).not.toContain('<script>x');
    const json = jsonPayload({ idempotencyKey: 'k', route: 'r', digest, notices: [notice!] }) as {
      notices: { type: string; record: unknown }[];
    };
    expect(json.notices[0]).toMatchObject({ type: 'changed', record: { kind: 'spf', after: expect.any(String) } });
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
      '    changed: true',
      '    baseline: false',
      '    groupWait: 0s',
      '    groupInterval: 1m',
      '',
    ].join('\n'),
    'config.yaml',
    { env: {} },
  );

  it('has defaults: groupWait 30s, groupInterval 5m, baseline on, changed off; resend every 1m', () => {
    expect(config.routes[0]).toMatchObject({
      groupWait: 30_000,
      groupInterval: 300_000,
      baseline: true,
      changed: false,
    });
    expect(config.routes[1]).toMatchObject({ groupWait: 0, groupInterval: 60_000, baseline: false, changed: true });
    expect(config.alertmanager.resendInterval).toBe(60_000);
  });

  it('sends changed notices only to routes that opted in, and baseline notices only to routes that did not opt out', () => {
    const [changed] = changedNotices('a.example', { 'spf|a.example': 'x' }, { 'spf|a.example': 'y' }, [], at);
    const regression = regressionNotice('a.example');
    const baseline = { ...regressionNotice('b.example'), type: 'baseline' as const };
    const routed = routeNotices(config.routes, [changed!, regression, baseline]);
    const types = (name: string) =>
      [...routed.entries()].find(([route]) => route.name === name)?.[1].map((n) => n.type) ?? [];
    expect(types('default')).toEqual(['regression', 'baseline']);
    expect(types('changes')).toEqual(['changed', 'regression']);
  });
});
