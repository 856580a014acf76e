import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { associationData, matchTlsaRecord, matchTlsaSet } from '../../src/tls/dane-match.ts';
import { extractSpki } from '../../src/tls/der.ts';
import { type TlsaRecord, tlsaUnusableReason } from '../../src/tls/tlsa.ts';
import { type FakeSmtpServer, startFakeSmtp } from '../smtp/fake-smtp-server.ts';
import { opensslDaneVerify } from '../support/openssl-smtp.ts';
import { type Issued, Pki } from '../tls/pki.ts';

const pki = new Pki();
let root: Issued;
let ca: Issued;
let leaf: Issued;
let expiredLeaf: Issued;
let otherLeaf: Issued;
const now = () => new Date();

function tlsa(usage: number, selector: number, matchingType: number, cert: Issued): TlsaRecord {
  return { usage, selector, matchingType, data: associationData(cert.x509, selector, matchingType) };
}

beforeAll(() => {
  root = pki.root('DANE Test Root');
  ca = pki.intermediate('DANE Test Issuing CA', root);
  leaf = pki.leaf('leaf', ca, { cn: 'mx.dane.test' });
  expiredLeaf = pki.leaf('expired', ca, { cn: 'mx.dane.test', days: -1 });
  otherLeaf = pki.leaf('other', ca, { cn: 'other.dane.test' });
});

afterAll(() => pki.cleanup());

describe('SPKI extraction', () => {
  it('cuts the exact SubjectPublicKeyInfo bytes (equal to what OpenSSL exports for the key)', () => {
    const fromCert = Buffer.from(extractSpki(leaf.der));
    const fromKey = leaf.x509.publicKey.export({ type: 'spki', format: 'der' });
    expect(fromCert.equals(fromKey)).toBe(true);
  });
});

describe('TLSA usability for SMTP', () => {
  it('rejects PKIX usages, unknown parameters and wrong digest lengths', () => {
    expect(tlsaUnusableReason({ usage: 1, selector: 1, matchingType: 1, data: 'aa'.repeat(32) })).toMatch(
      /not used by SMTP/,
    );
    expect(tlsaUnusableReason({ usage: 3, selector: 2, matchingType: 1, data: 'aa'.repeat(32) })).toMatch(/selector/);
    expect(tlsaUnusableReason({ usage: 3, selector: 1, matchingType: 1, data: 'aa'.repeat(31) })).toMatch(/31 bytes/);
    expect(tlsaUnusableReason({ usage: 3, selector: 1, matchingType: 2, data: 'aa'.repeat(64) })).toBeUndefined();
  });
});

describe('TLSA matching', () => {
  const chain = () => [leaf.x509, ca.x509];

  it('DANE-EE matches the leaf by SPKI or whole certificate, with every matching type', () => {
    for (const [selector, matchingType] of [
      [1, 1],
      [1, 2],
      [0, 1],
      [0, 0],
    ] as const) {
      expect(matchTlsaRecord(tlsa(3, selector, matchingType, leaf), chain(), ['mx.dane.test'], now()).verdict).toBe(
        'match',
      );
    }
  });

  it('DANE-EE ignores names and dates', () => {
    expect(
      matchTlsaRecord(tlsa(3, 1, 1, expiredLeaf), [expiredLeaf.x509, ca.x509], ['wrong.name'], now()).verdict,
    ).toBe('match');
  });

  it('DANE-EE never matches an issuer', () => {
    expect(matchTlsaRecord(tlsa(3, 1, 1, ca), chain(), ['mx.dane.test'], now()).verdict).toBe('no-match');
  });

  it('DANE-TA needs the anchor in the presented chain, a valid name and valid dates', () => {
    expect(matchTlsaRecord(tlsa(2, 0, 1, ca), chain(), ['mx.dane.test'], now())).toMatchObject({
      verdict: 'match',
      depth: 1,
    });
    // root not presented: no match even though it signed the issuing CA
    expect(matchTlsaRecord(tlsa(2, 0, 1, root), chain(), ['mx.dane.test'], now()).verdict).toBe('no-match');
    expect(
      matchTlsaRecord(tlsa(2, 1, 1, root), [leaf.x509, ca.x509, root.x509], ['mx.dane.test'], now()),
    ).toMatchObject({
      verdict: 'match',
      depth: 2,
    });
    const wrongName = matchTlsaRecord(tlsa(2, 1, 1, ca), [otherLeaf.x509, ca.x509], ['mx.dane.test'], now());
    expect(wrongName.verdict).toBe('match-invalid');
    expect(wrongName.reason).toMatch(/not valid for mx.dane.test/);
    const expired = matchTlsaRecord(tlsa(2, 1, 1, ca), [expiredLeaf.x509, ca.x509], ['mx.dane.test'], now());
    expect(expired.verdict).toBe('match-invalid');
    expect(expired.reason).toMatch(/expired/);
  });

  it('accepts the CNAME-expanded name as a reference identifier for DANE-TA', () => {
    const result = matchTlsaRecord(
      tlsa(2, 1, 1, ca),
      [otherLeaf.x509, ca.x509],
      ['mx.dane.test', 'other.dane.test'],
      now(),
    );
    expect(result.verdict).toBe('match');
  });

  it('judges a set: one matching usable record authenticates; unusable ones do not count', () => {
    const stale: TlsaRecord = { usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) };
    const pkix = tlsa(1, 1, 1, leaf);
    const summary = matchTlsaSet([stale, pkix], chain(), ['mx.dane.test'], now());
    expect(summary.authenticated).toBe(false);
    expect(summary.usableCount).toBe(1);
    expect(matchTlsaSet([stale, tlsa(3, 1, 1, leaf)], chain(), ['mx.dane.test'], now()).authenticated).toBe(true);
  });
});

