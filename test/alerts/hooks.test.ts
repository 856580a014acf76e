import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { resendToAlertmanagers } from '../../src/alerts/alertmanager-resend.ts';
import { createChannels } from '../../src/alerts/create-channels.ts';
import { routeUnsilenced } from '../../src/alerts/routing.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { OpenAlert } from '../../src/state/types.ts';
import { regressionNotice } from './helpers.ts';
import { startHttpReceiver } from './http-receiver.ts';

const now = new Date('2026-01-01T00:00:00Z');

describe('the daemon’s hooks', () => {
  it('routeUnsilenced routes what no silence holds and returns the silenced notices with their silence', () => {
    const config = parseConfig(
      'channels:\n  log: { type: log }\nroutes:\n  - { name: all, channels: [log] }\n',
      'c.yaml',
      {
        env: {},
      },
    );
    const silence = {
      id: 's',
      domains: ['quiet.example'],
      startsAt: '2025-12-31T00:00:00Z',
      endsAt: '2026-01-02T00:00:00Z',
      comment: 'migration',
      createdBy: 'ops',
      source: 'cli' as const,
    };
    const { routed, silenced } = routeUnsilenced(
      config.routes,
      [regressionNotice('loud.example'), regressionNotice('quiet.example')],
      [silence],
      now,
    );
    expect([...routed.values()][0]!.map((n) => n.change?.domain)).toEqual(['loud.example']);
    expect(silenced.map((s) => [s.notice.change?.domain, s.silence.id])).toEqual([['quiet.example', 's']]);
  });

  it('resendToAlertmanagers re-sends open alerts to every Alertmanager channel; one failing does not stop the rest', async () => {
    const good = await startHttpReceiver();
    const bad = await startHttpReceiver();
    bad.status.code = 503;
    try {
      const yaml = [
        'channels:',
        '  am1: { type: webhook, format: alertmanager, url: "${AM1}" }',
        '  am2: { type: webhook, format: alertmanager, url: "${AM2}" }',
        '  plain: { type: webhook, url: "${AM1}" }',
        '',
      ].join('\n');
      const config = parseConfig(yaml, 'c.yaml', { env: { AM1: `${bad.url}/a`, AM2: `${good.url}/b` } });
      const channels = createChannels(config.channels, pino({ level: 'silent' }), {
        alertmanager: { resendInterval: 60_000 },
      });
      const change = regressionNotice('x.example').change!;
      const alert: OpenAlert = { kind: 'regression', since: change.at, lastNotifiedAt: change.at, change };
      const open = async function* () {
        yield { domain: 'x.example', check: change.check, subject: change.subject, alert };
      };
      const outcomes = await resendToAlertmanagers(channels, open, { tagsOf: () => ['gold'] }, now);
      expect(outcomes).toEqual([
        { channel: 'am1', sent: 0, error: 'webhook answered HTTP 503' },
        { channel: 'am2', sent: 1 },
      ]);
      const [posted] = JSON.parse(good.requests[0]!.body);
      expect(posted.labels).toMatchObject({ alertname: 'MailwardenRegression', domain: 'x.example', tag_gold: 'true' });
      expect(posted.endsAt).toBe('2026-01-01T00:04:00.000Z');
      expect(good.requests).toHaveLength(1);
    } finally {
      await good.close();
      await bad.close();
    }
  });
});
