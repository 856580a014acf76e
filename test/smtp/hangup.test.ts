import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeSmtpOnce } from '../../src/smtp/probe.ts';

let server: net.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that greets, then hangs up on our EHLO: our QUIT is written to a socket the peer already closed. */
async function greetAndHangUp(): Promise<number> {
  server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.write('220 mx.hangup.test ESMTP\r\n');
    socket.once('data', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server!.address() as net.AddressInfo).port;
}

describe('SMTP probe against a server that hangs up', () => {
  it('reports the hang-up as a network error and survives the failed QUIT (no uncaught EPIPE)', async () => {
    const port = await greetAndHangUp();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        const result = await probeSmtpOnce('mx.hangup.test', '127.0.0.1', {
          port,
          ehloName: 'probe.mailwarden.test',
          connectTimeoutMs: 2000,
          bannerTimeoutMs: 2000,
          commandTimeoutMs: 2000,
          legacyTls: false,
        });
        expect(result.outcome).toBe('network-error');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });
});
