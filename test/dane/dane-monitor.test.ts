import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { daneMonitor } from '../../src/monitors/dane/index.ts';
import { associationData } from '../../src/tls/dane-match.ts';
import { type FakeSmtpPersonality, type FakeSmtpServer, startFakeSmtp } from '../smtp/fake-smtp-server.ts';
import { testContext } from '../smtp/monitor-context.ts';
import { FakeDns, type FakeRecord, type FakeZone } from '../support/fake-dns.ts';
import { type Issued, Pki } from '../tls/pki.ts';

const pki = new Pki();
let ca: Issued;
let current: Issued;
let next: Issued;
const servers: FakeSmtpServer[] = [];
const MX = 'mx.dane.test';

beforeAll(() => {
  const root = pki.root('DANE Monitor Root');
  ca = pki.intermediate('DANE Monitor CA', root);
  current = pki.leaf('current', ca, { cn: MX, days: 60 });
  next = pki.leaf('next', ca, { cn: MX, days: 90 });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki.cleanup();
});

async function serve(personality?: FakeSmtpPersonality): Promise<number> {
  const server = await startFakeSmtp(
    personality ?? { tls: { key: current.keyPem, cert: `${current.certPem}${ca.certPem}` } },
  );
  servers.push(server);
  return server.port;
}

const record = (usage: number, selector: number, mtype: number, cert: Issued): FakeRecord => ({
  name: `_25._tcp.${MX}`,
  type: 'TLSA',
  data: { usage, selector, matchingType: mtype, data: associationData(cert.x509, selector, mtype) },
});

function zone(tlsa: FakeRecord[], extra: Partial<FakeZone> = {}): FakeDns {
  return new FakeDns({
    records: [
      { name: 'd.test', type: 'MX', data: { preference: 10, exchange: MX } },
      { name: MX, type: 'A', data: '127.0.0.1' },
      ...tlsa,
    ],
    secure: () => true,
    ...extra,
  });
}

async function check(dns: FakeDns, port: number, now?: Date): Promise<Record<string, Finding>> {
  const findings = await daneMonitor.run(
    testContext(dns, { transport: { smtpPort: port, legacyTls: false }, ...(now ? { now } : {}) }),
    'd.test',
  );
  return Object.fromEntries(findings.map((f) => [f.check, f]));
}

