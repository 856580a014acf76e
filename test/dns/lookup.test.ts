import { describe, expect, it } from 'vitest';
import { DnsError } from '../../src/dns/errors.ts';
import { addressesOf, lookup, txtStrings } from '../../src/dns/lookup.ts';
import { emptyQueryStats } from '../../src/dns/query-stats.ts';
import type { DnsAnswer, DnsClient, DnsRecord } from '../../src/dns/types.ts';
import { fakeAnswer } from '../support/fake-dns.ts';

const rr = (name: string, type: string, data: unknown): DnsRecord => ({
  name,
  type,
  class: 'IN',
  ttl: 60,
  data,
  rdata: new Uint8Array(),
});

/** A hand-built answer: the lookup helpers under test read only the rcode and the answer section. */
const answer = (rcode: string, answers: DnsRecord[]): DnsAnswer =>
  fakeAnswer({ name: '', type: '', class: 'IN' }, rcode, { answers, server: 'fake' });

/** In-memory DnsClient: `name type` → answer or error. */
function fakeDns(table: Record<string, DnsAnswer | DnsError>): DnsClient {
  return {
    async query(name, type) {
      const entry = table[`${name} ${type}`] ?? answer('NOERROR', []);
      if (entry instanceof DnsError) throw entry;
      return entry;
    },
    queryServer: () => Promise.reject(new Error('unused')),
    stats: emptyQueryStats,
  };
}

const servfail = (name: string, type: string) =>
  new DnsError('servfail', { name, type, class: 'IN' }, 'SERVFAIL', { server: 'fake' });

describe('lookup', () => {
  it('follows a CNAME chain inside the answer, case-insensitively', async () => {
    const dns = fakeDns({
      'www.example.nl A': answer('NOERROR', [
        rr('www.example.nl', 'CNAME', 'Edge.CDN.example'),
        rr('edge.cdn.example', 'CNAME', 'pop1.cdn.example'),
        rr('pop1.cdn.example', 'A', '192.0.2.1'),
        rr('pop1.cdn.example', 'RRSIG', {}),
        rr('unrelated.example', 'A', '192.0.2.99'),
      ]),
    });
    const result = await lookup(dns, 'www.example.nl', 'A');
    expect(result.kind).toBe('records');
    expect(result.cnameChain).toEqual(['Edge.CDN.example', 'pop1.cdn.example']);
    expect(result.kind === 'records' && result.records.map((record) => record.data)).toEqual(['192.0.2.1']);
  });

  it('reports NXDOMAIN at the end of a chain and NODATA', async () => {
    const dns = fakeDns({
      'mx.example.nl A': answer('NXDOMAIN', [rr('mx.example.nl', 'CNAME', 'gone.example.nl')]),
      'example.nl AAAA': answer('NOERROR', []),
    });
    expect(await lookup(dns, 'mx.example.nl', 'A')).toMatchObject({
      kind: 'nxdomain',
      cnameChain: ['gone.example.nl'],
    });
    expect(await lookup(dns, 'example.nl', 'AAAA')).toMatchObject({ kind: 'nodata', cnameChain: [] });
  });

  it('stops on a CNAME loop instead of spinning', async () => {
    const dns = fakeDns({
      'a.example.nl A': answer('NOERROR', [
        rr('a.example.nl', 'CNAME', 'b.example.nl'),
        rr('b.example.nl', 'CNAME', 'a.example.nl'),
      ]),
    });
    expect(await lookup(dns, 'a.example.nl', 'A')).toMatchObject({ kind: 'nodata', cnameChain: ['b.example.nl'] });
  });

  it('returns the CNAME itself when CNAME is asked for', async () => {
    const dns = fakeDns({ 'www.example.nl CNAME': answer('NOERROR', [rr('www.example.nl', 'CNAME', 'x.example')]) });
    expect(await lookup(dns, 'www.example.nl', 'CNAME')).toMatchObject({ kind: 'records', cnameChain: [] });
  });

  it('passes DnsError through', async () => {
    const dns = fakeDns({ 'example.nl MX': servfail('example.nl', 'MX') });
    await expect(lookup(dns, 'example.nl', 'MX')).rejects.toMatchObject({ kind: 'servfail' });
  });
});

describe('txtStrings', () => {
  it('joins character-strings without a separator', () => {
    const record = rr('example.nl', 'TXT', [Buffer.from('v=spf1 include:_spf.exa'), Buffer.from('mple.nl -all')]);
    expect(txtStrings(record)).toBe('v=spf1 include:_spf.example.nl -all');
  });

  it('keeps a UTF-8 character split across two strings intact', () => {
    const euro = Buffer.from('€', 'utf8');
    const record = rr('example.nl', 'TXT', [
      Buffer.concat([Buffer.from('price '), euro.subarray(0, 1)]),
      euro.subarray(1),
    ]);
    expect(txtStrings(record)).toBe('price €');
  });

  it('decodes invalid UTF-8 byte for byte as Latin-1 instead of inventing replacement characters', () => {
    const record = rr('example.nl', 'TXT', [Buffer.from([0x63, 0x61, 0x66, 0xe9])]);
    expect(txtStrings(record)).toBe('café');
  });

  it('handles an empty TXT record', () => {
    expect(txtStrings(rr('example.nl', 'TXT', []))).toBe('');
  });
});

describe('addressesOf', () => {
  it('collects A and AAAA', async () => {
    const dns = fakeDns({
      'mx.example.nl A': answer('NOERROR', [
        rr('mx.example.nl', 'A', '192.0.2.1'),
        rr('mx.example.nl', 'A', '192.0.2.2'),
      ]),
      'mx.example.nl AAAA': answer('NOERROR', [rr('mx.example.nl', 'AAAA', '2001:db8::1')]),
    });
    expect(await addressesOf(dns, 'mx.example.nl')).toEqual({
      addresses: ['192.0.2.1', '192.0.2.2', '2001:db8::1'],
      ipv4: ['192.0.2.1', '192.0.2.2'],
      ipv6: ['2001:db8::1'],
      nxdomain: false,
      cnameChain: [],
      errors: [],
    });
  });

  it('says NXDOMAIN only when both queries say so', async () => {
    const gone = answer('NXDOMAIN', []);
    expect((await addressesOf(fakeDns({ 'x.nl A': gone, 'x.nl AAAA': gone }), 'x.nl')).nxdomain).toBe(true);
    expect((await addressesOf(fakeDns({ 'x.nl A': gone }), 'x.nl')).nxdomain).toBe(false);
  });

  it('keeps the addresses found when the other family failed, and names the failure', async () => {
    const dns = fakeDns({
      'mx.example.nl A': answer('NOERROR', [rr('mx.example.nl', 'A', '192.0.2.1')]),
      'mx.example.nl AAAA': servfail('mx.example.nl', 'AAAA'),
    });
    const result = await addressesOf(dns, 'mx.example.nl');
    expect(result.addresses).toEqual(['192.0.2.1']);
    expect(result.errors.map((error) => error.kind)).toEqual(['servfail']);
  });

  it('throws when a failure leaves no address known', async () => {
    const dns = fakeDns({ 'mx.example.nl AAAA': servfail('mx.example.nl', 'AAAA') });
    await expect(addressesOf(dns, 'mx.example.nl')).rejects.toMatchObject({ kind: 'servfail' });
  });
});
