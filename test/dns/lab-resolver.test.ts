/**
 * The DNS layer against the real lab: Unbound as the validating resolver, NSD as authoritative servers.
 * Zone: test/lab/zones/dns/dns-layer.zone (dns-layer.test).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, lookup, txtStrings } from '../../src/dns/lookup.ts';
import { createResolver, type Resolver } from '../../src/dns/resolver.ts';
import { checkDnssecSupport, probeResolver } from '../../src/dns/resolver-health.ts';
import { replaceZone } from '../lab/control.ts';
import { labInfo, labZone } from '../lab/info.ts';

const ZONE = 'dns-layer.test';
let dns: Resolver;

beforeAll(async () => {
  const lab = labInfo();
  // A lab reused from before this zone existed gets it added (the same text as the repository file).
  if (!lab.zones.some((zone) => zone.name === ZONE)) {
    await replaceZone(ZONE, readFileSync(new URL('../lab/zones/dns/dns-layer.zone', import.meta.url), 'utf8'));
  }
  dns = createResolver({ servers: [lab.resolver], timeoutMs: 2000, retries: 1 });
});

afterAll(() => dns?.close());

describe('lab resolver (Unbound)', () => {
  it('resolves A, AAAA and MX of a signed zone', async () => {
    const mx = await lookup(dns, ZONE, 'MX');
    expect(mx.kind === 'records' && mx.records.map((record) => record.data)).toEqual([
      { preference: 10, exchange: `mail.${ZONE}` },
    ]);
    const addresses = await addressesOf(dns, ZONE);
    expect(addresses.ipv4).toEqual(['127.25.0.9']);
    expect(addresses.ipv6).toEqual(['fd00::25']);
  });

  it('joins the character-strings of a TXT record', async () => {
    const txt = await lookup(dns, ZONE, 'TXT');
    expect(txt.kind === 'records' && txt.records.map(txtStrings)).toEqual(['v=spf1 ip4:192.0.2.0/24 -all']);
  });

  it('follows a CNAME chain', async () => {
    const result = await lookup(dns, `alias.${ZONE}`, 'A');
    expect(result).toMatchObject({ kind: 'records', cnameChain: [`alias2.${ZONE}`, `mail.${ZONE}`] });
    expect(result.kind === 'records' && result.records[0]!.data).toBe('127.25.0.1');
  });

  it('reports NXDOMAIN and NODATA as answers', async () => {
    expect((await lookup(dns, 'does-not-exist.test', 'A')).kind).toBe('nxdomain');
    expect((await lookup(dns, `mail.${ZONE}`, 'MX')).kind).toBe('nodata');
  });

  it('returns RRSIG with DO, AD from the validating resolver, and RDATA the validator can use', async () => {
    const answer = await dns.query(ZONE, 'MX', { dnssec: true });
    expect(answer.flags.ad).toBe(true);
    expect(answer.dnssecOk).toBe(true);
    const rrsig = answer.answers.find((record) => record.type === 'RRSIG');
    expect(rrsig?.data).toMatchObject({ typeCovered: 'MX', signersName: ZONE, keyTag: expect.any(Number) });
    const mx = answer.answers.find((record) => record.type === 'MX')!;
    // Uncompressed wire RDATA: preference 10, then mail.dns-layer.test in full.
    expect(Buffer.from(mx.rdata)).toEqual(Buffer.from(`\x00\x0a\x04mail\x09dns-layer\x04test\x00`, 'latin1'));
    const plain = await dns.query(ZONE, 'MX');
    expect(plain.answers.some((record) => record.type === 'RRSIG')).toBe(false);
  });

  it('gets DNSKEY and DS records with their signatures', async () => {
    const keys = await dns.query(ZONE, 'DNSKEY', { dnssec: true });
    const ksk = labZone(ZONE).kskTag;
    expect(keys.answers.filter((record) => record.type === 'DNSKEY').length).toBeGreaterThanOrEqual(2);
    expect(
      keys.answers.some((record) => record.type === 'RRSIG' && (record.data as { keyTag: number }).keyTag === ksk),
    ).toBe(true);
    const ds = await dns.query(ZONE, 'DS', { dnssec: true });
    expect(ds.answers.find((record) => record.type === 'DS')?.data).toMatchObject({ keyTag: ksk, digestType: 2 });
  });

  it('falls back to TCP for an answer larger than 1232 bytes', async () => {
    const answer = await dns.query(`big.${ZONE}`, 'TXT', { dnssec: true });
    expect(answer.transport).toBe('tcp');
    expect(txtStrings(answer.answers.find((record) => record.type === 'TXT')!)).toHaveLength(8 * 250);
  });

  it('gives a typed SERVFAIL for a zone whose signatures expired, and the data with CD', async () => {
    // Unbound says why (RFC 8914): EDE 7, Signature Expired.
    await expect(dns.query('lab-expired.test', 'SOA')).rejects.toMatchObject({
      kind: 'servfail',
      ede: [expect.objectContaining({ code: 7 })],
    });
    const unchecked = await dns.query('lab-expired.test', 'SOA', { checkingDisabled: true, dnssec: true });
    expect(unchecked.answers.some((record) => record.type === 'SOA')).toBe(true);
    expect(unchecked.flags.ad).toBe(false);
  });

  it('passes the DNSSEC-stripping check and the canary probe', async () => {
    const fresh = createResolver({ servers: [labInfo().resolver], cache: false });
    try {
      expect((await checkDnssecSupport(fresh)).problem).toBeUndefined();
      expect((await probeResolver(fresh)).ok).toBe(true);
    } finally {
      fresh.close();
    }
  });
});

describe('lab authoritative server (NSD), queried directly', () => {
  it('answers an RD=0 query authoritatively', async () => {
    const server = labInfo().authoritative.find(
      (entry) => entry.zones.includes(ZONE) || entry.zones.includes(`${ZONE}.`),
    );
    const target = server ?? labInfo().authoritative.find((entry) => entry.address === '127.53.1.3')!;
    const answer = await dns.queryServer({ address: target.address, port: target.port }, ZONE, 'SOA', { dnssec: true });
    expect(answer.flags.aa).toBe(true);
    expect(answer.flags.rd).toBe(false);
    expect(answer.server).toBe(`${target.address}:${target.port}`);
    const soa = answer.answers.find((record) => record.type === 'SOA');
    expect((soa?.data as { serial?: number } | undefined)?.serial).toBe(labZone(ZONE).serial);
    expect(answer.answers.some((record) => record.type === 'RRSIG')).toBe(true);
  });

  it('gets a referral, not an answer, from the TLD server without recursion', async () => {
    const tld = labInfo().authoritative.find((entry) => entry.address === '127.53.1.2')!;
    const answer = await dns.queryServer({ address: tld.address, port: tld.port }, `mail.${ZONE}`, 'A');
    expect(answer.answers).toEqual([]);
    expect(answer.authorities.some((record) => record.type === 'NS' && record.name === ZONE)).toBe(true);
  });
});
