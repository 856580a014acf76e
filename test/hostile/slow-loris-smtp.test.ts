import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { render } from '../../src/i18n/render.ts';
import { probeWithRetry } from '../../src/monitors/mail-hosts/probe-pool.ts';
import { offeredFinding } from '../../src/monitors/starttls/findings.ts';
import { probeSmtpOnce } from '../../src/smtp/probe.ts';
import { DEFAULT_TRANSPORT_OPTIONS, probeSettings } from '../../src/smtp/settings.ts';
import type { ProbeSettings } from '../../src/smtp/types.ts';

const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Answers every step just in time: a greeting line, then one EHLO line every 50 ms, never the last one. */
async function slowLoris(): Promise<{ port: number; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.write('220 slow.example ESMTP\r\n');
    socket.once('data', () => {
      const timer = setInterval(() => socket.write('250-still thinking\r\n'), 50);
      socket.on('close', () => clearInterval(timer));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as net.AddressInfo).port, sockets };
}

const settings = (port: number, totalTimeoutMs: number | undefined): ProbeSettings => ({
  port,
  ehloName: 'probe.mailwarden.test',
  connectTimeoutMs: 2_000,
  bannerTimeoutMs: 30_000,
  commandTimeoutMs: 30_000,
  legacyTls: false,
  ...(totalTimeoutMs === undefined ? {} : { totalTimeoutMs }),
});

describe('total time of one SMTP probe', () => {
  it('stops a slow-loris server at the probe deadline, says so, and closes the connection', async () => {
    const server = await slowLoris();
    const result = await probeSmtpOnce('slow.example', '127.0.0.1', settings(server.port, 400));
    expect(result.outcome).toBe('timeout');
    expect(result.stage).toBe('ehlo');
    expect(result.deadlinePassed).toBe(true);
    expect(result.detail).toMatch(/total deadline of 0.4 s \(checks.transport.probeDeadline\)/);
    expect(server.sockets[0]?.destroyed || server.sockets[0]?.readableEnded).toBe(true);
  });

  it('does not retry a probe that used up its deadline', async () => {
    const server = await slowLoris();
    const result = await probeWithRetry('slow.example', '127.0.0.1', settings(server.port, 300), 10);
    expect(result.deadlinePassed).toBe(true);
    expect(result.attempts).toBe(1);
    expect(server.sockets).toHaveLength(1);
  });

  it('tells the user in plain words, in English and Dutch, that the server was too slow', async () => {
    const server = await slowLoris();
    const result = await probeWithRetry('slow.example', '127.0.0.1', settings(server.port, 300), 10);
    const ctx = {
      host: 'slow.example',
      address: '127.0.0.1',
      referenceNames: ['slow.example'],
      now: new Date(),
      caFile: undefined,
      transport: DEFAULT_TRANSPORT_OPTIONS,
    };
    const finding = offeredFinding(ctx, { kind: 'probed', result });
    expect(finding).toMatchObject({ check: 'starttls.offered', status: 'error', reason: 'probe-deadline' });
    expect(finding.summary).toMatch(
      /answered too slowly .*total deadline of 0.3 s \(checks.transport.probeDeadline; at ehlo, 1 attempt\)/,
    );
    expect(render(finding, 'nl').summary).toMatch(/antwoordde te traag .*maximale duur van 0.3 s/);
  });

  it('has a default that is above the patient banner timeout and configurable', () => {
    const defaults = probeSettings({ ehloName: 'x', timeoutMs: 10_000 });
    expect(defaults.totalTimeoutMs).toBe(90_000);
    expect(defaults.totalTimeoutMs!).toBeGreaterThan(defaults.bannerTimeoutMs);
    const set = probeSettings({ ehloName: 'x', timeoutMs: 10_000, transport: { probeDeadlineMs: 20_000 } });
    expect(set.totalTimeoutMs).toBe(20_000);
  });
});
