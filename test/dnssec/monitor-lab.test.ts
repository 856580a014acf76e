import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { dnssecMonitor } from '../../src/monitors/dnssec/index.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../../src/monitors/types.ts';
import { createTargetGuard } from '../../src/net/target-guard.ts';
import { labInfo } from '../lab/info.ts';
import { ensureDnssecZones, labResolver, unboundSays } from './lab-helpers.ts';

function context(shared = new RunShared(), dns = labResolver()): MonitorContext {
  return {
    dns,
    guard: createTargetGuard({ allowPrivateTargets: true, trusted: [] }),
    options: { ...DEFAULT_CHECK_OPTIONS, allowPrivateTargets: true, trustAnchorFile: labInfo().trustAnchorFile },
    shared,
    now: () => new Date(),
  };
}

function find(findings: Finding[], check: string, subject?: string): Finding {
  const found = findings.find(
    (finding) => finding.check === check && (subject === undefined || finding.subject === subject),
  );
  if (!found)
    throw new Error(
      `no ${check} ${subject ?? ''} in ${JSON.stringify(findings.map((f) => [f.check, f.subject, f.status]))}`,
    );
  return found;
}

describe('the dnssec monitor on the lab', () => {
  beforeAll(async () => {
    await ensureDnssecZones();
  }, 180_000);

  it('reports a healthy signed zone as ok on every check, with the expiry date set', async () => {
    const findings = await dnssecMonitor.run(context(), 'dnssec-alg13.test');
    expect(find(findings, 'dnssec.chain', 'dnssec-alg13.test').status).toBe('ok');
    expect(find(findings, 'dnssec.chain', 'mx1.dnssec-alg13.test').status).toBe('ok');
    const expiry = find(findings, 'dnssec.expiry');
    expect(expiry.status).toBe('ok');
    expect(Date.parse(expiry.expiresAt!)).toBeGreaterThan(Date.now() + 20 * 86400_000);
    expect(find(findings, 'dnssec.algorithm').status).toBe('ok');
    expect(find(findings, 'dnssec.nsec3').summary).toContain('NSEC');
    expect(find(findings, 'dnssec.consistency').status).toBe('ok');
  });

  it('warns about signatures expiring in 36 hours while Unbound still validates them', async () => {
    const findings = await dnssecMonitor.run(context(), 'dnssec-expiring.test');
    expect(await unboundSays('dnssec-expiring.test', 'MX')).toBe('secure');
    expect(find(findings, 'dnssec.chain', 'dnssec-expiring.test').status).toBe('ok');
    const expiry = find(findings, 'dnssec.expiry');
    expect(expiry.status).toBe('warn');
    const hoursLeft = (Date.parse(expiry.expiresAt!) - Date.now()) / 3600_000;
    expect(hoursLeft).toBeGreaterThan(30);
    expect(hoursLeft).toBeLessThan(37);
    expect(expiry.fix).toBeDefined();
  });

  it('fails the chain and the expiry for expired signatures, naming the reason', async () => {
    const findings = await dnssecMonitor.run(context(), 'dnssec-expired.test');
    const chain = find(findings, 'dnssec.chain', 'dnssec-expired.test');
    expect(chain.status).toBe('fail');
    expect(chain.summary).toContain('signature-expired');
    expect(chain.fix).toMatch(/re-sign/i);
    expect(find(findings, 'dnssec.expiry').status).toBe('fail');
  });

  it('fails an unsigned zone (insecure, proven) and tells how to sign it', async () => {
    const findings = await dnssecMonitor.run(context(), 'dnssec-unsigned.test');
    const chain = find(findings, 'dnssec.chain', 'dnssec-unsigned.test');
    expect(chain.status).toBe('fail');
    expect(chain.summary).toContain('not protected by DNSSEC');
    expect(chain.evidence.insecureAt).toBe('dnssec-unsigned.test');
    expect(findings.some((finding) => finding.check === 'dnssec.expiry')).toBe(false);
  });

  it('fails a DS that matches no DNSKEY and points at the registrar', async () => {
    const chain = find(
      await dnssecMonitor.run(context(), 'dnssec-wrongds.test'),
      'dnssec.chain',
      'dnssec-wrongds.test',
    );
    expect(chain.status).toBe('fail');
    expect(chain.summary).toContain('no-dnskey-matches-ds');
    expect(chain.fix).toContain('registrar');
  });

  it('warns about NSEC3 iterations and salt (RFC 9276)', async () => {
    const nsec3 = find(await dnssecMonitor.run(context(), 'dnssec-nsec3iter.test'), 'dnssec.nsec3');
    expect(nsec3.status).toBe('warn');
    expect(nsec3.summary).toContain('10 extra iterations and salt abcd');
  });

  it('finds the stale secondary: older serial, signatures expiring a day earlier', async () => {
    const consistency = find(await dnssecMonitor.run(context(), 'dnssec-stale.test'), 'dnssec.consistency');
    expect(consistency.status).toBe('warn');
    expect(consistency.summary).toContain('SOA serials differ');
    expect(consistency.summary).toMatch(
      /ns2\.dnssec-stale\.test \(127\.53\.1\.4\) serves signatures expiring .* a stale copy/,
    );
  });

  it('keeps the consistency line short and readable: error kind, dates to the minute, days not 699 h', async () => {
    const consistency = find(await dnssecMonitor.run(context(), 'lab-stale.test'), 'dnssec.consistency');
    expect(consistency.status).toBe('warn');
    expect(consistency.summary).toContain('ns3.lab-stale.test (127.53.1.254) does not answer (timeout)');
    expect(consistency.summary).toMatch(
      /SOA serials differ: ns2\.lab-stale\.test \(127\.53\.1\.4\) serves \d+, the others \d+/,
    );
    expect(consistency.summary).toMatch(
      /expiring \d{4}-\d\d-\d\d \d\d:\d\d UTC, 29 days before the others: a stale copy/,
    );
    expect(consistency.summary.length).toBeLessThanOrEqual(300);
  });

  it('says an unsigned zone is consistent without calling it signed', async () => {
    const consistency = find(await dnssecMonitor.run(context(), 'dnssec-unsigned.test'), 'dnssec.consistency');
    expect(consistency.status).toBe('ok');
    expect(consistency.summary).toMatch(
      /^The one authoritative server address of dnssec-unsigned\.test answers for the zone \(serial \d+\)$/,
    );
  });

  it('reports name servers on private addresses as not checked (info), not as an error, without --allow-private-targets', async () => {
    const guarded: MonitorContext = {
      ...context(),
      guard: createTargetGuard({ allowPrivateTargets: false, trusted: [] }),
      options: { ...DEFAULT_CHECK_OPTIONS, trustAnchorFile: labInfo().trustAnchorFile },
    };
    const consistency = find(await dnssecMonitor.run(guarded, 'dnssec-alg13.test'), 'dnssec.consistency');
    expect(consistency.status).toBe('info');
    expect(consistency.summary).toMatch(/^Not checked: 127\.53\.1\.3 is a special-purpose address/);
  });

  it('explains an insecure chain in words (no DS at the parent), naming the zone, also through a CNAME', async () => {
    const own = find(
      await dnssecMonitor.run(context(), 'dnssec-unsigned.test'),
      'dnssec.chain',
      'dnssec-unsigned.test',
    );
    expect(own.summary).toBe(
      'dnssec-unsigned.test is not protected by DNSSEC: dnssec-unsigned.test has no DS record at its parent (proven by NSEC), so validators treat it as unsigned',
    );
    const alias = find(
      await dnssecMonitor.run(context(), 'tlsa-insecureaddr.test'),
      'dnssec.chain',
      'mx1.tlsa-insecureaddr.test',
    );
    expect(alias.status).toBe('fail');
    expect(alias.summary).toMatch(
      /tlsa-unsigned\.test has no DS record at its parent .* \(mx1\.tlsa-insecureaddr\.test is an alias into that zone\)$/,
    );
  });

  it('still compares the name servers of a bogus zone (asks with CD), instead of an error from the resolver SERVFAIL', async () => {
    expect(await unboundSays('dnssec-wrongds.test', 'NS')).toBe('bogus');
    const consistency = find(await dnssecMonitor.run(context(), 'dnssec-wrongds.test'), 'dnssec.consistency');
    expect(consistency.status).toBe('ok');
    expect(consistency.summary).toMatch(/^The one authoritative server address of dnssec-wrongds\.test answers/);
  });

  it('flags a missing RRSIG on the MX RRset as a failing chain', async () => {
    const chain = find(
      await dnssecMonitor.run(context(), 'dnssec-norrsig.test'),
      'dnssec.chain',
      'dnssec-norrsig.test',
    );
    expect(chain.status).toBe('fail');
    expect(chain.summary).toContain('missing-rrsig');
  });

  it('keeps a signed MX host ok when its missing TLSA is only denied under NSEC3 opt-out (as Unbound: A secure)', async () => {
    expect(await unboundSays('mx1.lab-nsec3.test', 'A')).toBe('secure');
    expect(await unboundSays('_25._tcp.mx1.lab-nsec3.test', 'TLSA')).toBe('insecure');
    const chain = find(await dnssecMonitor.run(context(), 'lab-nsec3.test'), 'dnssec.chain', 'mx1.lab-nsec3.test');
    expect(chain.status).toBe('ok');
    expect(chain.summary).toContain('mx1.lab-nsec3.test is DNSSEC-signed and validates');
    const tlsa = (chain.evidence.rrsets as { type: string; verdict: string }[]).find((r) => r.type === 'TLSA');
    expect(tlsa?.verdict).toBe('insecure');
  });

  it('validates root and TLD keys once per run: a second domain costs fewer queries (measured)', async () => {
    const shared = new RunShared();
    const dns = labResolver();
    const measure = async (domain: string) => {
      const before = dns.stats().requested;
      const started = performance.now();
      await dnssecMonitor.run(context(shared, dns), domain);
      return { domain, queries: dns.stats().requested - before, ms: Math.round(performance.now() - started) };
    };
    const cold = await measure('dnssec-alg8.test');
    const warm = await measure('dnssec-alg15.test');
    console.log(`[dnssec cost] cold ${JSON.stringify(cold)} warm ${JSON.stringify(warm)}`);
    expect(warm.queries).toBeLessThan(cold.queries);
  });
});