describe('dane monitor', () => {
  it('current + next key: TLSA ok, match ok, rollover ok', async () => {
    const port = await serve();
    const f = await check(zone([record(3, 1, 1, current), record(3, 1, 1, next)]), port);
    expect(f['dane.tlsa']?.status).toBe('ok');
    expect(f['dane.match']).toMatchObject({ status: 'ok', subject: `${MX}/127.0.0.1` });
    expect(f['dane.rollover']?.status).toBe('ok');
  });

  it('single DANE-EE: warns that a key change breaks DANE, louder near expiry', async () => {
    const port = await serve();
    const single = await check(zone([record(3, 1, 1, current)]), port);
    expect(single['dane.match']?.status).toBe('ok');
    expect(single['dane.rollover']?.status).toBe('warn');
    expect(single['dane.rollover']?.summary).toMatch(/nothing to take over/);
    const soon = new Date(current.x509.validToDate.getTime() - 10 * 86_400_000);
    const nearExpiry = await check(zone([record(3, 1, 1, current)]), port, soon);
    expect(nearExpiry['dane.rollover']?.summary).toMatch(/expires in 10 days .* renewal will break DANE/);
  });

  it('single DANE-EE on an already expired certificate: says it expired (not "expires in 0 days")', async () => {
    const port = await serve();
    const later = new Date(current.x509.validToDate.getTime() + 3 * 86_400_000);
    const f = await check(zone([record(3, 1, 1, current)]), port, later);
    expect(f['dane.match']?.status).toBe('ok');
    expect(f['dane.rollover']?.status).toBe('warn');
    const day = current.x509.validToDate.toISOString().slice(0, 10);
    expect(f['dane.rollover']?.summary).toMatch(new RegExp(`^The certificate expired on ${day} .*overdue renewal`));
    expect(f['dane.rollover']?.summary).not.toMatch(/expires in/);
  });

  it('a DANE-EE match has no expiry; a DANE-TA-only match ends with the leaf (expiresAt); counts read as words', async () => {
    const port = await serve();
    const ee = await check(zone([record(3, 1, 1, current), record(3, 1, 1, next)]), port);
    expect(ee['dane.match']?.expiresAt).toBeUndefined();
    expect(ee['dane.tlsa']?.summary).toMatch(/^2 usable TLSA records at/);
    expect(ee['dane.rollover']?.summary).toBe('1 spare record ready for the next key');
    const ta = await check(zone([record(2, 0, 1, ca)]), port);
    expect(ta['dane.match']?.expiresAt).toBe(current.x509.validToDate.toISOString());
    expect(ta['dane.tlsa']?.summary).toMatch(/^1 usable TLSA record at/);
  });

  it('renewal with a new key and only the old record published: match fails', async () => {
    const port = await serve({ tls: { key: next.keyPem, cert: `${next.certPem}${ca.certPem}` } });
    const f = await check(zone([record(3, 1, 1, current)]), port);
    expect(f['dane.match']?.status).toBe('fail');
    expect(f['dane.match']?.summary).toMatch(/DANE-EE does not match/);
    expect(f['dane.rollover']).toBeUndefined();
  });

  it('DANE-TA to the presented issuing CA matches and survives leaf renewals', async () => {
    const port = await serve();
    const f = await check(zone([record(2, 0, 1, ca)]), port);
    expect(f['dane.match']?.status).toBe('ok');
    expect(f['dane.rollover']).toMatchObject({ status: 'ok', summary: expect.stringMatching(/DANE-TA/) });
  });

  it('"3 0 1" whole-certificate records are info in rollover', async () => {
    const port = await serve();
    const f = await check(zone([record(3, 0, 1, current), record(3, 1, 1, next)]), port);
    expect(f['dane.rollover']?.status).toBe('info');
  });

  it('only PKIX usages 0/1: warn, and nothing to match', async () => {
    const port = await serve();
    const f = await check(zone([record(1, 1, 1, current), record(0, 0, 1, ca)]), port);
    expect(f['dane.tlsa']?.status).toBe('warn');
    expect(f['dane.tlsa']?.summary).toMatch(/no record SMTP senders can use/);
    expect(f['dane.match']).toBeUndefined();
  });

  it('TLSA in an unsigned zone: warn, senders ignore it', async () => {
    const port = await serve();
    const f = await check(zone([record(3, 1, 1, current)], { secure: () => false }), port);
    expect(f['dane.tlsa']?.status).toBe('warn');
    expect(f['dane.tlsa']?.summary).toMatch(/not DNSSEC-signed/);
  });

  it('SERVFAIL on TLSA (bogus): fail, DANE senders defer mail', async () => {
    const port = await serve();
    const f = await check(zone([], { failures: { [`_25._tcp.${MX}/TLSA`]: 'servfail' } }), port);
    expect(f['dane.tlsa']?.status).toBe('fail');
  });

  it('no TLSA: info', async () => {
    const port = await serve();
    const f = await check(zone([]), port);
    expect(f['dane.tlsa']?.status).toBe('info');
  });

  it('false NXDOMAIN for _tcp.<mx> while the TLSA exists: warn', async () => {
    const port = await serve();
    const f = await check(
      zone([record(3, 1, 1, current), record(3, 1, 1, next)], { falseNxdomain: [`_tcp.${MX}`] }),
      port,
    );
    expect(f['dane.tlsa']?.status).toBe('warn');
    expect(f['dane.tlsa']?.summary).toMatch(/NXDOMAIN/);
  });

  it('usable TLSA but no STARTTLS: match fails', async () => {
    const port = await serve({ offerStartTls: false });
    const f = await check(zone([record(3, 1, 1, current)]), port);
    expect(f['dane.match']?.status).toBe('fail');
    expect(f['dane.match']?.summary).toMatch(/no-starttls/);
  });

  it('looks up TLSA at the CNAME-expanded name first when the chain is secure', async () => {
    const port = await serve();
    const dns = new FakeDns({
      records: [
        { name: 'd.test', type: 'MX', data: { preference: 10, exchange: 'alias.dane.test' } },
        { name: 'alias.dane.test', type: 'CNAME', data: MX },
        { name: MX, type: 'A', data: '127.0.0.1' },
        record(3, 1, 1, current),
      ],
      secure: () => true,
    });
    const findings = await daneMonitor.run(
      testContext(dns, { transport: { smtpPort: port, legacyTls: false } }),
      'd.test',
    );
    expect(dns.queries).toContain(`_25._tcp.${MX}/TLSA`);
    expect(findings.find((f) => f.check === 'dane.tlsa')?.evidence.owner).toBe(`_25._tcp.${MX}`);
    expect(findings.find((f) => f.check === 'dane.match')?.status).toBe('ok');
  });
});
