import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/dns/dnssec/algorithms.ts';
import { base32HexEncode, nsec3Hash } from '../../src/dns/dnssec/nsec3-hash.ts';
import { computeKeyTag, parseDnskey } from '../../src/dns/dnssec/rdata/dnskey.ts';
import { dsDigest, parseDs } from '../../src/dns/dnssec/rdata/ds.ts';
import { verifyRrset } from '../../src/dns/dnssec/verify-rrset.ts';
import { parseZoneFile } from '../../src/dns/dnssec/zone-file.ts';
import type { DnsRecord } from '../../src/dns/types.ts';

/** The examples of RFC 5702 §6, RFC 6605 §6 and RFC 8080 §6 (as corrected by erratum 4935). */
interface Vector {
  title: string;
  zone: string;
  /** DNSKEY, the signed RRset, its RRSIG and optionally the DS, in zone-file form. */
  text: string;
  keyTag: number;
  /** A moment inside the signature validity window. */
  at: string;
}

const VECTORS: Vector[] = [
  {
    title: 'RFC 5702 §6.1 RSA/SHA-256',
    zone: 'example.net',
    keyTag: 9033,
    at: '2010-01-01T00:00:00Z',
    text: `
example.net. 3600 IN DNSKEY 256 3 8 ( AwEAAcFcGsaxxdgiuuGmCkVImy4h99CqT7jwY3pexPGcnUFtR2Fh36BponcwtkZ4cAgtvd4Qs8Pkx
  Udp6p/DlUmObdk= )
www.example.net. 3600 IN A 192.0.2.91
www.example.net. 3600 IN RRSIG A 8 3 3600 20300101000000 20000101000000 9033 example.net. (
  kRCOH6u7l0QGy9qpC9l1sLncJcOKFLJ7GhiUOibu4teYp5VE9RncriShZNz85mwlMgNEacFYK/lPtPiVYP4bwg== )`,
  },
  {
    title: 'RFC 5702 §6.2 RSA/SHA-512',
    zone: 'example.net',
    keyTag: 3740,
    at: '2010-01-01T00:00:00Z',
    text: `
example.net. 3600 IN DNSKEY 256 3 10 ( AwEAAdHoNTOW+et86KuJOWRDp1pndvwb6Y83nSVXXyLA3DLroROUkN6X0O6pnWnjJQujX/Ay
  hqFDxj13tOnD9u/1kTg7cV6rklMrZDtJCQ5PCl/D7QNPsgVsMu1J2Q8gpMpztNFLpPBz1bWXjDtaR7ZQBlZ3PFY12ZTSncorffcGmhOL )
www.example.net. 3600 IN A 192.0.2.91
www.example.net. 3600 IN RRSIG A 10 3 3600 20300101000000 20000101000000 3740 example.net. (
  tsb4wnjRUDnB1BUi+t6TMTXThjVnG+eCkWqjvvjhzQL1d0YRoOe0CbxrVDYd0xDtsuJRaeUw1ep94PzEWzr0iGYgZBWm/zpq+9fOuagYJRfDq
  fReKBzMweOLDiNa8iP5g9vMhpuv6OPlvpXwm9Sa9ZXIbNl1MBGk0fthPgxdDLw= )`,
  },
  {
    title: 'RFC 6605 §6.1 ECDSA P-256 with SHA-256',
    zone: 'example.net',
    keyTag: 55648,
    at: '2010-08-20T00:00:00Z',
    text: `
example.net. 3600 IN DNSKEY 257 3 13 ( GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edb
  krSqQpF64cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA== )
example.net. 3600 IN DS 55648 13 2 ( b4c8c1fe2e7477127b27115656ad6256f424625bf5c1e2770ce6d6e37df61d17 )
www.example.net. 3600 IN A 192.0.2.1
www.example.net. 3600 IN RRSIG A 13 3 3600 ( 20100909100439 20100812100439 55648 example.net.
  qx6wLYqmh+l9oCKTN6qIc+bw6ya+KJ8oMz0YP107epXAyGmt+3SNruPFKG7tZoLBLlUzGGus7ZwmwWep666VCw== )`,
  },
  {
    title: 'RFC 6605 §6.2 ECDSA P-384 with SHA-384',
    zone: 'example.net',
    keyTag: 10771,
    at: '2010-08-20T00:00:00Z',
    text: `
example.net. 3600 IN DNSKEY 257 3 14 ( xKYaNhWdGOfJ+nPrL8/arkwf2EY3MDJ+SErKivBVSum1w/egsXvSADtNJhyem5RC
  OpgQ6K8X1DRSEkrbYQ+OB+v8/uX45NBwY8rp65F6Glur8I/mlVNgF6W/qTI37m40 )
example.net. 3600 IN DS 10771 14 4 ( 72d7b62976ce06438e9c0bf319013cf801f09ecc84b8d7e9495f27e305c6a9b0
  563a9b5f4d288405c3008a946df983d6 )
www.example.net. 3600 IN A 192.0.2.1
www.example.net. 3600 IN RRSIG A 14 3 3600 ( 20100909102025 20100812102025 10771 example.net.
  /L5hDKIvGDyI1fcARX3z65qrmPsVz73QD1Mr5CEqOiLP95hxQouuroGCeZOvzFaxsT8Glr74hbavRKayJNuydCuzWTSSPdz7wnqXL5bdcJzusdnI0RSMROxxwGipWcJm )`,
  },
  {
    title: 'RFC 8080 §6.1 Ed25519, first key',
    zone: 'example.com',
    keyTag: 3613,
    at: '2015-08-01T00:00:00Z',
    text: `
example.com. 3600 IN DNSKEY 257 3 15 ( l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4= )
example.com. 3600 IN DS 3613 15 2 ( 3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79
  a304b )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 15 2 3600 ( 1440021600 1438207200 3613 example.com. (
  oL9krJun7xfBOIWcGHi7mag5/hdZrKWw15jPGrHpjQeRAvTdszaPD+QLs3fx8A4M3e23mRZ9VrbpMngwcrqNAg== ) )`,
  },
  {
    title: 'RFC 8080 §6.1 Ed25519, second key',
    zone: 'example.com',
    keyTag: 35217,
    at: '2015-08-01T00:00:00Z',
    text: `
example.com. 3600 IN DNSKEY 257 3 15 ( zPnZ/QwEe7S8C5SPz2OfS5RR40ATk2/rYnE9xHIEijs= )
example.com. 3600 IN DS 35217 15 2 ( 401781b934e392de492ec77ae2e15d70f6575a1c0bc59c5275c04ebe80c
  6614c )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 15 2 3600 ( 1440021600 1438207200 35217 example.com. (
  zXQ0bkYgQTEFyfLyi9QoiY6D8ZdYo4wyUhVioYZXFdT410QPRITQSqJSnzQoSm5poJ7gD7AQR0O7KuI5k2pcBg== ) )`,
  },
  {
    title: 'RFC 8080 §6.2 Ed448, first key',
    zone: 'example.com',
    keyTag: 9713,
    at: '2015-08-01T00:00:00Z',
    text: `
example.com. 3600 IN DNSKEY 257 3 16 ( 3kgROaDjrh0H2iuixWBrc8g2EpBBLCdGzHmn+G2MpTPhpj/OiBVHHSfPodx
  1FYYUcJKm1MDpJtIA )
example.com. 3600 IN DS 9713 16 2 ( 6ccf18d5bc5d7fc2fceb1d59d17321402f2aa8d368048db93dd811f5cb2
  b19c7 )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 16 2 3600 ( 1440021600 1438207200 9713 example.com. (
  3cPAHkmlnxcDHMyg7vFC34l0blBhuG1qpwLmjInI8w1CMB29FkEAIJUA0amxWndkmnBZ6SKiwZSAxGILn/NBtOXft0+Gj7FSvOKxE/07+4RQvE581N3Aj/
  JtIyaiYVdnYtyMWbSNyGEY2213WKsJlwEA ) )`,
  },
  {
    title: 'RFC 8080 §6.2 Ed448, second key',
    zone: 'example.com',
    keyTag: 38353,
    at: '2015-08-01T00:00:00Z',
    text: `
example.com. 3600 IN DNSKEY 257 3 16 ( kkreGWoccSDmUBGAe7+zsbG6ZAFQp+syPmYUurBRQc3tDjeMCJcVMRDmgcN
  Lp5HlHAMy12VoISsA )
example.com. 3600 IN DS 38353 16 2 ( 645ff078b3568f5852b70cb60e8e696cc77b75bfaaffc118cf79cbda1ba
  28af4 )
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN RRSIG MX 16 2 3600 ( 1440021600 1438207200 38353 example.com. (
  E1/oLjSGIbmLny/4fcgM1z4oL6aqo+izT3urCyHyvEp4Sp8Syg1eI+lJ57CSnZqjJP41O/9l4m0AsQ4f7qI1gVnML8vWWiyW2KXhT9kuAICUSxv5OWbf81
  Rq7Yu60npabODB0QFPb/rkW3kUZmQ0YQUA ) )`,
  },
];

