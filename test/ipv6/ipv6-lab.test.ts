/**
 * IPv6 for mail through the real lab: the lab's own network namespace holds an NSD answering over IPv6 on two
 * addresses and an SMTP server with STARTTLS; one more address there refuses everything. Zones in
 * test/lab/zones/ipv6/ point name servers and MX hosts at them; `mailwarden check` reads them through the lab's
 * Unbound and probes the addresses itself. The per-address probes (STARTTLS, DANE) run on the IPv6 addresses too.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { labInfo } from '../lab/info.ts';
import { labCheckFlags } from '../support/cli.ts';
import { type CheckRun, finding, findingsOf, runCheck } from '../transport-e2e/run-check.ts';

let run: CheckRun;
let v6: NonNullable<ReturnType<typeof labInfo>['ipv6']>;

beforeAll(async () => {
  const lab = labInfo();
  if (!lab.ipv6) throw new Error('the lab has no IPv6 hosts (lab.json has no ipv6)');
  v6 = lab.ipv6;
  const domains = ['ipv6-good.test', 'ipv6-partial.test', 'ipv6-refused.test', 'mx-good.test', 'mx-null.test'];
  run = await runCheck([
    ...domains,
    ...labCheckFlags(),
    '--timeout',
    '3000',
    '--checks',
    'mx,starttls,dane,ipv6',
    '--json',
  ]);
}, 170_000);

const get = (domain: string, check: string, subject: string) => finding(findingsOf(run, domain), check, subject);

describe('name servers', () => {
  it('two name servers with AAAA, both answering over IPv6: ok', () => {
    const address = get('ipv6-good.test', 'ipv6.ns-address', 'ipv6-good.test');
    expect(address.status).toBe('ok');
    expect(address.summary).toBe('2 of 3 name servers of ipv6-good.test have an IPv6 address');
    for (const [ns, ip] of [
      ['ns6a', v6.nameservers[0]],
      ['ns6b', v6.nameservers[1]],
    ]) {
      const reach = get('ipv6-good.test', 'ipv6.ns-reachable', `${ns}.ipv6-good.test`);
      expect(reach.status).toBe('ok');
      expect(reach.evidence.addresses).toEqual([{ address: ip, reachable: true }]);
    }
  });

  it('only one name server with AAAA: warn', () => {
    const address = get('ipv6-partial.test', 'ipv6.ns-address', 'ipv6-partial.test');
    expect(address.status).toBe('warn');
    expect(address.summary).toContain('Only one name server');
  });

  it('no name server with AAAA: warn, and nothing to reach', () => {
    const findings = findingsOf(run, 'mx-good.test');
    expect(finding(findings, 'ipv6.ns-address', 'mx-good.test').status).toBe('warn');
    expect(findings.filter((f) => f.check === 'ipv6.ns-reachable')).toEqual([]);
  });

  it('an AAAA where nothing answers: that name server fails ipv6.ns-reachable, the other passes', () => {
    expect(get('ipv6-refused.test', 'ipv6.ns-address', 'ipv6-refused.test').status).toBe('ok');
    expect(get('ipv6-refused.test', 'ipv6.ns-reachable', 'ns6a.ipv6-refused.test').status).toBe('ok');
    const dead = get('ipv6-refused.test', 'ipv6.ns-reachable', 'ns6x.ipv6-refused.test');
    expect(dead.status).toBe('fail');
    expect(dead.summary).toContain(v6.refused);
  });
});

describe('MX hosts', () => {
  it('AAAA and SMTP on port 25 over IPv6: ok', () => {
    expect(get('ipv6-good.test', 'ipv6.mx-address', 'mx6.ipv6-good.test').status).toBe('ok');
    expect(get('ipv6-good.test', 'ipv6.mx-reachable', `mx6.ipv6-good.test/${v6.smtp}`).status).toBe('ok');
  });

  it('no AAAA: warn (not deployed, not broken)', () => {
    expect(get('ipv6-partial.test', 'ipv6.mx-address', 'mx1.ipv6-partial.test').status).toBe('warn');
    expect(get('mx-good.test', 'ipv6.mx-address', 'mx1.mx-good.test').status).toBe('warn');
  });

  it('AAAA where the connection is refused: ipv6.mx-reachable fails', () => {
    const reach = get('ipv6-refused.test', 'ipv6.mx-reachable', `mx6.ipv6-refused.test/${v6.refused}`);
    expect(reach.status).toBe('fail');
    expect(reach.evidence).toMatchObject({ outcome: 'refused', stage: 'connect' });
  });

  it('null MX: no MX findings at all', () => {
    expect(findingsOf(run, 'mx-null.test').filter((f) => f.check.startsWith('ipv6.mx'))).toEqual([]);
  });
});

describe('per-address probes run on IPv6 addresses too', () => {
  it('STARTTLS and DANE on the IPv6 address of mx6.ipv6-good.test', () => {
    const subject = `mx6.ipv6-good.test/${v6.smtp}`;
    expect(get('ipv6-good.test', 'starttls.offered', subject).status).toBe('ok');
    expect(get('ipv6-good.test', 'starttls.certificate', subject).status).toBe('ok');
    expect(get('ipv6-good.test', 'dane.match', subject).status).toBe('ok');
  });
});
