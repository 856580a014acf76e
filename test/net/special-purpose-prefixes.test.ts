/**
 * One test per block of the IANA IPv4 and IPv6 Special-Purpose Address Registries, plus the IPv6 forms that carry a
 * special-purpose IPv4 address: the guard refuses each, and a probe aimed at one never opens a connection.
 */
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mtaStsMonitor } from '../../src/monitors/mta-sts/index.ts';
import { starttlsMonitor } from '../../src/monitors/starttls/index.ts';
import { createTargetGuard } from '../../src/net/target-guard.ts';
import { testContext } from '../smtp/monitor-context.ts';
import { FakeDns } from '../support/fake-dns.ts';

/** [registry block, an address inside it, the category the guard names]. */
const SPECIAL: [string, string, RegExp][] = [
  ['0.0.0.0/8', '0.1.2.3', /unspecified/],
  ['10.0.0.0/8', '10.20.30.40', /private \(RFC 1918\)/],
  ['100.64.0.0/10', '100.127.0.1', /CGNAT/],
  ['127.0.0.0/8', '127.0.0.53', /loopback/],
  ['169.254.0.0/16', '169.254.169.254', /link-local/],
  ['172.16.0.0/12', '172.31.0.1', /private \(RFC 1918\)/],
  ['192.0.0.0/24', '192.0.0.1', /IETF protocol assignments/],
  ['192.0.0.0/29', '192.0.0.7', /IETF protocol assignments/],
  ['192.0.0.8/32', '192.0.0.8', /IETF protocol assignments/],
  ['192.0.0.9/32', '192.0.0.9', /IETF protocol assignments/],
  ['192.0.0.10/32', '192.0.0.10', /IETF protocol assignments/],
  ['192.0.0.170/32', '192.0.0.170', /IETF protocol assignments/],
  ['192.0.0.171/32', '192.0.0.171', /IETF protocol assignments/],
  ['192.0.2.0/24', '192.0.2.25', /documentation \(RFC 5737\)/],
  ['192.31.196.0/24', '192.31.196.1', /AS112/],
  ['192.52.193.0/24', '192.52.193.1', /AMT/],
  ['192.88.99.0/24', '192.88.99.1', /6to4 relay anycast/],
  ['192.88.99.2/32', '192.88.99.2', /6to4 relay anycast/],
  ['192.168.0.0/16', '192.168.1.1', /private \(RFC 1918\)/],
  ['192.175.48.0/24', '192.175.48.6', /AS112/],
  ['198.18.0.0/15', '198.19.255.1', /benchmarking/],
  ['198.51.100.0/24', '198.51.100.7', /documentation/],
  ['203.0.113.0/24', '203.0.113.9', /documentation/],
  ['240.0.0.0/4', '250.1.2.3', /reserved/],
  ['255.255.255.255/32', '255.255.255.255', /broadcast/],
  ['::1/128', '::1', /loopback/],
  ['::/128', '::', /unspecified/],
  ['::ffff:0:0/96', '::ffff:10.0.0.1', /private \(RFC 1918\), IPv4-mapped/],
  ['::ffff:0:0:0/96', '::ffff:0:a9fe:a9fe', /link-local, IPv4-translated/],
  ['::/96 (IPv4-compatible)', '::10.0.0.1', /IPv4-compatible/],
  ['64:ff9b::/96', '64:ff9b::a9fe:a9fe', /link-local, NAT64/],
  ['64:ff9b:1::/48', '64:ff9b:1::808:808', /NAT64 local use/],
  ['100::/64', '100::1', /discard-only/],
  ['100:0:0:1::/64', '100:0:0:1::1', /dummy prefix/],
  ['2001::/23', '2001:1::1', /IETF protocol assignments/],
  ['2001:1::2/128', '2001:1::2', /IETF protocol assignments/],
  ['2001:1::3/128', '2001:1::3', /IETF protocol assignments/],
  ['2001::/32 (server)', '2001:0:a00:1::f5f5:f5f5', /private \(RFC 1918\), Teredo/],
  ['2001::/32 (client)', '2001:0:4136:e378:8000:63bf:3fff:fdd2', /documentation \(RFC 5737\), Teredo/],
  ['2001:2::/48', '2001:2::25', /benchmarking/],
  ['2001:3::/32', '2001:3::1', /AMT/],
  ['2001:4:112::/48', '2001:4:112::1', /AS112/],
  ['2001:10::/28', '2001:10::1', /ORCHID/],
  ['2001:20::/28', '2001:20::1', /ORCHIDv2/],
  ['2001:30::/28', '2001:30::1', /drone/],
  ['2001:db8::/32', '2001:db8::25', /documentation \(RFC 3849\)/],
  ['2002::/16', '2002:a9fe:a9fe::1', /link-local, 6to4/],
  ['2002::/16 (RFC 1918)', '2002:c0a8:101::1', /private \(RFC 1918\), 6to4/],
  ['2620:4f:8000::/48', '2620:4f:8000::1', /AS112/],
  ['3fff::/20', '3fff:fff::1', /documentation \(RFC 9637\)/],
  ['5f00::/16', '5f00::1', /segment routing/],
  ['fc00::/7', 'fd00::25', /unique local/],
  ['fe80::/10', 'fe80::1', /link-local/],
  ['fec0::/10', 'fec0::1', /site-local/],
  ['ff00::/8', 'ff05::1', /multicast/],
];

/** IPv6 forms of ordinary global IPv4 addresses stay allowed. */
const GLOBAL_FORMS = ['::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7'];

const guard = createTargetGuard({ allowPrivateTargets: false, trusted: ['127.0.0.53:53'] });

describe('every special-purpose block is refused by the guard', () => {
  it.each(SPECIAL)('%s (%s)', (_block, address, category) => {
    const verdict = guard.check(address, 25);
    expect(verdict.allowed).toBe(false);
    expect(verdict.category).toMatch(category);
  });

  it.each(GLOBAL_FORMS)('allows %s, a global IPv4 in an IPv6 form', (address) => {
    expect(guard.check(address, 25)).toEqual({ allowed: true });
  });
});

describe('a probe aimed at a special-purpose address never connects', () => {
  afterEach(() => vi.restoreAllMocks());

  function spies() {
    return [
      vi.spyOn(net, 'connect'),
      vi.spyOn(net, 'createConnection'),
      vi.spyOn(tls, 'connect'),
      vi.spyOn(https, 'request'),
    ];
  }

  it.each(SPECIAL)('STARTTLS and MTA-STS: %s (%s)', async (_block, address) => {
    const type = address.includes(':') ? 'AAAA' : 'A';
    const dns = new FakeDns()
      .add('victim.example', 'MX', { preference: 10, exchange: 'mx.victim.example' })
      .add('mx.victim.example', type, address)
      .add('_mta-sts.victim.example', 'TXT', 'v=STSv1; id=1')
      .add('mta-sts.victim.example', type, address);
    const context = testContext(dns, { allowPrivateTargets: false });
    context.guard = createTargetGuard({ allowPrivateTargets: false, trusted: ['127.0.0.53:53'] });
    const watched = spies();
    const findings = [
      ...(await starttlsMonitor.run(context, 'victim.example')),
      ...(await mtaStsMonitor.run(context, 'victim.example')),
    ];
    for (const spy of watched) expect(spy).not.toHaveBeenCalled();
    expect(JSON.stringify(findings)).toMatch(/special-purpose address|not probed|not fetched/);
  });
});
