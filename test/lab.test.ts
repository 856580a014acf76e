// Smoke tests of the lab itself, through real tools: dig and delv against the lab's Unbound and NSD.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
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
