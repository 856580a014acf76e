// Unit tests of the lab's own machinery (no servers needed): directives, signature windows, DS digests, packages.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dsRecords } from './lib/keys.ts';
import { packagePlan } from './lib/packages.ts';
import { signatureWindow } from './lib/signer.ts';
import { parseDirectives, relativeSeconds } from './lib/zone-source.ts';

describe('zone directives', () => {
  it('defaults to a signed ECDSA zone with NSEC and a SHA-256 DS', () => {
    const d = parseDirectives('@ MX 10 mx1\n', 'x.zone');
    expect(d).toMatchObject({ sign: 'ecdsap256sha256', denial: 'nsec', ds: 'normal', dsDigests: [2], nsDead: false });
    expect(d.secondary).toBeUndefined();
  });

  it('reads several directives on one line and implies nsec3 from its parameters', () => {
    const d = parseDirectives('; lab: sign=rsasha256 bits=1024 nsec3-iterations=10 salt=abcd nsec3-optout\n', 'x.zone');
    expect(d).toMatchObject({ sign: 'rsasha256', bits: 1024, denial: 'nsec3', nsec3Iterations: 10, nsec3Salt: 'abcd' });
    expect(d.nsec3OptOut).toBe(true);
  });

  it('takes the rest of the line for strip-rrsig and tlsa', () => {
    const d = parseDirectives(
      ';lab: strip-rrsig=mx1 a\n; lab: tlsa=_25._tcp.mx1 3 1 1 cert:good-next\n; lab: tlsa=_25._tcp.mx1 2 0 1 ca\n',
      'x.zone',
    );
    expect(d.stripRrsig).toEqual([{ owner: 'mx1', type: 'A' }]);
    expect(d.tlsa).toEqual([
      { owner: '_25._tcp.mx1', usage: 3, selector: 1, matching: 1, source: 'cert:good-next' },
      { owner: '_25._tcp.mx1', usage: 2, selector: 0, matching: 1, source: 'ca' },
    ]);
  });

  it('reads ds, digests, secondary and dead NS', () => {
    const d = parseDirectives('; lab: ds=wrong ds-digest=1,2 secondary-expire=+6h ns-dead\n', 'x.zone');
    expect(d).toMatchObject({
      ds: 'wrong',
      dsDigests: [1, 2],
      secondary: 'stale',
      secondaryExpire: 21600,
      nsDead: true,
    });
  });

  it('names the file and line of an unknown or malformed directive', () => {
    expect(() => parseDirectives('\n; lab: expires=-1d\n', 'zones/a/x.zone')).toThrow(/zones\/a\/x\.zone:2: .*unknown/);
    expect(() => parseDirectives('; lab: salt=xyz\n', 'x.zone')).toThrow(/salt is hex/);
    expect(() => parseDirectives('; lab: sign=dsa\n', 'x.zone')).toThrow(/sign is one of/);
    expect(() => parseDirectives('; lab: strip-rrsig=mx1\n', 'x.zone')).toThrow(/strip-rrsig=<owner> <TYPE>/);
    expect(() => parseDirectives('; lab: tlsa=_25._tcp.mx 3 1 1 good\n', 'x.zone')).toThrow(/cert:<name>/);
  });

  it('ignores ordinary comments that merely mention lab', () => {
    expect(parseDirectives('; the lab: is nice\n@ TXT "; lab: sign=none"\n', 'x.zone').sign).toBe('ecdsap256sha256');
  });

  it('reads relative times', () => {
    expect(relativeSeconds('-1d')).toBe(-86400);
    expect(relativeSeconds('+36h')).toBe(129600);
    expect(relativeSeconds('90m')).toBe(5400);
    expect(relativeSeconds('2w')).toBe(1209600);
    expect(relativeSeconds('1y')).toBeUndefined();
  });
});

describe('signature windows', () => {
  const now = new Date('2030-06-01T12:00:00.500Z');
  const iso = (w: { inception: Date; expiration: Date }) => [w.inception.toISOString(), w.expiration.toISOString()];

  it('defaults to one hour ago until 30 days after that, on whole seconds', () => {
    expect(iso(signatureWindow({}, now))).toEqual(['2030-06-01T11:00:00.000Z', '2030-07-01T11:00:00.000Z']);
  });

  it('expire=+36h keeps the default inception', () => {
    expect(iso(signatureWindow({ expire: 36 * 3600 }, now))).toEqual([
      '2030-06-01T11:00:00.000Z',
      '2030-06-03T00:00:00.000Z',
    ]);
  });

  it('gives expired and not-yet-valid signatures a 10-hour span, beyond the clock skew Unbound allows', () => {
    expect(iso(signatureWindow({ expire: -86400 }, now))).toEqual([
      '2030-05-31T02:00:00.000Z',
      '2030-05-31T12:00:00.000Z',
    ]);
    expect(iso(signatureWindow({ inception: 2 * 86400 }, now))).toEqual([
      '2030-06-03T12:00:00.000Z',
      '2030-06-03T22:00:00.000Z',
    ]);
  });

  it('uses both times as given, and refuses an expiration before the inception', () => {
    expect(iso(signatureWindow({ inception: -10 * 86400, expire: -86400 }, now))).toEqual([
      '2030-05-22T12:00:00.000Z',
      '2030-05-31T12:00:00.000Z',
    ]);
    expect(() => signatureWindow({ inception: 86400, expire: 3600 }, now)).toThrow(/not after the inception/);
  });
});

describe('DS records', () => {
  it('match the example of RFC 4034 section 5.4', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-ds-'));
    const base = join(dir, 'Kdskey.example.com.+005+60485');
    const key =
      'AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphXdvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==';
    writeFileSync(`${base}.key`, `; a zone key\ndskey.example.com. IN DNSKEY 256 3 5 ${key}\n`);
    expect(dsRecords(base, [1], 86400)).toEqual([
      {
        owner: 'dskey.example.com.',
        ttl: 86400,
        type: 'DS',
        rdata: '60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118',
      },
    ]);
  });
});

describe('missing packages', () => {
  it('does nothing when all are there', () => {
    expect(packagePlan([], false).action).toBe('none');
  });

  it('installs as root', () => {
    expect(packagePlan(['nsd', 'unbound'], true)).toEqual({
      action: 'install',
      text: 'apt-get install -y --no-install-recommends nsd unbound',
    });
  });

  it('otherwise fails with the exact commands, policy-rc.d first', () => {
    const plan = packagePlan(['nsd', 'postfix'], false);
    expect(plan.action).toBe('fail');
    expect(plan.text).toContain('missing: nsd, postfix');
    expect(plan.text).toContain('> /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d');
    expect(plan.text).toContain(
      'DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nsd postfix',
    );
  });
});
