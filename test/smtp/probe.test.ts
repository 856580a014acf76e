import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeWithRetry } from '../../src/monitors/mail-hosts/probe-pool.ts';
import { probeSmtpOnce } from '../../src/smtp/probe.ts';
import type { ProbeSettings, SmtpProbeResult } from '../../src/smtp/types.ts';
import { type Issued, Pki } from '../tls/pki.ts';
import { type FakeSmtpPersonality, type FakeSmtpServer, startFakeSmtp } from './fake-smtp-server.ts';

const pki = new Pki();
let root: Issued;
let intermediate: Issued;
let leaf: Issued;
const servers: FakeSmtpServer[] = [];

beforeAll(() => {
  root = pki.root('Probe Test Root');
  intermediate = pki.intermediate('Probe Test Intermediate', root);
  leaf = pki.leaf('mx1', intermediate, { cn: 'mx1.probe.test' });
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  pki.cleanup();
});

async function serve(personality: FakeSmtpPersonality): Promise<FakeSmtpServer> {
  const server = await startFakeSmtp(personality);
  servers.push(server);
  return server;
}

function settings(port: number, extra: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    port,
    ehloName: 'probe.mailwarden.test',
    connectTimeoutMs: 2000,
    bannerTimeoutMs: 2000,
    commandTimeoutMs: 2000,
    legacyTls: true,
    ...extra,
  };
}

describe('SMTP probe against in-process servers', () => {
  it('reads a multi-line greeting, does STARTTLS with SNI, records the session and the whole chain, then QUITs', async () => {
    const server = await serve({
      banner: ['mx1.probe.test ESMTP', 'second greeting line', 'third line'],
      tls: { key: leaf.keyPem, cert: Pki.chainPem(leaf, intermediate) },
    });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('ok');
    expect(result.banner).toEqual(['mx1.probe.test ESMTP', 'second greeting line', 'third line']);
    expect(result.starttlsOffered).toBe(true);
    expect(result.tls?.version).toBe('TLSv1.3');
    expect(result.tls?.cipherStandardName).toMatch(/^TLS_/);
    expect(result.tls?.keyExchange?.name).toBeTruthy();
    expect(result.tls?.chain).toEqual([leaf.der.toString('base64'), intermediate.der.toString('base64')]);
    expect(result.ehloTls?.[0]).toContain('greets');
    // the main conversation never goes past EHLO / STARTTLS / EHLO / QUIT
    expect(server.sessions[0]).toEqual([
      'EHLO probe.mailwarden.test',
      'STARTTLS',
      'EHLO probe.mailwarden.test',
      'QUIT',
    ]);
    // the legacy handshake is a second, limited conversation that the server refused
    expect(result.legacy?.result).toBe('refused');
    expect(server.sessions[1]?.slice(0, 2)).toEqual(['EHLO probe.mailwarden.test', 'STARTTLS']);
    expect(server.connections).toBe(2);
  });

  it('does not append a trust-store root that the server did not present', async () => {
    const server = await serve({ tls: { key: leaf.keyPem, cert: leaf.certPem } });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port, { legacyTls: false }));
    expect(result.tls?.chain).toEqual([leaf.der.toString('base64')]);
  });

  it('reports a server without STARTTLS and QUITs without trying it', async () => {
    const server = await serve({ offerStartTls: false });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('no-starttls');
    expect(result.tls).toBeUndefined();
    expect(server.sessions[0]).toEqual(['EHLO probe.mailwarden.test', 'QUIT']);
    expect(server.connections).toBe(1);
  });

  it('reports STARTTLS offered but refused (454)', async () => {
    const server = await serve({});
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('starttls-rejected');
    expect(result.detail).toContain('454');
  });

  it('stops at a hostile endless greeting line instead of buffering it', async () => {
    const server = await serve({ rawGreeting: `220 ${'A'.repeat(200_000)}` });
    const started = Date.now();
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('protocol-error');
    expect(result.detail).toMatch(/longer than 2048/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('keeps control characters of a greeting raw but bounds its length in evidence', async () => {
    const evil = `evil \u001b[31m <!channel> ${'x'.repeat(600)}`;
    const server = await serve({ banner: [evil], offerStartTls: false });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('no-starttls');
    expect(result.banner[0]?.startsWith('evil \u001b[31m <!channel> ')).toBe(true);
    expect(result.banner[0]?.length).toBeLessThanOrEqual(301);
  });

  it('rejects garbage that is not an SMTP reply', async () => {
    const server = await serve({ rawGreeting: 'HTTP/1.1 400 Bad Request\r\n\r\n' });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('protocol-error');
  });

  it('times out on a server that accepts TCP and never greets', async () => {
    const server = await serve({ banner: null });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port, { bannerTimeoutMs: 300 }));
    expect(result.outcome).toBe('timeout');
    expect(result.stage).toBe('banner');
    // no QUIT and no wait for a close that will not come: the timeout is the whole cost (was +4 s per attempt)
    expect(result.durationMs).toBeLessThan(1500);
  });

  it('waits patiently for a delayed greeting', async () => {
    const server = await serve({ bannerDelayMs: 400, offerStartTls: false });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port, { bannerTimeoutMs: 2000 }));
    expect(result.outcome).toBe('no-starttls');
  });

  it('treats a 421 greeting as rate limiting (could not determine), not as a verdict', async () => {
    const server = await serve({ bannerCode: 421, banner: ['4.7.0 too many connections, try later'] });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('rate-limited');
    expect(result.detail).toContain('421');
  });

  it('detects a server that still accepts TLS 1.0/1.1', async () => {
    const server = await serve({
      tls: {
        key: leaf.keyPem,
        cert: Pki.chainPem(leaf, intermediate),
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.2',
        ciphers: 'DEFAULT@SECLEVEL=0',
      },
    });
    const result = await probeSmtpOnce('mx1.probe.test', '127.0.0.1', settings(server.port));
    expect(result.outcome).toBe('ok');
    expect(result.tls?.version).toBe('TLSv1.2');
    expect(result.legacy).toMatchObject({ result: 'accepted', version: 'TLSv1.1' });
  });

  it('retries a refused connection once after the delay, then reports it', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();
    const result = await probeWithRetry('mx1.probe.test', '127.0.0.1', settings(port), 200);
    expect(result.outcome).toBe('refused');
    expect(result.attempts).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('counts a transient failure only when the retry fails too', async () => {
    const outcomes: SmtpProbeResult['outcome'][] = ['timeout', 'ok'];
    const fake = async (): Promise<SmtpProbeResult> => ({
      mx: 'mx',
      address: '127.0.0.1',
      port: 25,
      outcome: outcomes.shift() ?? 'ok',
      stage: 'done',
      banner: [],
      ehlo: [],
      starttlsOffered: true,
      attempts: 1,
      durationMs: 1,
      probedAt: new Date().toISOString(),
    });
    const result = await probeWithRetry('mx', '127.0.0.1', settings(25), 10, fake);
    expect(result.outcome).toBe('ok');
    expect(result.attempts).toBe(2);
  });
});