describe('DANE verdicts agree with OpenSSL s_client -dane_tlsa_rrdata on the same chains', () => {
  const servers: FakeSmtpServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const cases: { name: string; serve: () => Issued[]; record: () => TlsaRecord; mx: string; expected: boolean }[] = [
    {
      name: '3 1 1 current key',
      serve: () => [leaf, ca],
      record: () => tlsa(3, 1, 1, leaf),
      mx: 'mx.dane.test',
      expected: true,
    },
    {
      name: '3 0 2 whole certificate',
      serve: () => [leaf, ca],
      record: () => tlsa(3, 0, 2, leaf),
      mx: 'mx.dane.test',
      expected: true,
    },
    {
      name: '3 1 1 other key',
      serve: () => [leaf, ca],
      record: () => tlsa(3, 1, 1, otherLeaf),
      mx: 'mx.dane.test',
      expected: false,
    },
    {
      name: '3 1 1 on an expired certificate',
      serve: () => [expiredLeaf, ca],
      record: () => tlsa(3, 1, 1, expiredLeaf),
      mx: 'mx.dane.test',
      expected: true,
    },
    {
      name: '2 0 1 presented issuing CA',
      serve: () => [leaf, ca],
      record: () => tlsa(2, 0, 1, ca),
      mx: 'mx.dane.test',
      expected: true,
    },
    {
      name: '2 1 1 issuing CA, wrong leaf name',
      serve: () => [otherLeaf, ca],
      record: () => tlsa(2, 1, 1, ca),
      mx: 'mx.dane.test',
      expected: false,
    },
    {
      name: '2 1 1 issuing CA, expired leaf',
      serve: () => [expiredLeaf, ca],
      record: () => tlsa(2, 1, 1, ca),
      mx: 'mx.dane.test',
      expected: false,
    },
    {
      name: '2 0 1 root not presented',
      serve: () => [leaf, ca],
      record: () => tlsa(2, 0, 1, root),
      mx: 'mx.dane.test',
      expected: false,
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, async () => {
      const presented = testCase.serve();
      const server = await startFakeSmtp({ tls: { key: presented[0]!.keyPem, cert: Pki.chainPem(...presented) } });
      servers.push(server);
      const record = testCase.record();
      const ours = matchTlsaRecord(
        record,
        presented.map((c) => c.x509),
        [testCase.mx],
        now(),
      );
      const rrdata = `${record.usage} ${record.selector} ${record.matchingType} ${record.data}`;
      const theirs = await opensslDaneVerify(server.port, testCase.mx, rrdata);
      expect(ours.verdict === 'match').toBe(testCase.expected);
      expect(theirs.verified, theirs.output).toBe(testCase.expected);
    });
  }
});
