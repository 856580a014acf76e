// Smoke tests of the lab itself, through real tools: dig and delv against the lab's Unbound and NSD.
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
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

async function openssl(args: string[], input = 'QUIT\n'): Promise<string> {
  return new Promise((resolve) => {
    const child = execFile('openssl', args, { timeout: 10_000 }, (_error, stdout, stderr) =>
      resolve(`${stdout}${stderr}`),
    );
    child.stdin?.end(input);
  });
}

function smtpListener(personality: string) {
  const listener = labInfo().smtp?.find((s) => s.personality === personality);
  if (!listener) throw new Error(`no lab SMTP listener ${personality}`);
  return listener;
}

function starttls(personality: string, name: string, extra: string[] = [], verifyName = true): Promise<string> {
  const { address, port } = smtpListener(personality);
  const args = ['s_client', '-connect', `${address}:${port}`, '-starttls', 'smtp', '-servername', name];
  return openssl([...args, '-CAfile', labInfo().caFile!, ...(verifyName ? ['-verify_hostname', name] : []), ...extra]);
}

/** Reads what an SMTP server says within `ms` after connecting, and after an EHLO when it greeted us. */
function converse(personality: string, ms: number): Promise<string> {
  const { address, port } = smtpListener(personality);
  return new Promise((resolve) => {
    let said = '';
    const socket = createConnection({ host: address, port });
    socket.on('data', (chunk) => {
      said += chunk.toString();
      if (said.startsWith('220 ') && !said.includes('EHLO-SENT')) {
        said += 'EHLO-SENT\n';
        socket.write('EHLO probe.lab.invalid\r\n');
      }
    });
    socket.on('error', () => {});
    setTimeout(() => {
      socket.end('QUIT\r\n');
      resolve(said);
    }, ms);
  });
}

describe('lab SMTP listeners (Postfix personalities)', () => {
  it('good: STARTTLS with a certificate that chains to the lab CA and names the MX host', async () => {
    const out = await starttls('good', 'mx1.lab-signed.test');
    expect(out).toContain('Verify return code: 0 (ok)');
    expect(out).toContain('New, TLSv1.3,');
  });

  it('expired: the certificate is from the lab CA but expired', async () => {
    expect(await starttls('expired', 'mx1.lab-signed.test')).toContain(
      'Verify return code: 10 (certificate has expired)',
    );
  });

  it('wrongname: the certificate does not name the MX host', async () => {
    expect(await starttls('wrongname', 'mx1.lab-signed.test')).toContain('Verify return code: 62 (hostname mismatch)');
  });

  it('selfsigned: not from the lab CA', async () => {
    expect(await starttls('selfsigned', 'mx1.lab-signed.test')).toContain(
      'verify error:num=18:self-signed certificate',
    );
  });

  it('notls: greets and answers EHLO without STARTTLS', async () => {
    const said = await converse('notls', 1000);
    expect(said).toMatch(/^220 /);
    expect(said).toMatch(/250[- ]/);
    expect(said).not.toContain('STARTTLS');
  });

  it('good: offers STARTTLS in its EHLO answer', async () => {
    expect(await converse('good', 1000)).toContain('250-STARTTLS');
  });

  it('silent: accepts the connection and never sends a banner', async () => {
    expect(await converse('silent', 1500)).toBe('');
  });

  it('legacy-only: TLS 1.0 works, TLS 1.2 does not', async () => {
    const lowSecurity = ['-cipher', 'DEFAULT:@SECLEVEL=0'];
    expect(await starttls('legacy-only', 'mx1.lab-signed.test', ['-tls1', ...lowSecurity])).toMatch(
      /Protocol\s*: TLSv1\n/,
    );
    const modern = await starttls('legacy-only', 'mx1.lab-signed.test', ['-tls1_2']);
    expect(modern).toContain('CONNECTED');
    expect(modern).toContain('Cipher is (NONE)');
  });

  it('tlsa directive: the TLSA record matches the good certificate, as OpenSSL DANE verification confirms', async () => {
    const tlsa = await dig('_25._tcp.mx1.lab-tlsa.test', 'TLSA');
    expect(hasAd(tlsa)).toBe(true);
    const records = [...tlsa.matchAll(/IN\s+TLSA\s+3 1 1 ([0-9A-F ]+)\n/g)].map((m) => m[1]!.replace(/ /g, ''));
    expect(records).toHaveLength(2);
    const cert = new X509Certificate(readFileSync(join(dirname(labInfo().caFile!), 'good.crt')));
    const spkiSha256 = createHash('sha256')
      .update(cert.publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .toUpperCase();
    expect(records).toContain(spkiSha256);
    const daneArgs = ['-dane_tlsa_domain', 'mx1.lab-tlsa.test', '-dane_ee_no_namechecks'];
    const dane = await starttls(
      'good',
      'mx1.lab-tlsa.test',
      [...daneArgs, ...records.flatMap((r) => ['-dane_tlsa_rrdata', `3 1 1 ${r}`])],
      false,
    );
    expect(dane).toMatch(/Verification: OK/);
    expect(dane).toMatch(/DANE TLSA 3 1 1 .* matched EE certificate/);
  });
});

function httpsGet(hostname: string, path: string): Promise<{ status: number; location?: string; body: string }> {
  const host = labInfo().https?.find((h) => h.hostname === hostname);
  if (!host) throw new Error(`no lab HTTPS host ${hostname}`);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: host.address,
        port: host.port,
        servername: hostname,
        path,
        headers: { host: hostname },
        ca: readFileSync(labInfo().caFile!),
      },
      (response) => {
        let body = '';
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, location: response.headers.location, body }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

describe('lab HTTPS (nginx vhosts from test/lab/www)', () => {
  it('serves a policy file over TLS trusted through the lab CA', async () => {
    const response = await httpsGet('mta-sts.lab-signed.test', '/.well-known/mta-sts.txt');
    expect(response.status).toBe(200);
    expect(response.body).toContain('version: STSv1');
  });

  it('redirects where a .lab-redirect file says so', async () => {
    const response = await httpsGet('redirect.lab-signed.test', '/.well-known/mta-sts.txt');
    expect(response.status).toBe(301);
    expect(response.location).toBe('https://mta-sts.lab-signed.test/.well-known/mta-sts.txt');
  });

  it('answers 404 for a file that is not there', async () => {
    expect((await httpsGet('mta-sts.lab-signed.test', '/nothing')).status).toBe(404);
  });
});
