import { describe, expect, it } from 'vitest';
import type { Finding, Status } from '../../src/model.ts';
import { formatScoreLine } from '../../src/score/format.ts';
import { mailScore } from '../../src/score/index.ts';

const f = (check: string, subject: string, status: Status, evidence: Record<string, unknown> = {}): Finding => ({
  check,
  subject,
  status,
  summary: `${check} ${status}`,
  evidence,
});

const category = (findings: Finding[], name: string) =>
  mailScore({ domain: 'example.test', findings }).categories.find((c) => c.name === name)!;

const nameservers = (...list: [string, string[]][]) =>
  f('ipv6.ns-address', 'example.test', 'ok', { nameservers: list.map(([name, ipv6]) => ({ name, ipv6, ipv4: [] })) });
const reach = (name: string, ...reachable: boolean[]) =>
  f('ipv6.ns-reachable', name, reachable.every(Boolean) ? 'ok' : 'fail', {
    addresses: reachable.map((r, i) => ({ address: `2001:db8::${i + 1}`, reachable: r })),
  });

describe('IPv6 name servers (Internet.nl do_ns)', () => {
  it('a lone name server gets at most half', () => {
    expect(category([nameservers(['ns1', ['2001:db8::1']]), reach('ns1', true)], 'ipv6')).toMatchObject({
      points: 5,
      max: 10,
      percent: 50,
    });
  });
  it('some addresses unreachable: 2 points for that server, averaged', () => {
    const findings = [nameservers(['a', ['x', 'y']], ['b', ['z']]), reach('a', true, false), reach('b', true)];
    expect(category(findings, 'ipv6')).toMatchObject({ points: 6, percent: 60 });
  });
  it('an undetermined reachability leaves the category unscored, never 0', () => {
    const findings = [nameservers(['a', ['x']], ['b', ['y']]), reach('a', true), f('ipv6.ns-reachable', 'b', 'error')];
    const score = mailScore({ domain: 'example.test', findings });
    expect(score.categories.find((c) => c.name === 'ipv6')).toMatchObject({ percent: null });
    expect(score.complete).toBe(false);
  });
});

describe('DNSSEC', () => {
  it('the lowest subject decides: bogus 0, insecure 2, secure 10', () => {
    const chain = (subject: string, status: Status, verdict: string) =>
      f('dnssec.chain', subject, status, { rrsets: [{ verdict }] });
    expect(
      category([chain('example.test', 'ok', 'secure'), chain('mx.other.test', 'fail', 'insecure')], 'dnssec').percent,
    ).toBe(20);
    expect(
      category([chain('example.test', 'ok', 'secure'), chain('mx.other.test', 'fail', 'bogus')], 'dnssec').percent,
    ).toBe(0);
  });
});

describe('STARTTLS and DANE', () => {
  it('the weakest mail server decides; without STARTTLS nothing scores, assumed subtests included', () => {
    const findings = [
      f('mx.records', 'example.test', 'ok'),
      f('starttls.offered', 'mx1.example.test/192.0.2.1', 'ok'),
      f('starttls.protocol', 'mx1.example.test/192.0.2.1', 'warn'),
      f('starttls.cipher', 'mx1.example.test/192.0.2.1', 'ok'),
      f('starttls.offered', 'mx2.example.test/192.0.2.2', 'fail'),
    ];
    expect(category(findings, 'tls')).toMatchObject({ points: 0, max: 130, percent: 0 });
    expect(category(findings.slice(0, 4), 'tls')).toMatchObject({ points: 110, percent: 84 });
  });
});

describe('RPKI', () => {
  it('not configured: not scored, and the score says it is incomplete', () => {
    const score = mailScore({ domain: 'example.test', findings: [f('rpki.config', 'example.test', 'info')] });
    expect(score.categories.find((c) => c.name === 'rpki')?.percent).toBeNull();
    expect(score.complete).toBe(false);
  });
});

describe('the score line of the table', () => {
  const score = mailScore({
    domain: 'example.test',
    findings: [nameservers(['a', ['x']], ['b', ['y']]), reach('a', true), reach('b', true)],
  });

  it('is worded in the language asked for, categories that could not be scored named as such', () => {
    const english = formatScoreLine(score, 'en');
    const dutch = formatScoreLine(score, 'nl');
    expect(english).toMatch(/^mail score \d+\/100 \(Internet\.nl rules, incomplete: not comparable; IPv6 100, /);
    expect(english).toContain('RPKI not scored');
    expect(dutch).toMatch(/^mailscore \d+\/100 \(regels van Internet\.nl, onvolledig: niet vergelijkbaar; IPv6 100, /);
    expect(dutch).toContain('RPKI geen score');
    expect(dutch).not.toMatch(/not scored|rules|authentication/);
  });
});
