import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { starttlsMonitor } from '../../src/monitors/starttls/index.ts';
import { FakeDns, type FakeRecord } from '../support/fake-dns.ts';
import { type Issued, Pki } from '../tls/pki.ts';
import { type FakeSmtpPersonality, type FakeSmtpServer, startFakeSmtp } from './fake-smtp-server.ts';
import { testContext } from './monitor-context.ts';

const pki = new Pki();
let root: Issued;
let leaf: Issued;
const servers: FakeSmtpServer[] = [];

beforeAll(() => {
  root = pki.root('Monitor Test Root');
  leaf = pki.leaf('mx', root, { cn: 'mx.shared.test', days: 30 });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki.cleanup();
});

/** The same personality on 127.0.0.1 and 127.0.0.2, on one port number (the probe's port is per run). */
async function servePair(personality: FakeSmtpPersonality): Promise<[FakeSmtpServer, FakeSmtpServer]> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const first = await startFakeSmtp(personality);
    try {
      const second = await startFakeSmtp(personality, { host: '127.0.0.2', port: first.port });
      servers.push(first, second);
      return [first, second];
    } catch {
      await first.close();
    }
  }
  throw new Error('no common free port on 127.0.0.1 and 127.0.0.2');
}

function mxZone(domains: string[], mx = 'mx.shared.test'): FakeRecord[] {
  return [
    ...domains.map((d) => ({ name: d, type: 'MX', data: { preference: 10, exchange: mx } })),
    { name: mx, type: 'A', data: '127.0.0.1' },
    { name: mx, type: 'A', data: '127.0.0.2' },
  ];
}

const byCheck = (findings: Finding[], check: string) => findings.filter((f) => f.check === check);

