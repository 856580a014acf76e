/**
 * dane.tlsa when one address family is secure and the other is not (RFC 7672 §2.2.2 per address, as Postfix applies
 * it): DANE over the secure family, opportunistic TLS over the other. No lab zone has both an A and an AAAA with
 * different security (the lab's IPv6 hosts are unsigned for other reasons), so the finding is built here directly.
 */
import { describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/render.ts';
import { tlsaFinding } from '../../src/monitors/dane/findings.ts';
import type { AddressSecurity, TlsaLookup } from '../../src/monitors/dane/tlsa-lookup.ts';
import type { MxTarget } from '../../src/monitors/mail-hosts/mx-targets.ts';

const host: MxTarget = {
  host: 'mx1.example.nl',
  preference: 10,
  addresses: ['192.0.2.25', '2001:db8::25'],
  cnameChain: [],
  addressSecure: false,
};
const lookup: TlsaLookup = {
  kind: 'found',
  owner: '_25._tcp.mx1.example.nl',
  records: [{ usage: 3, selector: 1, matchingType: 1, data: 'ab'.repeat(32) }],
  security: 'secure',
  resolverAd: undefined,
  ignored: 0,
  tried: ['_25._tcp.mx1.example.nl'],
};
const security = (ipv4: boolean, ipv6: boolean): AddressSecurity => ({
  secure: false,
  judge: 'validator',
  families: {
    ipv4: { addresses: 1, verdict: ipv4 ? 'secure' : 'insecure', dane: ipv4 },
    ipv6: { addresses: 1, verdict: ipv6 ? 'secure' : 'insecure', dane: ipv6 },
  },
});

describe('dane.tlsa with one secure address family', () => {
  it('secure A, insecure AAAA: DANE over IPv4 only, in English and in Dutch', () => {
    const finding = tlsaFinding(host, lookup, false, security(true, false));
    expect(finding).toMatchObject({ status: 'warn', reason: 'unsigned-family' });
    expect(finding.params).toMatchObject({ dane: ['ipv4'], insecure: ['ipv6'] });
    expect(finding.summary).toBe(
      'TLSA at _25._tcp.mx1.example.nl is signed, but the IPv6 address records of mx1.example.nl are not: senders use DANE over IPv4 only and fall back to unauthenticated TLS over IPv6 (RFC 7672 §2.2.2)',
    );
    expect(finding.fix).toMatch(/^Sign the AAAA records of mx1\.example\.nl /);
    const nl = render(finding, 'nl');
    expect(nl.summary).toBe(
      'TLSA op _25._tcp.mx1.example.nl is ondertekend, maar de IPv6-adresrecords van mx1.example.nl niet: verzenders gebruiken DANE alleen via IPv4 en vallen via IPv6 terug op TLS zonder authenticatie (RFC 7672 §2.2.2)',
    );
    expect(nl.fix).toMatch(/^Onderteken de AAAA-records van mx1\.example\.nl /);
  });

  it('insecure A, secure AAAA: the A records are the ones to sign', () => {
    const finding = tlsaFinding(host, lookup, false, security(false, true));
    expect(finding.summary).toContain('DANE over IPv6 only');
    expect(finding.fix).toMatch(/^Sign the A records/);
  });

  it('neither family secure: senders skip DANE for the host', () => {
    const finding = tlsaFinding(host, lookup, false, security(false, false));
    expect(finding).toMatchObject({ status: 'warn', reason: 'unsigned-addresses' });
    expect(render(finding, 'nl').summary).toContain('verzenders slaan DANE over');
  });
});
