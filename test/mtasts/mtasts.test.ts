import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model.ts';
import { mtaStsMonitor } from '../../src/monitors/mta-sts/index.ts';
import { mxPatternMatches } from '../../src/monitors/mta-sts/mx-pattern.ts';
import { ruaProblem, tlsRptMonitor } from '../../src/monitors/tls-rpt/index.ts';
import { type FakeSmtpServer, startFakeSmtp } from '../smtp/fake-smtp-server.ts';
import { testContext } from '../smtp/monitor-context.ts';
import { FakeDns, type FakeRecord } from '../support/fake-dns.ts';
import { type Issued, Pki } from '../tls/pki.ts';

const pki = new Pki();
let root: Issued;
let mxCert: Issued;
let selfSignedMx: Issued;
let httpsServer: https.Server;
let httpsPort: number;
const smtpServers: FakeSmtpServer[] = [];

interface Page {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}
const pages = new Map<string, Page>();

const GOOD = 'version: STSv1\r\nmode: enforce\r\nmx: mx.sts.test\r\nmax_age: 604800\r\n';

beforeAll(async () => {
  root = pki.root('MTA-STS Test Root');
  const web = pki.leaf('web', root, {
    cn: 'mta-sts.good.test',
    dns: [
      'mta-sts.good.test',
      'mta-sts.uncovered.test',
      'mta-sts.missing.test',
      'mta-sts.redirect.test',
      'mta-sts.huge.test',
      'mta-sts.testing.test',
      'mta-sts.badmx.test',
    ],
  });
  mxCert = pki.leaf('mx', root, { cn: 'mx.sts.test' });
  selfSignedMx = pki.selfSigned('mx-self', { cn: 'mx.sts.test' });
  httpsServer = https.createServer({ key: web.keyPem, cert: web.certPem }, (request, response) => {
    const page = request.url === '/.well-known/mta-sts.txt' ? pages.get(String(request.headers.host)) : undefined;
    if (!page) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(page.status, { 'Content-Type': 'text/plain', ...page.headers }).end(page.body ?? '');
  });
  await new Promise<void>((resolve) => httpsServer.listen(0, '127.0.0.1', resolve));
  httpsPort = (httpsServer.address() as AddressInfo).port;
  pages.set('mta-sts.good.test', { status: 200, body: GOOD });
  pages.set('mta-sts.uncovered.test', { status: 200, body: GOOD.replace('mx.sts.test', '*.elsewhere.test') });
  pages.set('mta-sts.redirect.test', {
    status: 301,
    headers: { Location: 'https://mta-sts.good.test/.well-known/mta-sts.txt' },
  });
  pages.set('mta-sts.huge.test', { status: 200, body: `${GOOD}${'# padding\r\n'.repeat(10_000)}` });
  pages.set('mta-sts.testing.test', {
    status: 200,
    body: GOOD.replace('enforce', 'testing').replace('mx.sts.test', 'other.test'),
  });
  pages.set('mta-sts.badmx.test', { status: 200, body: GOOD });
});

afterAll(async () => {
  await Promise.all(smtpServers.map((s) => s.close()));
  await new Promise<void>((resolve) => httpsServer.close(() => resolve()));
  pki.cleanup();
});

function domainRecords(domain: string, extra: FakeRecord[] = []): FakeRecord[] {
  return [
    { name: domain, type: 'MX', data: { preference: 10, exchange: 'mx.sts.test' } },
    { name: `_mta-sts.${domain}`, type: 'TXT', data: ['v=STSv1; id=20261122'] },
    { name: `mta-sts.${domain}`, type: 'A', data: '127.0.0.1' },
    ...extra,
  ];
}

async function check(domain: string, smtpPort: number, options: { caFile?: string | null; extra?: FakeRecord[] } = {}) {
  const dns = new FakeDns({
    records: [...domainRecords(domain, options.extra), { name: 'mx.sts.test', type: 'A', data: '127.0.0.1' }],
  });
  const caFile = options.caFile === null ? undefined : (options.caFile ?? root.certFile);
  const context = testContext(dns, {
    ...(caFile ? { caFile } : {}),
    transport: { httpsPort, smtpPort, legacyTls: false },
  });
  const findings = await mtaStsMonitor.run(context, domain);
  return Object.fromEntries(findings.map((f) => [f.check, f])) as Record<string, Finding>;
}

async function smtpWith(cert: Issued): Promise<number> {
  const server = await startFakeSmtp({ tls: { key: cert.keyPem, cert: cert.certPem } });
  smtpServers.push(server);
  return server.port;
}

describe('MTA-STS mx patterns (RFC 8461 §4.1)', () => {
  it('matches exact names and one-label wildcards only', () => {
    expect(mxPatternMatches('mx.example.com', 'MX.example.com.')).toBe(true);
    expect(mxPatternMatches('*.example.com', 'mx1.example.com')).toBe(true);
    expect(mxPatternMatches('*.example.com', 'a.b.example.com')).toBe(false);
    expect(mxPatternMatches('*.example.com', 'example.com')).toBe(false);
    expect(mxPatternMatches('*.example.com', 'mxexample.com')).toBe(false);
  });
});

