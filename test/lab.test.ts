// Smoke tests of the lab itself, through real tools: dig and delv against the lab's Unbound and NSD.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { replaceZone, restoreZone, startPrivateResolver } from './lab/control.ts';
import { labInfo, labZone } from './lab/info.ts';

const run = promisify(execFile);

async function dig(...args: string[]): Promise<string> {
  const { resolver } = labInfo();
  const { stdout } = await run('dig', [
    `@${resolver.address}`,
    '-p',
    String(resolver.port),
    '+dnssec',
    '+time=3',
    ...args,
  ]);
  return stdout;
}

function status(digOutput: string): string | undefined {
  return /status: (\w+)/.exec(digOutput)?.[1];
}

function hasAd(digOutput: string): boolean {
  return /;; flags:[^;]*\bad\b/.test(digOutput);
}

async function delv(...args: string[]): Promise<string> {
  const { resolver, delvAnchorFile } = labInfo();
  const result = await run('delv', ['-a', delvAnchorFile, `@${resolver.address}`, '+root', ...args]).catch(
    (error: { stdout: string; stderr: string }) => error,
  );
  return `${result.stdout}${result.stderr}`;
}

describe('lab resolver (Unbound validating from the lab root)', () => {
  it('answers a signed zone with AD', async () => {
    const out = await dig('lab-signed.test', 'MX');
    expect(status(out)).toBe('NOERROR');
    expect(hasAd(out)).toBe(true);
    expect(out).toMatch(/lab-signed\.test\.\s+\d+\s+IN\s+MX\s+10 mx1\.lab-signed\.test\./);
  });

  it('answers SERVFAIL for a zone whose signatures expired', async () => {
    const out = await dig('lab-expired.test', 'MX');
    expect(status(out)).toBe('SERVFAIL');
  });

  it('gives the records of the expired zone when checking is disabled (the data is there, only bogus)', async () => {
    const out = await dig('+cd', 'lab-expired.test', 'MX');
    expect(status(out)).toBe('NOERROR');
    expect(out).toMatch(/IN\s+RRSIG\s+MX 13 /);
  });

  it('answers an unsigned zone without AD', async () => {
    const out = await dig('lab-unsigned.test', 'MX');
    expect(status(out)).toBe('NOERROR');
    expect(hasAd(out)).toBe(false);
    expect(out).toMatch(/IN\s+MX\s+10 mx1\.lab-unsigned\.test\./);
  });

  it('proves a name under test. does not exist (NXDOMAIN with AD)', async () => {
    const out = await dig('does-not-exist.test', 'A');
    expect(status(out)).toBe('NXDOMAIN');
    expect(hasAd(out)).toBe(true);
  });
});

describe('delv with the lab trust anchor', () => {
  it('fully validates a signed zone', async () => {
    const out = await delv('mx-good.test', 'MX');
    expect(out).toContain('; fully validated');
  });

  it('refuses the expired zone', async () => {
    const out = await delv('lab-expired.test', 'MX');
    expect(out).not.toContain('fully validated');
    expect(out).toMatch(/resolution failed|validation failed|expired/);
  });

  it('calls the unsigned zone unsigned, not validated', async () => {
    const out = await delv('lab-unsigned.test', 'MX');
    expect(out).toContain('; unsigned answer');
  });
});

describe('lab facts', () => {
  it('publishes the trust anchor as the DS of the root KSK', async () => {
    const { readFile } = await import('node:fs/promises');
    const anchor = await readFile(labInfo().trustAnchorFile, 'utf8');
    expect(anchor).toMatch(new RegExp(`^\\.\\s+\\d+\\s+IN\\s+DS\\s+${labZone('.').kskTag} 13 2 [0-9A-F]{64}`));
  });

  it('serves each zone from its primary authoritative server, authoritatively', async () => {
    const zone = labZone('mx-good.test');
    const primary = zone.nameservers.find((ns) => ns.role === 'primary');
    const { stdout } = await run('dig', [`@${primary?.address}`, '+norec', 'mx-good.test', 'SOA']);
    expect(stdout).toMatch(/;; flags: qr aa/);
    expect(stdout).toContain(` ${zone.serial} `);
  });
});

async function digAt(server: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('dig', [`@${server}`, '+dnssec', '+norec', '+time=1', '+tries=1', ...args]);
  return stdout;
}

