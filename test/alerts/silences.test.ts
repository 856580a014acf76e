import { describe, expect, it } from 'vitest';
import { applySilences, type Silence, silenceMatches, silencesFromConfig } from '../../src/alerts/silences.ts';
import { ConfigError, parseConfig } from '../../src/config/load.ts';
import { resolverNotice } from '../../src/daemon/notices.ts';
import { regressionNotice } from './helpers.ts';

const now = new Date('2026-06-01T12:00:00Z');
const silence = (overrides: Partial<Silence>): Silence => ({
  id: 's1',
  startsAt: '2026-06-01T00:00:00Z',
  endsAt: '2026-06-02T00:00:00Z',
  comment: 'MX migration',
  createdBy: 'ops',
  source: 'cli',
  ...overrides,
});
const target = { domain: 'shop.example.nl', check: 'dane.match', tags: ['customer-x'] };

describe('silences and maintenance windows', () => {
  it('matches by domain (exact or *.suffix), tag and check area; every given list must match', () => {
    expect(silenceMatches(silence({ domains: ['shop.example.nl'] }), target, now)).toBe(true);
    expect(silenceMatches(silence({ domains: ['*.example.nl'] }), target, now)).toBe(true);
    expect(silenceMatches(silence({ domains: ['example.nl'] }), target, now)).toBe(false);
    expect(silenceMatches(silence({ tags: ['customer-y', 'customer-x'] }), target, now)).toBe(true);
    expect(silenceMatches(silence({ checks: ['dane'] }), target, now)).toBe(true);
    expect(silenceMatches(silence({ checks: ['dane.tlsa'] }), target, now)).toBe(false);
    expect(silenceMatches(silence({ tags: ['customer-x'], checks: ['spf'] }), target, now)).toBe(false);
  });

  it('is in force only from startsAt until endsAt (a maintenance window ahead does not silence now)', () => {
    const ahead = silence({ domains: ['shop.example.nl'], startsAt: '2026-06-01T22:00:00Z' });
    expect(silenceMatches(ahead, target, now)).toBe(false);
    expect(silenceMatches(ahead, target, new Date('2026-06-01T22:00:00Z'))).toBe(true);
    expect(silenceMatches(ahead, target, new Date('2026-06-02T00:00:00Z'))).toBe(false);
  });

  it('a silence without any matcher silences nothing; resolver notices are never silenced', () => {
    expect(silenceMatches(silence({}), target, now)).toBe(false);
    const notices = [
      regressionNotice('shop.example.nl', {}, ['customer-x']),
      regressionNotice('other.example'),
      resolverNotice('resolver-down', 'x', now.toISOString(), now.toISOString()),
    ];
    const { send, silenced } = applySilences(notices, [silence({ tags: ['customer-x'] })], now);
    expect(silenced.map((s) => s.notice.change?.domain)).toEqual(['shop.example.nl']);
    expect(silenced[0]!.silence.comment).toBe('MX migration');
    expect(send.map((n) => n.type)).toEqual(['regression', 'resolver-down']);
  });

  it('reads silences from the configuration, with stable ids, and refuses one without matcher or comment', () => {
    const yaml = [
      'silences:',
      '  - domains: ["*.example.nl"]',
      '    checks: [dane]',
      '    endsAt: 2026-06-02T00:00:00Z',
      '    comment: certificate rollover',
      '',
    ].join('\n');
    const config = parseConfig(yaml, 'config.yaml', { env: {} });
    const [first] = silencesFromConfig(config.silences, now);
    expect(first).toMatchObject({
      domains: ['*.example.nl'],
      checks: ['dane'],
      startsAt: now.toISOString(),
      endsAt: '2026-06-02T00:00:00.000Z',
      source: 'config',
      createdBy: 'config',
    });
    expect(silencesFromConfig(config.silences, now)[0]!.id).toBe(first!.id);
    expect(() =>
      parseConfig('silences:\n  - endsAt: 2026-06-02T00:00:00Z\n    comment: x\n', 'c.yaml', { env: {} }),
    ).toThrow(ConfigError);
    expect(() =>
      parseConfig('silences:\n  - tags: [a]\n    endsAt: 2026-06-02T00:00:00Z\n', 'c.yaml', { env: {} }),
    ).toThrow(/comment/);
    expect(() =>
      parseConfig('silences:\n  - tags: [a]\n    endsAt: tomorrow\n    comment: x\n', 'c.yaml', { env: {} }),
    ).toThrow(/ISO 8601/);
  });
});