describe('starttls monitor', () => {
  it('opens one probe per address for a whole run of domains sharing one MX, one connection at a time', async () => {
    const [a, b] = await servePair({ tls: { key: leaf.keyPem, cert: leaf.certPem } });
    const domains = Array.from({ length: 200 }, (_, i) => `customer${i}.test`);
    const dns = new FakeDns({ records: mxZone(domains) });
    const context = testContext(dns, { caFile: root.certFile, transport: { smtpPort: a.port } });
    const reports = await Promise.all(domains.map((d) => starttlsMonitor.run(context, d)));
    // main conversation + the limited legacy-TLS conversation, per address, whatever the number of domains
    expect(a.connections).toBe(2);
    expect(b.connections).toBe(2);
    expect(a.peakConcurrent).toBe(1);
    expect(b.peakConcurrent).toBe(1);
    for (const findings of reports) {
      expect(byCheck(findings, 'starttls.offered').map((f) => [f.subject, f.status])).toEqual([
        ['mx.shared.test/127.0.0.1', 'ok'],
        ['mx.shared.test/127.0.0.2', 'ok'],
      ]);
    }
    const certificate = byCheck(reports[0]!, 'starttls.certificate')[0]!;
    expect(certificate.status).toBe('ok');
    expect(certificate.expiresAt).toBe(leaf.x509.validToDate.toISOString());
    expect(certificate.summary).toContain('same on all 2 addresses of mx.shared.test');
  });

  it('opens a single connection per address when the legacy handshake is off', async () => {
    const [a, b] = await servePair({ tls: { key: leaf.keyPem, cert: leaf.certPem } });
    const domains = Array.from({ length: 50 }, (_, i) => `other${i}.test`);
    const context = testContext(new FakeDns({ records: mxZone(domains) }), {
      transport: { smtpPort: a.port, legacyTls: false },
    });
    await Promise.all(domains.map((d) => starttlsMonitor.run(context, d)));
    expect([a.connections, b.connections]).toEqual([1, 1]);
  });

  it('serialises probes of two MX names that share an address (SNI differs, so two probes)', async () => {
    const [a] = await servePair({ tls: { key: leaf.keyPem, cert: leaf.certPem } });
    const records: FakeRecord[] = [
      { name: 'two.test', type: 'MX', data: { preference: 10, exchange: 'mx-a.shared.test' } },
      { name: 'two.test', type: 'MX', data: { preference: 20, exchange: 'mx-b.shared.test' } },
      { name: 'mx-a.shared.test', type: 'A', data: '127.0.0.1' },
      { name: 'mx-b.shared.test', type: 'A', data: '127.0.0.1' },
    ];
    const context = testContext(new FakeDns({ records }), { transport: { smtpPort: a.port, legacyTls: false } });
    const findings = await starttlsMonitor.run(context, 'two.test');
    expect(byCheck(findings, 'starttls.offered').map((f) => f.subject)).toEqual([
      'mx-a.shared.test/127.0.0.1',
      'mx-b.shared.test/127.0.0.1',
    ]);
    expect(a.connections).toBe(2);
    expect(a.peakConcurrent).toBe(1);
  });

  it('fails an MX that does not offer STARTTLS, per address', async () => {
    const [a] = await servePair({ offerStartTls: false });
    const context = testContext(new FakeDns({ records: mxZone(['plain.test']) }), { transport: { smtpPort: a.port } });
    const findings = await starttlsMonitor.run(context, 'plain.test');
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['starttls.offered', 'fail'],
      ['starttls.offered', 'fail'],
    ]);
    expect(findings[0]!.summary).toMatch(/not offered/);
  });

  it('warns before expiry, fails close to it, and says untrusted/wrong name only as info', async () => {
    const [a] = await servePair({ tls: { key: leaf.keyPem, cert: leaf.certPem } });
    const notAfter = leaf.x509.validToDate.getTime();
    const run = async (now: Date, caFile?: string) => {
      const context = testContext(new FakeDns({ records: mxZone(['cert.test']) }), {
        now,
        ...(caFile ? { caFile } : {}),
        transport: { smtpPort: a.port, legacyTls: false },
      });
      return byCheck(await starttlsMonitor.run(context, 'cert.test'), 'starttls.certificate')[0]!;
    };
    expect((await run(new Date(notAfter - 10 * 86_400_000), root.certFile)).status).toBe('warn');
    const nearly = await run(new Date(notAfter - 86_400_000), root.certFile);
    expect(nearly.status).toBe('fail');
    expect(nearly.summary).toMatch(/expires in 1\.0 days/);
    const expired = await run(new Date(notAfter + 86_400_000), root.certFile);
    expect(expired.summary).toMatch(/expired/);
    const untrusted = await run(new Date());
    expect(untrusted.status).toBe('info');
    expect(untrusted.summary).toMatch(/not trusted \(unable to get local issuer certificate\)/);
  });

  it('reports, and does not probe, an MX address the target guard refuses', async () => {
    const [a, b] = await servePair({ tls: { key: leaf.keyPem, cert: leaf.certPem } });
    const context = testContext(new FakeDns({ records: mxZone(['private.test']) }), {
      allowPrivateTargets: false,
      transport: { smtpPort: a.port },
    });
    const findings = await starttlsMonitor.run(context, 'private.test');
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['starttls.offered', 'info'],
      ['starttls.offered', 'info'],
    ]);
    expect(findings[0]!.summary).toMatch(/Not probed: .*loopback/);
    expect(a.connections + b.connections).toBe(0);
  });

  it('turns refusals and rate limiting into error after one retry, never into a verdict', async () => {
    const [a] = await servePair({ bannerCode: 421, banner: ['4.7.0 slow down'] });
    const context = testContext(new FakeDns({ records: mxZone(['busy.test']) }), {
      transport: { smtpPort: a.port, retryDelayMs: 20 },
    });
    const findings = await starttlsMonitor.run(context, 'busy.test');
    expect(findings.map((f) => f.status)).toEqual(['error', 'error']);
    expect(findings[0]!.summary).toMatch(/rate-limited, 2 attempts/);
    expect(a.connections).toBe(2);
  });

  it('has nothing to probe for a null MX', async () => {
    const context = testContext(
      new FakeDns({ records: [{ name: 'null.test', type: 'MX', data: { preference: 0, exchange: '.' } }] }),
    );
    expect(await starttlsMonitor.run(context, 'null.test')).toEqual([]);
  });
});
