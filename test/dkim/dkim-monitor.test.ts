import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { dkimMonitor } from '../../src/monitors/dkim/index.ts';
import { readKey } from '../../src/monitors/dkim/key-record.ts';
import { monitorContext } from '../spf/context.ts';
import { FakeDns } from '../support/fake-dns.ts';
import { ed25519PublicKey, rsaPkcs1PublicKey, rsaPublicKey } from './keys.ts';

const rsa2048 = rsaPublicKey(2048);
const rsa1024 = rsaPublicKey(1024);
const rsa512 = rsaPublicKey(512);

async function check(dns: FakeDns, dkimSelectors: string[] = [], domain = 'example.nl'): Promise<Map<string, Finding>> {
  const findings = await dkimMonitor.run(monitorContext(dns, { dkimSelectors }), domain);
  return new Map(findings.map((f) => [f.subject === domain ? f.check : f.subject.split('.')[0]!, f]));
}

describe('DKIM key reading', () => {
  it('reads the RSA size from the key, in SubjectPublicKeyInfo or PKCS#1 form', () => {
    expect(readKey('rsa', rsa2048)).toMatchObject({ ok: true, bits: 2048, encoding: 'spki' });
    expect(readKey('rsa', rsaPkcs1PublicKey(1024))).toMatchObject({ ok: true, bits: 1024, encoding: 'pkcs1' });
    expect(readKey('ed25519', ed25519PublicKey())).toMatchObject({ ok: true, algorithm: 'ed25519' });
    expect(readKey('rsa', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtruncated')).toMatchObject({ ok: false });
    expect(readKey('ed25519', rsa2048)).toMatchObject({ ok: false, reason: /32 bytes/ });
  });
});

describe('dkim monitor', () => {
  const dns = new FakeDns()
    .add('good._domainkey.example.nl', 'TXT', `v=DKIM1; k=rsa; p=${rsa2048}`)
    .add('weak._domainkey.example.nl', 'TXT', `v=DKIM1; k=rsa; p=${rsa1024}`)
    .add('broken._domainkey.example.nl', 'TXT', `v=DKIM1; k=rsa; p=${rsa512}`)
    .add('ed._domainkey.example.nl', 'TXT', `v=DKIM1; k=ed25519; p=${ed25519PublicKey()}`)
    .add('revoked._domainkey.example.nl', 'TXT', 'v=DKIM1; k=rsa; p=')
    .add('testing._domainkey.example.nl', 'TXT', `v=DKIM1; t=y; p=${rsa2048}`)
    .add('sha1._domainkey.example.nl', 'TXT', `v=DKIM1; h=sha1; p=${rsa2048}`)
    .add('garbage._domainkey.example.nl', 'TXT', 'v=DKIM1; k=rsa; p=bm90IGEga2V5')
    .add('cnamed._domainkey.example.nl', 'CNAME', 'cnamed.dkim.provider.example')
    .add('cnamed.dkim.provider.example', 'TXT', [
      Buffer.from(`v=DKIM1; k=rsa; p=${rsa2048.slice(0, 200)}`),
      Buffer.from(rsa2048.slice(200)),
    ]);

  it.each([
    ['good', 'ok', /RSA 2048-bit/],
    ['weak', 'warn', /1024 bits/],
    ['broken', 'fail', /512 bits/],
    ['ed', 'ok', /ed25519/],
    ['revoked', 'fail', /revoked/],
    ['testing', 'warn', /t=y/],
    ['sha1', 'warn', /sha1/],
    ['garbage', 'fail', /unusable/],
    ['missing', 'fail', /No DKIM key/],
    ['cnamed', 'ok', /RSA 2048-bit/],
  ])('configured selector %s → %s', async (selector, status, summary) => {
    const finding = (await check(dns, [selector])).get(selector);
    expect(finding?.status).toBe(status);
    expect(finding?.summary).toMatch(summary);
    if (status !== 'ok') expect(finding?.fix).toBeTruthy();
  });

  it('follows the CNAME of a provider-hosted selector and keeps the chain as evidence', async () => {
    const finding = (await check(dns, ['cnamed'])).get('cnamed');
    expect(finding?.evidence).toMatchObject({ cnames: ['cnamed.dkim.provider.example'], bits: 2048 });
  });

  it('without configured selectors, reports only the common selectors that exist', async () => {
    const probe = new FakeDns().add('selector1._domainkey.example.nl', 'TXT', `v=DKIM1; p=${rsa2048}`);
    const f = await check(probe);
    expect([...f.keys()].sort()).toEqual(['dkim.selectors', 'selector1']);
    expect(f.get('dkim.selectors')?.summary).toMatch(/found for example.nl: selector1; _domainkey.example.nl exists/);
  });

  it('says when _domainkey does not exist, and that a non-sending domain needs no DKIM', async () => {
    const nothing = await check(new FakeDns().add('example.nl', 'TXT', 'v=spf1 mx -all'));
    expect(nothing.get('dkim.selectors')).toMatchObject({ status: 'warn', evidence: { domainkeyExists: false } });
    const parked = new FakeDns()
      .add('example.nl', 'TXT', 'v=spf1 -all')
      .add('example.nl', 'MX', { preference: 0, exchange: '' })
      .add('_dmarc.example.nl', 'TXT', 'v=DMARC1; p=reject');
    const f = await check(parked);
    expect(f.get('dkim.selectors')).toMatchObject({
      status: 'info',
      evidence: { nonSending: ['SPF "v=spf1 -all"', 'null MX', 'DMARC p=reject'] },
    });
    expect(f.get('dkim.selectors')?.summary).toMatch(/not required/);
  });

  it('a DNS timeout is error', async () => {
    const f = await check(new FakeDns().timeout('good._domainkey.example.nl'), ['good']);
    expect(f.get('good')?.status).toBe('error');
  });
});
