import { describe, expect, it } from 'vitest';
import { classifyAddress, createTargetGuard } from '../../src/net/target-guard.ts';

const strict = createTargetGuard({ allowPrivateTargets: false, trusted: [] });

describe('target guard: special-purpose addresses are refused', () => {
  const refused: [string, RegExp][] = [
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['10.0.0.1', /private \(RFC 1918\)/],
    ['10.255.255.255', /RFC 1918/],
    ['100.64.0.1', /CGNAT/],
    ['100.127.255.254', /CGNAT/],
    ['127.0.0.1', /loopback/],
    ['127.53.1.2', /loopback/],
    ['169.254.169.254', /link-local/],
    ['172.16.0.1', /RFC 1918/],
    ['172.31.255.255', /RFC 1918/],
    ['192.0.0.8', /IETF protocol/],
    ['192.0.2.10', /documentation/],
    ['192.168.1.1', /RFC 1918/],
    ['198.18.0.1', /benchmarking/],
    ['198.19.255.255', /benchmarking/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.200', /documentation/],
    ['224.0.0.251', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /broadcast/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['fc00::1', /unique local/],
    ['fd12:3456:789a::1', /unique local/],
    ['ff02::1', /multicast/],
    ['2001:db8::25', /documentation/],
    ['2001:DB8:ffff::1', /documentation/],
    ['::ffff:127.0.0.1', /loopback, IPv4-mapped/],
    ['::ffff:10.1.2.3', /RFC 1918\), IPv4-mapped/],
    ['::ffff:c0a8:0101', /RFC 1918\), IPv4-mapped/],
    ['64:ff9b::10.0.0.1', /RFC 1918\), NAT64/],
    ['64:ff9b::a9fe:a9fe', /link-local, NAT64/],
    ['100::1', /discard-only/],
    ['100::ffff:ffff:ffff:ffff', /discard-only/],
  ];
  for (const [address, category] of refused) {
    it(`refuses ${address}`, () => {
      const verdict = strict.check(address);
      expect(verdict.allowed).toBe(false);
      expect(verdict.category).toMatch(category);
      expect(verdict.reason).toContain(address);
      expect(verdict.reason).toMatch(/--allow-private-targets/);
    });
  }
});

describe('target guard: ordinary global addresses pass', () => {
  for (const address of [
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '126.255.255.255',
    '128.0.0.1',
    '169.253.255.255',
    '172.15.255.255',
    '172.32.0.0',
    '192.0.1.255',
    '192.0.3.0',
    '192.167.255.255',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    '2a00:1450:4001:82b::1b',
    '2001:db9::1',
    '2001:470::1',
    'fe7f::1',
    'fbff::1:2',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
  ]) {
    it(`allows ${address}`, () => {
      expect(strict.check(address)).toEqual({ allowed: true });
    });
  }
});

describe('target guard: options', () => {
  it('allows special-purpose targets when private targets are allowed, still naming the category', () => {
    const lab = createTargetGuard({ allowPrivateTargets: true, trusted: [] });
    expect(lab.check('127.0.0.1')).toEqual({ allowed: true, category: 'loopback' });
    expect(lab.check('fd00::53')).toMatchObject({ allowed: true, category: expect.stringMatching(/unique local/) });
  });

  it('trusts the configured resolvers for DNS on their own port only, in any notation, and nothing next to them', () => {
    const guard = createTargetGuard({
      allowPrivateTargets: false,
      trusted: ['10.255.255.53', '127.0.0.53:5353', '[fd00::53]:53', '::1'],
    });
    expect(guard.check('10.255.255.53', 53).allowed).toBe(true);
    expect(guard.check('::ffff:10.255.255.53', 53).allowed).toBe(true);
    expect(guard.check('127.0.0.53', 5353).allowed).toBe(true);
    expect(guard.check('fd00:0:0::53', 53).allowed).toBe(true);
    expect(guard.check('0::1', 53).allowed).toBe(true);
    expect(guard.check('10.255.255.54', 53).allowed).toBe(false);
    expect(guard.check('127.0.0.1', 53).allowed).toBe(false);
    expect(guard.check('fd00::54', 53).allowed).toBe(false);
    for (const [address, port] of [
      ['10.255.255.53', 25],
      ['10.255.255.53', 443],
      ['127.0.0.53', 53],
      ['127.0.0.53', 25],
      ['::ffff:10.255.255.53', 25],
      ['::1', 443],
    ] as const) {
      const verdict = guard.check(address, port);
      expect(verdict.allowed, `${address}:${port}`).toBe(false);
      expect(verdict.category).toMatch(/configured resolver \(trusted for DNS on port \d+ only\)/);
    }
    expect(guard.check('10.255.255.53').allowed).toBe(false);
  });

  it('refuses the resolver on other ports even when private targets are allowed', () => {
    const lab = createTargetGuard({ allowPrivateTargets: true, trusted: ['127.53.0.1:53'] });
    expect(lab.check('127.53.0.1', 25).allowed).toBe(false);
    expect(lab.check('127.53.0.1', 53).allowed).toBe(true);
    expect(lab.check('127.25.0.1', 25).allowed).toBe(true);
  });

  it('refuses what is not an IP address at all', () => {
    for (const input of ['mx.example.nl', '', '1.2.3', '256.1.1.1', '::g']) {
      const verdict = strict.check(input);
      expect(verdict.allowed).toBe(false);
      expect(verdict.category).toBe('not an IP address');
    }
  });
});

describe('embedded IPv4 addresses', () => {
  it('reports the embedded IPv4 of mapped, NAT64, 6to4 and Teredo addresses', () => {
    expect(classifyAddress('::ffff:192.168.0.1')).toEqual({
      category: 'private (RFC 1918), IPv4-mapped',
      embeddedV4: '192.168.0.1',
    });
    expect(classifyAddress('64:ff9b::808:808')).toEqual({ category: undefined, embeddedV4: '8.8.8.8' });
    expect(classifyAddress('2002:a9fe:a9fe::1')).toMatchObject({ embeddedV4: '169.254.169.254' });
    // RFC 4380's own example: server 65.54.227.120, client 192.0.2.45 (inverted in the last 32 bits)
    expect(classifyAddress('2001:0:4136:e378:8000:63bf:3fff:fdd2')).toMatchObject({
      embeddedV4: '65.54.227.120 192.0.2.45',
    });
  });
});
