import { describe, expect, it } from 'vitest';
import { buildDigest, renderText } from '../../src/alerts/digest.ts';
import { planGroup } from '../../src/alerts/group-timing.ts';
import { groupByRootCause, sharedThingKey, sharedThingOf } from '../../src/alerts/root-cause.ts';
import type { Change, Finding } from '../../src/model.ts';
import type { Notice } from '../../src/state/types.ts';

const finding = (check: string, subject: string, status: Finding['status'], evidence = {}): Finding => ({
  check,
  subject,
  status,
  summary: `${check} ${status}`,
  evidence,
});

function notice(domain: string, check: string, subject: string, type: Notice['type'] = 'regression'): Notice {
  const change: Change = {
    kind: type === 'reminder' ? 'regression' : (type as Change['kind']),
    domain,
    check,
    subject,
    before: finding(check, subject, 'ok'),
    after: finding(check, subject, 'fail', { offered: false }),
    at: '2026-01-01T00:00:00.000Z',
  };
  return { key: `${type}|${domain}|${check}|${subject}`, type, change, tags: [], at: change.at };
}

describe('root-cause grouping', () => {
  it('names the shared thing of a change', () => {
    const at = { domain: 'a.example', before: undefined, after: undefined };
    expect(sharedThingKey({ ...at, check: 'starttls.offered', subject: 'mx1.hoster.net/192.0.2.1' })).toBe(
      'mx-address:192.0.2.1',
    );
    expect(sharedThingKey({ ...at, check: 'dane.match', subject: 'mx1.hoster.net/2001:db8::1' })).toBe(
      'mx-address:2001:db8::1',
    );
    expect(sharedThingKey({ ...at, check: 'dane.tlsa', subject: 'mx1.hoster.net' })).toBe(
      'tlsa:_25._tcp.mx1.hoster.net',
    );
    expect(sharedThingKey({ ...at, check: 'dnssec.chain', subject: 'hoster.net' })).toBe('dns-zone:hoster.net');
    expect(sharedThingKey({ ...at, check: 'dnssec.chain', subject: 'a.example' })).toBeUndefined();
    expect(sharedThingKey({ ...at, check: 'dmarc.policy', subject: 'a.example' })).toBeUndefined();
    const spf = finding('spf.policy', 'a.example', 'fail', {
      passAllIncludes: [{ target: '_spf.Mailer.example', term: 'include:_spf.mailer.example', domain: 'a.example' }],
    });
    expect(sharedThingOf({ ...at, check: 'spf.policy', subject: 'a.example', after: spf })).toEqual({
      key: 'spf-include:_spf.mailer.example',
      kind: 'spf-include',
      label: 'SPF include _spf.mailer.example',
    });
  });

  it('one shared MX address failing for 45 domains (under two host names) is one group naming it and every domain', () => {
    const notices = Array.from({ length: 45 }, (_, i) =>
      notice(`d${String(i).padStart(2, '0')}.example`, 'starttls.offered', `mx${i % 2}.hoster.net/192.0.2.1`),
    );
    notices.push(notice('own.example', 'dmarc.policy', 'own.example'));
    const { groups, rest } = groupByRootCause(notices);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.cause.key).toBe('mx-address:192.0.2.1');
    expect(groups[0]!.domains).toHaveLength(45);
    expect(rest.map((n) => n.change?.domain)).toEqual(['own.example']);

    const digest = buildDigest(notices);
    expect(digest.groups).toHaveLength(2);
    const [shared] = digest.groups;
    expect(shared!.heading).toContain('MX address 192.0.2.1');
    expect(shared!.heading).toContain('(45 domains)');
    expect(shared!.domains).toEqual(groups[0]!.domains);
    expect(shared!.items).toHaveLength(1);
    const text = renderText(digest);
    for (const domain of groups[0]!.domains) expect(text).toContain(domain);
  });

  it('bounds a message: the first groups and items are shown, the rest counted', () => {
    // 40 domains with 5 selectors each failing: 200 groups (one per DKIM host), and one group of 10,000 notices.
    const perHost = Array.from({ length: 40 }, (_, d) =>
      Array.from({ length: 5 }, (_, s) => notice(`d${d}.example`, 'dkim.key', `s${s}._domainkey.d${d}.example`)),
    ).flat();
    const wide = Array.from({ length: 10_000 }, (_, i) => notice(`w${i}.example`, 'dmarc.policy', `w${i}.example`));
    const digest = buildDigest([...wide, ...perHost]);
    expect(digest.groups).toHaveLength(101);
    const [first] = digest.groups;
    expect(first!.heading).toContain('(10000 domains)');
    expect(first!.items).toHaveLength(10);
    expect(first!.more).toBe(9_990);
    expect(digest.groups.at(-1)!.heading).toBe('… and 101 more groups (101 notices)');
    expect(digest.counts).toBe('10200 × regression');
    expect(renderText(digest).length).toBeLessThan(200_000);
  });

  it('keeps different transitions and kinds of the same thing apart', () => {
    const fail = notice('a.example', 'starttls.offered', 'mx.hoster.net/192.0.2.1');
    const recovered = notice('b.example', 'starttls.offered', 'mx.hoster.net/192.0.2.1', 'recovery');
    expect(groupByRootCause([fail, recovered]).groups).toHaveLength(2);
  });
});

describe('group wait and group interval (per route)', () => {
  const timing = { groupWait: 30_000, groupInterval: 300_000 };
  const held = (at: number, type: Notice['type'] = 'regression') => ({
    notice: { ...notice(`d${at}.example`, 'dmarc.policy', `d${at}.example`), type },
    heldSince: at,
  });

  it('holds the first notice of a quiet route for groupWait, then sends the whole wave as one message', () => {
    const pending = [held(0), held(10_000), held(29_000)];
    expect(planGroup(pending, timing, undefined, 20_000)).toMatchObject({ send: [], nextAt: 30_000 });
    expect(planGroup(pending, timing, undefined, 20_000).hold).toHaveLength(3);
    const plan = planGroup(pending, timing, undefined, 30_000);
    expect(plan.send).toHaveLength(3);
    expect(plan.hold).toEqual([]);
  });

  it('after a message, waits groupInterval before the next; a long-quiet route waits only groupWait', () => {
    expect(planGroup([held(100_000)], timing, 60_000, 200_000)).toMatchObject({ send: [], nextAt: 360_000 });
    expect(planGroup([held(100_000)], timing, 60_000, 360_000).send).toHaveLength(1);
    expect(planGroup([held(1_000_000)], timing, 60_000, 1_000_000)).toMatchObject({ nextAt: 1_030_000 });
  });

  it('sends a resolver alert at once, with whatever is held', () => {
    const plan = planGroup([held(0), held(5_000, 'resolver-down')], timing, undefined, 5_000);
    expect(plan.send).toHaveLength(2);
  });

  it('with nothing pending, plans nothing', () => {
    expect(planGroup([], timing, undefined, 0)).toEqual({ send: [], hold: [] });
  });
});
