/**
 * DANE through the real lab: zones signed by the lab's tools, served by NSD, validated by Unbound, read by our
 * resolver and judged by our own DNSSEC validator (Unbound's AD bit kept as second opinion); the SMTP side is an in-process server on 127.0.0.1 (the lab's Postfix listeners come later).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../../src/dns/resolver.ts';
import type { Finding } from '../../src/model.ts';
import { daneMonitor } from '../../src/monitors/dane/index.ts';
import { RunShared } from '../../src/monitors/run-shared.ts';
import { DEFAULT_CHECK_OPTIONS, type MonitorContext } from '../../src/monitors/types.ts';
import { createTargetGuard } from '../../src/net/target-guard.ts';
import { associationData } from '../../src/tls/dane-match.ts';
import { replaceZone, restoreZone } from '../lab/control.ts';
import { labInfo } from '../lab/info.ts';
import { type FakeSmtpServer, startFakeSmtp } from '../smtp/fake-smtp-server.ts';
import { type Issued, Pki } from '../tls/pki.ts';

const SIGNED = 'tls-dane-lab.test';
const UNSIGNED = 'tls-dane-unsigned.test';
const pki = new Pki();
let ca: Issued;
let current: Issued;
let next: Issued;
let smtp: FakeSmtpServer;

const hex = (cert: Issued, selector: number, mtype: number) => associationData(cert.x509, selector, mtype);

beforeAll(async () => {
  const root = pki.root('DANE Lab Root');
  ca = pki.intermediate('DANE Lab CA', root);
  current = pki.leaf('current', ca, { cn: `mx.${SIGNED}`, dns: [`*.${SIGNED}`, `*.${UNSIGNED}`] });
  next = pki.leaf('next', ca, { cn: `mx.${SIGNED}`, dns: [`*.${SIGNED}`] });
  smtp = await startFakeSmtp({ tls: { key: current.keyPem, cert: `${current.certPem}${ca.certPem}` } });
  const hosts = ['good', 'single', 'mismatch', 'pkix', 'ta', 'bogus', 'none'];
  await replaceZone(
    SIGNED,
    [
      '; lab: strip-rrsig=_25._tcp.mx-bogus TLSA',
      ...hosts.flatMap((h) => [`${h} MX 10 mx-${h}`, `mx-${h} A 127.0.0.1`]),
      `_25._tcp.mx-good TLSA 3 1 1 ${hex(current, 1, 1)}`,
      `_25._tcp.mx-good TLSA 3 1 1 ${hex(next, 1, 1)}`,
      `_25._tcp.mx-single TLSA 3 1 1 ${hex(current, 1, 1)}`,
      `_25._tcp.mx-mismatch TLSA 3 1 1 ${hex(next, 1, 1)}`,
      `_25._tcp.mx-pkix TLSA 1 1 1 ${hex(current, 1, 1)}`,
      `_25._tcp.mx-ta TLSA 2 0 1 ${hex(ca, 0, 1)}`,
      `_25._tcp.mx-bogus TLSA 3 1 1 ${hex(current, 1, 1)}`,
      '',
    ].join('\n'),
  );
  await replaceZone(
    UNSIGNED,
    `; lab: sign=none\n@ MX 10 mx\nmx A 127.0.0.1\n_25._tcp.mx TLSA 3 1 1 ${hex(current, 1, 1)}\n`,
  );
}, 180_000);

afterAll(async () => {
  await smtp?.close();
  await restoreZone(SIGNED);
  await restoreZone(UNSIGNED);
  pki.cleanup();
}, 180_000);

function context(shared = new RunShared()): MonitorContext {
  const { resolver, trustAnchorFile } = labInfo();
  return {
    dns: createResolver({ servers: [{ address: resolver.address, port: resolver.port }], timeoutMs: 3000 }),
    guard: createTargetGuard({ allowPrivateTargets: true, trusted: [] }),
    options: {
      ...DEFAULT_CHECK_OPTIONS,
      allowPrivateTargets: true,
      trustAnchorFile,
      timeoutMs: 3000,
      transport: { smtpPort: smtp.port, legacyTls: false, retryDelayMs: 100 },
    },
    shared,
    now: () => new Date(),
  };
}

async function daneOf(domain: string): Promise<Record<string, Finding>> {
  const findings = await daneMonitor.run(context(), domain);
  return Object.fromEntries(findings.map((f) => [f.check, f]));
}

describe('dane monitor through the lab resolver', () => {
  it('signed current + next key: ok everywhere', async () => {
    const f = await daneOf(`good.${SIGNED}`);
    // our validator says secure, and Unbound's AD bit (the second opinion) agrees
    expect(f['dane.tlsa']).toMatchObject({
      status: 'ok',
      evidence: expect.objectContaining({ security: 'secure', resolverAd: true }),
    });
    expect(f['dane.match']?.status).toBe('ok');
    expect(f['dane.rollover']?.status).toBe('ok');
  });

  it('single DANE-EE: rollover warns', async () => {
    const f = await daneOf(`single.${SIGNED}`);
    expect(f['dane.match']?.status).toBe('ok');
    expect(f['dane.rollover']?.status).toBe('warn');
  });

  it('TLSA for another key: match fails', async () => {
    expect((await daneOf(`mismatch.${SIGNED}`))['dane.match']?.status).toBe('fail');
  });

  it('usages 0/1 only: warn', async () => {
    const f = await daneOf(`pkix.${SIGNED}`);
    expect(f['dane.tlsa']?.status).toBe('warn');
    expect(f['dane.match']).toBeUndefined();
  });

  it('DANE-TA to the presented CA: ok', async () => {
    const f = await daneOf(`ta.${SIGNED}`);
    expect(f['dane.match']?.status).toBe('ok');
  });

  it('TLSA RRset without signatures (bogus, Unbound SERVFAIL): fail', async () => {
    const f = await daneOf(`bogus.${SIGNED}`);
    expect(f['dane.tlsa']?.status).toBe('fail');
    expect(f['dane.tlsa']?.summary).toMatch(/bogus/);
  });

  it('no TLSA: info', async () => {
    expect((await daneOf(`none.${SIGNED}`))['dane.tlsa']?.status).toBe('info');
  });

  it('TLSA in an unsigned zone: warn', async () => {
    const f = await daneOf(UNSIGNED);
    expect(f['dane.tlsa']?.status).toBe('warn');
    expect(f['dane.tlsa']?.summary).toMatch(/not DNSSEC-signed/);
    expect(f['dane.tlsa']?.evidence).toMatchObject({ security: 'insecure', resolverAd: false });
  });
});