describe('zone directives, as Unbound and the authoritative servers see them', () => {
  it('nsec3 with iterations, salt and opt-out: secure, and the NSEC3PARAM says so', async () => {
    expect(hasAd(await dig('lab-nsec3.test', 'MX'))).toBe(true);
    const zone = labZone('lab-nsec3.test');
    const out = await digAt(zone.nameservers[0]!.address, 'nothing-here.lab-nsec3.test', 'A');
    expect(status(out)).toBe('NXDOMAIN');
    expect(out).toMatch(/IN\s+NSEC3\s+1 1 5 ABCD /);
  });

  it('ds=wrong: the DS in test. names a key tag the zone does not have, and Unbound calls it bogus', async () => {
    const zone = labZone('lab-dswrong.test');
    expect(zone.ds).toHaveLength(1);
    expect(zone.ds[0]).not.toContain(` ${zone.kskTag} `);
    expect(status(await dig('lab-dswrong.test', 'MX'))).toBe('SERVFAIL');
  });

  it('ds=none: a signed island, insecure for the validator', async () => {
    expect(labZone('lab-island.test').ds).toEqual([]);
    const out = await dig('lab-island.test', 'MX');
    expect(status(out)).toBe('NOERROR');
    expect(hasAd(out)).toBe(false);
  });

  it('strip-rrsig: only the stripped RRset is bogus', async () => {
    expect(hasAd(await dig('lab-stripped.test', 'MX'))).toBe(true);
    expect(status(await dig('mx1.lab-stripped.test', 'A'))).toBe('SERVFAIL');
  });

  it('inception in the future: bogus', async () => {
    expect(status(await dig('lab-future.test', 'MX'))).toBe('SERVFAIL');
  });

  it('secondary=stale: ns2 serves serial - 1 with signatures expiring within a day; ns3 never answers', async () => {
    const zone = labZone('lab-stale.test');
    const byRole = (role: string) => zone.nameservers.find((ns) => ns.role === role)!;
    const stale = await digAt(byRole('stale').address, 'lab-stale.test', 'SOA');
    expect(stale).toContain(` ${zone.serial - 1} `);
    const expiration = /RRSIG\s+SOA \d+ \d+ \d+ (\d{14}) /.exec(stale)?.[1];
    const expiresAt = Date.parse(expiration!.replace(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)$/, '$1-$2-$3T$4:$5:$6Z'));
    expect(expiresAt - Date.now()).toBeLessThan(24 * 3600 * 1000);
    expect(expiresAt).toBe(Date.parse(zone.staleExpiration!));
    const dead = await run('dig', [`@${byRole('dead').address}`, '+time=1', '+tries=1', 'lab-stale.test', 'SOA']).catch(
      (error: { stdout: string }) => error,
    );
    expect(dead.stdout).toMatch(/no servers could be reached|connection refused/);
    expect(hasAd(await dig('lab-stale.test', 'MX'))).toBe(true);
  });

  it('rsasha256 with a 1024-bit key and SHA-1 + SHA-256 DS', async () => {
    const zone = labZone('lab-rsa.test');
    expect(zone.ds.map((ds) => ds.split(/\s+/)[6])).toEqual(['1', '2']);
    const out = await dig('lab-rsa.test', 'DNSKEY');
    expect(hasAd(out)).toBe(true);
    expect(out).toMatch(/IN\s+DNSKEY\s+257 3 8 /);
  });

  it('a nested unsigned zone under an NSEC3 parent is insecure, delegated from that parent', async () => {
    const child = labZone('lab-child.lab-n3parent.test');
    expect(child.parent).toBe('lab-n3parent.test');
    const out = await dig('lab-child.lab-n3parent.test', 'MX');
    expect(status(out)).toBe('NOERROR');
    expect(hasAd(out)).toBe(false);
    const proof = await digAt(
      labZone('lab-n3parent.test').nameservers[0]!.address,
      'lab-child.lab-n3parent.test',
      'DS',
    );
    expect(proof).toMatch(/IN\s+NSEC3\s+1 0 0 - /);
  });
});

describe('changing the lab during a test', () => {
  const zone = 'lab-mutable-smoke.test';

  it('replaceZone adds, re-signs (here: expired) and restoreZone removes a zone, seen through Unbound', async () => {
    try {
      await replaceZone(zone, '@ MX 10 mx1\nmx1 A 127.25.0.1\n');
      const added = await dig(zone, 'MX');
      expect(status(added)).toBe('NOERROR');
      expect(hasAd(added)).toBe(true);
      const firstSerial = labZone(zone).serial;
      await replaceZone(zone, '; lab: expire=-1d\n@ MX 10 mx1\nmx1 A 127.25.0.1\n');
      expect(labZone(zone).serial).toBeGreaterThan(firstSerial);
      expect(status(await dig(zone, 'MX'))).toBe('SERVFAIL');
    } finally {
      await restoreZone(zone);
    }
    expect(status(await dig(zone, 'MX'))).toBe('NXDOMAIN');
  });

  it('a private resolver validates, can be stopped (no answer) and started again', async () => {
    const resolver = await startPrivateResolver();
    try {
      const ask = () =>
        run('dig', [`@${resolver.address}`, '+dnssec', '+time=1', '+tries=1', 'mx-good.test', 'MX']).then(
          (r) => r.stdout,
          (error: { stdout: string }) => error.stdout,
        );
      expect(hasAd(await ask())).toBe(true);
      await resolver.stop();
      expect(await ask()).toMatch(/no servers could be reached|connection refused/);
      await resolver.start();
      expect(hasAd(await ask())).toBe(true);
    } finally {
      await resolver.close();
    }
  });
});
