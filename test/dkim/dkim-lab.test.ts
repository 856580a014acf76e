import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { dkimMonitor } from '../../src/monitors/dkim/index.ts';
import { labInfo } from '../lab/info.ts';
import { monitorContext } from '../spf/context.ts';
import { labResolver } from '../spf/lab-dns.ts';

const dns = labResolver();
const SELECTORS = ['rsa2048', 'rsa1024', 'rsa512', 'ed25519', 'revoked', 'testing', 'missing', 'cnamed'];

async function check(domain: string, dkimSelectors: string[]): Promise<Map<string, Finding>> {
  const findings = await dkimMonitor.run(monitorContext(dns, { dkimSelectors }), domain);
  return new Map(findings.map((f) => [f.subject === domain ? f.check : f.subject.split('.')[0]!, f]));
}

describe('dkim monitor against the lab (NSD + Unbound)', () => {
  it.each([
    ['rsa2048', 'ok', { bits: 2048 }],
    ['rsa1024', 'warn', { bits: 1024 }],
    ['rsa512', 'fail', { bits: 512 }],
    ['ed25519', 'ok', { algorithm: 'ed25519' }],
    ['revoked', 'fail', {}],
    ['testing', 'warn', { flags: ['y'] }],
    ['missing', 'fail', { records: [] }],
    ['cnamed', 'ok', { bits: 2048, cnames: ['key1.dkim-provider.test'] }],
  ])('dkim-keys.test selector %s → %s', async (selector, status, evidence) => {
    const finding = (await check('dkim-keys.test', SELECTORS)).get(selector);
    expect(finding?.status).toBe(status);
    expect(finding?.evidence).toMatchObject(evidence);
  });

  it('dkim-parked.test sends no mail: DKIM not required', async () => {
    const f = await check('dkim-parked.test', []);
    expect(f.get('dkim.selectors')).toMatchObject({
      status: 'info',
      evidence: { nonSending: ['SPF "v=spf1 -all"', 'null MX', 'DMARC p=reject'] },
    });
  });

  it('spf-good.test: no _domainkey at all is a warning, not a pass', async () => {
    const f = await check('spf-good.test', []);
    expect(f.get('dkim.selectors')).toMatchObject({ status: 'warn', evidence: { domainkeyExists: false, found: [] } });
  });
});

describe('key verdicts cross-checked against opendkim-testkey through the lab resolver', () => {
  const run = promisify(execFile);
  const dir = mkdtempSync(path.join(tmpdir(), 'mailwarden-opendkim-'));
  const conf = path.join(dir, 'opendkim.conf');
  const unboundConf = path.join(dir, 'libunbound.conf');
  // opendkim resolves through libunbound; `Nameservers` alone is not enough because libunbound answers NXDOMAIN
  // for the special-use `test.` TLD unless told otherwise, so we hand it a config that forwards to the lab.
  const { resolver } = labInfo();
  writeFileSync(
    unboundConf,
    `server:\n  do-not-query-localhost: no\n  local-zone: "test." nodefault\nforward-zone:\n  name: "."\n  forward-addr: ${resolver.address}@${resolver.port}\n`,
  );
  writeFileSync(conf, `ResolverConfiguration ${unboundConf}\n`);

  async function testkey(selector: string): Promise<{ ok: boolean; output: string }> {
    try {
      const { stdout, stderr } = await run('opendkim-testkey', [
        '-x',
        conf,
        '-d',
        'dkim-keys.test',
        '-s',
        selector,
        '-vvv',
      ]);
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
    }
  }

  it('opendkim sees the 512-bit key as usable: it does not judge key size, we fail it (RFC 8301)', async () => {
    expect((await testkey('rsa512')).output).toMatch(/key OK/);
    expect((await check('dkim-keys.test', ['rsa512'])).get('rsa512')?.status).toBe('fail');
  });

  it.each(['rsa2048', 'rsa1024', 'ed25519', 'cnamed'])('opendkim accepts %s and so do we', async (selector) => {
    const peer = await testkey(selector);
    expect(peer.output).toMatch(/key OK/);
    expect((await check('dkim-keys.test', [selector])).get(selector)?.status).not.toBe('fail');
  });

  it.each([
    ['revoked', /Revoked key/],
    ['missing', /record not found/],
  ])('opendkim rejects %s and so do we', async (selector, message) => {
    const peer = await testkey(selector);
    expect(peer.output).toMatch(message);
    expect((await check('dkim-keys.test', [selector])).get(selector)?.status).toBe('fail');
  });
});
