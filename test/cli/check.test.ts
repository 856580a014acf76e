import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import * as dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainReport } from '../../src/model.ts';
import { type FakeServer, startFakeServer } from '../dns/fake-server.ts';
import { labInfo } from '../lab/info.ts';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      // A process killed by the timeout has no exit code: -1, so it can never pass for a clean exit.
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function labResolver(): string {
  const { resolver } = labInfo();
  return `${resolver.address}:${resolver.port}`;
}

function mxCheck(...domains: string[]): Promise<CliResult> {
  // the lab's MX hosts are on loopback: without --allow-private-targets mx.records rightly warns about that
  return runCli([
    'check',
    ...domains,
    '--resolver',
    labResolver(),
    '--checks',
    'mx',
    '--json',
    '--allow-private-targets',
  ]);
}

function findingsOf(result: CliResult, domain: string) {
  const { reports } = JSON.parse(result.stdout) as { reports: DomainReport[] };
  const report = reports.find((r) => r.domain === domain);
  if (!report) throw new Error(`no report for ${domain} in ${result.stdout}`);
  return report.findings;
}

describe('mailwarden check: mx.records through the real lab resolver', () => {
  it('passes a valid MX set and prints the JSON contract', async () => {
    const result = await mxCheck('mx-good.test');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { reports: DomainReport[] };
    expect(Object.keys(parsed)).toEqual(['reports']);
    const [report] = parsed.reports;
    expect(report).toMatchObject({ domain: 'mx-good.test' });
    expect(Number.isNaN(Date.parse(report!.checkedAt))).toBe(false);
    const domainFinding = report!.findings.find((f) => f.subject === 'mx-good.test');
    expect(domainFinding).toMatchObject({ check: 'mx.records', status: 'ok' });
    expect(Object.keys(domainFinding!)).toEqual(
      expect.arrayContaining(['check', 'subject', 'status', 'summary', 'evidence']),
    );
  });

  it('warns when the only addresses of the MX hosts are special-purpose (loopback) and private targets are not allowed', async () => {
    const result = await runCli(['check', 'mx-good.test', '--resolver', labResolver(), '--checks', 'mx', '--json']);
    expect(result.code).toBe(1);
    const host = findingsOf(result, 'mx-good.test').find((f) => f.subject === 'mx1.mx-good.test');
    expect(host).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(/cannot be reached from the Internet.*\(special-purpose addresses: loopback\)$/),
    });
  });

  it('accepts a null MX alone and fails a null MX mixed with other MX records', async () => {
    const result = await mxCheck('mx-null.test', 'mx-nullmixed.test');
    expect(findingsOf(result, 'mx-null.test')).toEqual([
      expect.objectContaining({
        check: 'mx.records',
        status: 'ok',
        evidence: expect.objectContaining({ nullMx: true }),
      }),
    ]);
    expect(findingsOf(result, 'mx-nullmixed.test')[0]).toMatchObject({ status: 'fail' });
    expect(result.code).toBe(2);
  });

  it.each([
    ['mx-cname.test', 'mail.mx-cname.test', /CNAME/],
    ['mx-noaddr.test', 'mx1.mx-noaddr.test', /no A or AAAA/],
    ['mx-nxtarget.test', 'missing.mx-nxtarget.test', /NXDOMAIN/],
    ['mx-ipliteral.test', '192.0.2.1', /IP address literal/],
    ['mx-localhost.test', 'localhost', /localhost/],
  ])('fails %s because of its target %s', async (domain, target, reason) => {
    const result = await mxCheck(domain);
    expect(result.code).toBe(2);
    const host = findingsOf(result, domain).find((f) => f.subject === target);
    expect(host).toMatchObject({ check: 'mx.records', status: 'fail' });
    expect(host!.summary).toMatch(reason);
    expect(host!.fix).toBeTruthy();
  });

  it('reports the A/AAAA fallback of a domain without MX as info (exit 0)', async () => {
    const result = await mxCheck('mx-none.test');
    expect(result.code).toBe(0);
    expect(findingsOf(result, 'mx-none.test')).toEqual([
      expect.objectContaining({ status: 'info', evidence: expect.objectContaining({ implicitMx: ['127.25.0.1'] }) }),
    ]);
  });

  it('fails a domain that does not exist', async () => {
    const result = await mxCheck('nothing-here.does-not-exist.test');
    expect(result.code).toBe(2);
    expect(findingsOf(result, 'nothing-here.does-not-exist.test')[0]!.summary).toMatch(/does not exist \(NXDOMAIN\)/);
  });

  it('prints a readable table per domain without --json', async () => {
    const result = await runCli([
      'check',
      'mx-noaddr.test',
      '--resolver',
      labResolver(),
      '--checks',
      'mx',
      '--lang',
      'en',
    ]);
    expect(result.stdout).toMatch(/^mx-noaddr\.test {2}\[FAIL\] {2}2 fail\n/);
    expect(result.stdout).toMatch(
      /FAIL {3}mx\.records +mx1\.mx-noaddr\.test\n +MX target mx1\.mx-noaddr\.test has no A/,
    );
    expect(result.stdout).toMatch(/fix: Publish A\/AAAA records/);
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe('mailwarden check: bad options', () => {
  it.each([
    [['--ca-file', '/nonexistent/ca.pem'], /--ca-file \/nonexistent\/ca\.pem: cannot read it \(no such file\)/],
    [['--trust-anchor', '/nonexistent/anchor'], /--trust-anchor \/nonexistent\/anchor: cannot read it/],
    [['--trust-anchor', fileURLToPath(import.meta.url)], /--trust-anchor .*check\.test\.ts: zone file line \d+/],
    [['--ca-file', fileURLToPath(import.meta.url)], /--ca-file .*: no PEM certificate/],
    [['--domains-file', '/nonexistent/domains.txt'], /--domains-file \/nonexistent\/domains\.txt: cannot read it/],
    [['--concurrency', 'many'], /--concurrency expects a positive whole number, got "many"/],
    [['https://example.nl/contact'], /is a URL, not a domain name; did you mean example\.nl\?/],
    [['example..nl'], /"example\.\.nl" has an empty label/],
    [['--min-status', 'bad'], /--min-status expects one of ok, info, warn, fail, got "bad"/],
    [['--lang', 'fr'], /--lang: unknown language "fr"; known: en, nl/],
  ])('refuses %j with one clear error before any query (exit 3)', async (args, message) => {
    const result = await runCli(['check', 'mx-good.test', '--resolver', '127.53.9.9', ...args]);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('mailwarden check: the resolver itself', () => {
  it('exits 3 with one clear error when the resolver does not answer', async () => {
    const result = await runCli(['check', 'mx-good.test', '--resolver', '127.53.9.9', '--timeout', '500', '--json']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/resolver cannot be used, nothing was checked/);
  });

  let stripping: FakeServer;
  beforeAll(async () => {
    const { resolver } = labInfo();
    // A resolver that passes everything through but drops RRSIG records: a DNSSEC-stripping middlebox.
    stripping = await startFakeServer(
      (query) =>
        new Promise((resolve) => {
          const socket = createSocket('udp4');
          socket.once('message', (raw) => {
            socket.close();
            const packet = dnsPacket.decode(raw);
            const keep = (records: dnsPacket.Answer[] | undefined) => (records ?? []).filter((r) => r.type !== 'RRSIG');
            resolve({
              packet: { ...packet, answers: keep(packet.answers), authorities: keep(packet.authorities) },
            });
          });
          socket.send(query.raw, resolver.port, resolver.address);
        }),
    );
  });
  afterAll(async () => stripping?.close());

  it('reports a DNSSEC-stripping resolver once instead of a DNSSEC failure per domain', async () => {
    const result = await runCli([
      'check',
      'mx-good.test',
      'dnssec-alg13.test',
      '--resolver',
      `127.0.0.1:${stripping.port}`,
      '--trust-anchor',
      labInfo().trustAnchorFile,
      '--checks',
      'mx,dnssec',
      '--json',
    ]);
    expect(result.stderr).toMatch(/strip/i);
    const { reports, resolver } = JSON.parse(result.stdout) as {
      reports: DomainReport[];
      resolver: { problem: string };
    };
    expect(resolver.problem).toBe('dnssec-stripped');
    expect(reports).toHaveLength(2);
    for (const report of reports) expect(report.findings.filter((f) => f.check.startsWith('dnssec.'))).toEqual([]);
    expect(result.code).toBe(3);
  });
});