function split(records: DnsRecord[]) {
  const dnskey = records.find((record) => record.type === 'DNSKEY')!;
  const ds = records.find((record) => record.type === 'DS');
  const rrsigs = records.filter((record) => record.type === 'RRSIG');
  const rrset = records.filter((record) => !['DNSKEY', 'DS', 'RRSIG'].includes(record.type));
  return { dnskey, ds, rrsigs, rrset };
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

describe('RRSIG verification against the RFC examples', () => {
  for (const vector of VECTORS) {
    describe(vector.title, () => {
      const records = parseZoneFile(vector.text);
      const { dnskey, ds, rrsigs, rrset } = split(records);
      const key = parseDnskey(dnskey.rdata);
      const options = { zone: vector.zone, nowSeconds: seconds(vector.at), skewSeconds: 0 };

      it('computes the published key tag', () => {
        expect(key.keyTag).toBe(vector.keyTag);
      });

      it('validates the published signature', () => {
        const result = verifyRrset(rrset, rrsigs, [key], options);
        expect(result.detail).toContain(String(vector.keyTag));
        expect(result.ok).toBe(true);
      });

      it('still validates when names differ in case and the RRset repeats a record (canonical form)', () => {
        const shouted = rrset.map((record) => ({ ...record, name: record.name.toUpperCase() }));
        const mixedRdata = parseZoneFile(
          vector.text
            .replace(/mail\.example\.com\./, 'MAIL.Example.COM.')
            .replace(/www\.example\.net\. 3600 IN A/, 'WWW.example.NET. 3600 IN A'),
        );
        const mixed = split(mixedRdata).rrset;
        expect(verifyRrset([...shouted, ...mixed], rrsigs, [key], options).ok).toBe(true);
      });

      it('rejects the signature when one octet of the data changes', () => {
        const tampered = rrset.map((record) => {
          const rdata = Uint8Array.from(record.rdata);
          rdata[0] = rdata[0]! ^ 1;
          return { ...record, rdata };
        });
        const result = verifyRrset(tampered, rrsigs, [key], options);
        expect(result.ok).toBe(false);
        expect(result.reason).toBe('bad-signature');
      });

      it('reports an expired signature after the expiration, genuine but outside its window', () => {
        const result = verifyRrset(rrset, rrsigs, [key], { ...options, nowSeconds: seconds('2031-06-01T00:00:00Z') });
        expect(result.ok).toBe(false);
        expect(result.reason).toBe('signature-expired');
        expect(result.genuine).toHaveLength(1);
      });

      it('reports no matching key when the key is not in the trusted set', () => {
        const result = verifyRrset(rrset, rrsigs, [], options);
        expect(result.reason).toBe('no-matching-key');
      });

      if (ds) {
        it('computes the published DS digest', () => {
          const parsed = parseDs(ds.rdata);
          expect(parsed.keyTag).toBe(vector.keyTag);
          expect(Buffer.from(dsDigest(vector.zone, dnskey.rdata, parsed.digestType)!).toString('hex')).toBe(
            Buffer.from(parsed.digest).toString('hex'),
          );
        });
      }
    });
  }
});

describe('key tags and DS digests', () => {
  it('matches the RFC 4034 §5.4 SHA-1 DS example (key tag 60485)', () => {
    const [dnskey, ds] = parseZoneFile(`
dskey.example.com. 86400 IN DNSKEY 256 3 5 ( AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZ
  DRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw== )
dskey.example.com. 86400 IN DS 60485 5 1 ( 2BB183AF5F22588179A53B0A98631FAD1A292118 )`);
    expect(computeKeyTag(dnskey!.rdata)).toBe(60485);
    expect(Buffer.from(dsDigest('dskey.example.com', dnskey!.rdata, 1)!).toString('hex')).toBe(
      Buffer.from(parseDs(ds!.rdata).digest).toString('hex'),
    );
  });

  it('derives the IANA root DS records (20326, 38696) from the root KSKs, as dns-root-data ships them', () => {
    const keys = parseZoneFile(readFileSync(new URL('./fixtures/root.key', import.meta.url), 'utf8'));
    const ds = parseZoneFile(readFileSync(new URL('./fixtures/root.ds', import.meta.url), 'utf8'));
    expect(keys.map((key) => computeKeyTag(key.rdata))).toEqual([20326, 38696]);
    for (const [index, key] of keys.entries()) {
      expect(Buffer.from(dsDigest('', key.rdata, 2)!).toString('hex')).toBe(
        Buffer.from(parseDs(ds[index]!.rdata).digest).toString('hex'),
      );
    }
  });

  it('returns undefined for an unknown digest type', () => {
    expect(dsDigest('example', new Uint8Array([1, 0, 3, 8]), 3)).toBeUndefined();
  });
});

describe('verifySignature edge cases', () => {
  it('never trusts RSAMD5, DSA or GOST, whatever the data', () => {
    for (const algorithm of [1, 3, 6, 12]) {
      expect(verifySignature(algorithm, new Uint8Array(64), new Uint8Array(1), new Uint8Array(64))).toBe(
        'unsupported-algorithm',
      );
    }
  });

  it('reports a malformed key instead of throwing', () => {
    expect(verifySignature(13, new Uint8Array(10), new Uint8Array(1), new Uint8Array(64))).toBe('malformed-key');
    expect(verifySignature(8, new Uint8Array(1), new Uint8Array(1), new Uint8Array(64))).toBe('malformed-key');
  });
});

describe('NSEC3 hashes of RFC 5155 Appendix A (salt aabbccdd, 12 iterations)', () => {
  const expected: [string, string][] = [
    ['example', '0p9mhaveqvm6t7vbl5lop2u3t2rp3tom'],
    ['a.example', '35mthgpgcu1qg68fab165klnsnk3dpvl'],
    ['ai.example', 'gjeqe526plbf1g8mklp59enfd789njgi'],
    ['ns1.example', '2t7b4g4vsa5smi47k61mv5bv1a22bojr'],
    ['ns2.example', 'q04jkcevqvmu85r014c7dkba38o0ji5r'],
    ['w.example', 'k8udemvp1j2f7eg6jebps17vp3n8i58h'],
    ['*.w.example', 'r53bq7cc2uvmubfu5ocmm6pers9tk9en'],
    ['x.w.example', 'b4um86eghhds6nea196smvmlo4ors995'],
    ['y.w.example', 'ji6neoaepv8b5o6k4ev33abha8ht9fgc'],
    ['x.y.w.example', '2vptu5timamqttgl4luu9kg21e0aor3s'],
    ['xx.example', 't644ebqk9bibcna874givr6joj62mlhv'],
    ['c.x.w.example', '0va5bpr2ou0vk0lbqeeljri88laipsfh'],
    ['*.x.w.example', '92pqneegtaue7pjatc3l3qnk738c6v5m'],
  ];
  for (const [name, hash] of expected) {
    it(`H(${name}) = ${hash}`, () => {
      expect(base32HexEncode(nsec3Hash(name, Buffer.from('aabbccdd', 'hex'), 12))).toBe(hash);
      expect(base32HexEncode(nsec3Hash(name.toUpperCase(), Buffer.from('aabbccdd', 'hex'), 12))).toBe(hash);
    });
  }
});