describe('mtasts monitor', () => {
  it('good enforce policy, MX covered and with a valid certificate: ok', async () => {
    const f = await check('good.test', await smtpWith(mxCert));
    expect(f['mtasts.record']?.status).toBe('ok');
    expect(f['mtasts.policy']).toMatchObject({ status: 'ok' });
    expect(f['mtasts.policy']?.summary).toContain('mode enforce');
  });

  it('enforce with an MX not covered by any pattern: fail', async () => {
    const f = await check('uncovered.test', await smtpWith(mxCert));
    expect(f['mtasts.policy']?.status).toBe('fail');
    expect(f['mtasts.policy']?.summary).toMatch(/not covered.*mx\.sts\.test/);
  });

  it('a failing policy says the problem first and fixes exactly that (the policy itself is evidence)', async () => {
    const uncovered = await check('uncovered.test', await smtpWith(mxCert));
    expect(uncovered['mtasts.policy']?.summary).toMatch(
      /^MTA-STS policy \(mode enforce\): MX not covered by the policy: mx\.sts\.test/,
    );
    expect(uncovered['mtasts.policy']?.fix).toBe(
      'Add "mx: mx.sts.test" to the policy ("*.example.com" covers one label) and change the TXT id.',
    );
    expect(uncovered['mtasts.policy']?.evidence.policy).toMatchObject({ mode: 'enforce' });
    const badmx = await check('badmx.test', await smtpWith(selfSignedMx));
    expect(badmx['mtasts.policy']?.fix).toMatch(/^Give every MX working STARTTLS and a certificate from a public CA/);
    expect(badmx['mtasts.policy']?.fix).not.toMatch(/max_age/);
  });

  it('testing mode with an uncovered MX: warn', async () => {
    const f = await check('testing.test', await smtpWith(mxCert));
    expect(f['mtasts.policy']?.status).toBe('warn');
  });

  it('enforce with an MX whose certificate does not validate: fail', async () => {
    const f = await check('badmx.test', await smtpWith(selfSignedMx));
    expect(f['mtasts.policy']?.status).toBe('fail');
    expect(f['mtasts.policy']?.summary).toMatch(/certificate not trusted/);
  });

  it('missing policy (404): fail', async () => {
    const f = await check('missing.test', await smtpWith(mxCert));
    expect(f['mtasts.policy']?.status).toBe('fail');
    expect(f['mtasts.policy']?.summary).toMatch(/HTTP 404/);
  });

  it('redirect: fail, not followed', async () => {
    const f = await check('redirect.test', await smtpWith(mxCert));
    expect(f['mtasts.policy']?.status).toBe('fail');
    expect(f['mtasts.policy']?.summary).toMatch(/301 redirect/);
  });

  it('oversized policy: fail at the size limit', async () => {
    const f = await check('huge.test', await smtpWith(mxCert));
    expect(f['mtasts.policy']?.summary).toMatch(/larger than 65536 bytes/);
  });

  it('policy host with a certificate that does not chain to a trusted CA: fail', async () => {
    const f = await check('good.test', await smtpWith(mxCert), { caFile: null });
    expect(f['mtasts.policy']?.status).toBe('fail');
    expect(f['mtasts.policy']?.summary).toMatch(/certificate/i);
  });

  it('policy host on a refused (private) address: reported, not fetched', async () => {
    const dns = new FakeDns({ records: domainRecords('good.test') });
    const context = testContext(dns, { allowPrivateTargets: false, transport: { httpsPort } });
    const findings = await mtaStsMonitor.run(context, 'good.test');
    expect(findings[1]).toMatchObject({ check: 'mtasts.policy', status: 'info' });
    expect(findings[1]?.summary).toMatch(/not fetched/);
  });

  it('record: absent is info, two records fail, a bad id fails', async () => {
    const run = async (texts: string[][]) => {
      const dns = new FakeDns({ records: texts.map((data) => ({ name: '_mta-sts.r.test', type: 'TXT', data })) });
      return (await mtaStsMonitor.run(testContext(dns), 'r.test'))[0]!;
    };
    expect((await run([])).status).toBe('info');
    expect((await run([['v=STSv1; id=1'], ['v=STSv1; id=2']])).status).toBe('fail');
    expect((await run([['v=STSv1; id=not-valid!']])).status).toBe('fail');
    expect((await run([['v=STSv1; ', 'id=abc123']])).status).toBe('ok');
  });
});

describe('tlsrpt monitor', () => {
  const run = async (texts: string[][]) => {
    const dns = new FakeDns({ records: texts.map((data) => ({ name: '_smtp._tls.r.test', type: 'TXT', data })) });
    return (await tlsRptMonitor.run(testContext(dns), 'r.test'))[0]!;
  };

  it('accepts mailto: and https: destinations', async () => {
    const f = await run([['v=TLSRPTv1; rua=mailto:tls@r.test,https://reports.r.test/tlsrpt']]);
    expect(f.status).toBe('ok');
    expect(f.evidence.destinations).toEqual(['mailto:tls@r.test', 'https://reports.r.test/tlsrpt']);
  });

  it('fails bad destinations, several records, or no rua; absent is info', async () => {
    expect((await run([['v=TLSRPTv1; rua=http://insecure.test/']])).status).toBe('fail');
    expect((await run([['v=TLSRPTv1; rua=mailto:not-an-address']])).status).toBe('fail');
    expect((await run([['v=TLSRPTv1;']])).status).toBe('fail');
    expect((await run([['v=TLSRPTv1; rua=mailto:a@r.test'], ['v=TLSRPTv1; rua=mailto:b@r.test']])).status).toBe('fail');
    expect((await run([])).status).toBe('info');
  });

  it('judges each rua destination', () => {
    expect(ruaProblem('mailto:tls-reports@example.nl')).toBeUndefined();
    expect(ruaProblem('ftp://example.nl/')?.reason).toBe('bad-scheme');
  });
});
