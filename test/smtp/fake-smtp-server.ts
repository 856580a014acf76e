/** A tiny in-process SMTP server on 127.0.0.1 with a chosen personality, for probe tests. */
import net from 'node:net';
import tls from 'node:tls';

export interface FakeSmtpPersonality {
  /** Greeting lines (multi-line when more than one); `null`: accept TCP and never say anything. */
  banner?: string[] | null;
  bannerCode?: number;
  /** Raw bytes to send instead of a proper greeting (hostile servers). */
  rawGreeting?: Buffer | string;
  bannerDelayMs?: number;
  offerStartTls?: boolean;
  /** Reply to STARTTLS, default 220. */
  starttlsReply?: string;
  /** TLS identity and limits; without it STARTTLS is answered 454. */
  tls?: { key: string; cert: string; minVersion?: tls.SecureVersion; maxVersion?: tls.SecureVersion; ciphers?: string };
}

export interface FakeSmtpServer {
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Most connections open at the same time. */
  readonly peakConcurrent: number;
  /** Every command received, in order, per connection. */
  readonly sessions: string[][];
  close(): Promise<void>;
}

function lineReader(stream: net.Socket | tls.TLSSocket, onLine: (line: string) => void): () => void {
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let index = buffer.indexOf('\n');
    while (index >= 0) {
      const line = buffer.slice(0, index).replace(/\r$/, '');
      buffer = buffer.slice(index + 1);
      onLine(line);
      index = buffer.indexOf('\n');
    }
  };
  stream.on('data', onData);
  return () => stream.off('data', onData);
}

export async function startFakeSmtp(
  personality: FakeSmtpPersonality,
  listen: { host?: string; port?: number } = {},
): Promise<FakeSmtpServer> {
  let connections = 0;
  let open = 0;
  let peakConcurrent = 0;
  const sessions: string[][] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    open++;
    peakConcurrent = Math.max(peakConcurrent, open);
    sockets.add(socket);
    // a connection counts as open until the client has finished it (its FIN) or it is closed
    let counted = true;
    const finished = () => {
      if (counted) open--;
      counted = false;
    };
    socket.on('end', finished);
    socket.on('close', () => {
      finished();
      sockets.delete(socket);
    });
    socket.on('error', () => {});
    const commands: string[] = [];
    sessions.push(commands);
    const greet = () => {
      if (personality.rawGreeting !== undefined) {
        socket.write(personality.rawGreeting);
        return;
      }
      if (personality.banner === null) return;
      const lines = personality.banner ?? ['fake.test ESMTP ready'];
      const code = personality.bannerCode ?? 220;
      lines.forEach((line, i) => {
        socket.write(`${code}${i === lines.length - 1 ? ' ' : '-'}${line}\r\n`);
      });
    };
    setTimeout(greet, personality.bannerDelayMs ?? 0);

    const converse = (stream: net.Socket | tls.TLSSocket, secure: boolean) => {
      const stop = lineReader(stream, (line) => {
        commands.push(line);
        const verb = line.split(' ')[0]?.toUpperCase();
        if (verb === 'EHLO') {
          const ext = ['PIPELINING', 'SIZE 10240000'];
          if (!secure && personality.offerStartTls !== false) ext.push('STARTTLS');
          stream.write(
            `250-fake.test greets you\r\n${ext.map((e, i) => `250${i === ext.length - 1 ? ' ' : '-'}${e}\r\n`).join('')}`,
          );
        } else if (verb === 'STARTTLS' && !secure) {
          if (!personality.tls) {
            stream.write('454 4.7.0 TLS not available\r\n');
            return;
          }
          stream.write(`${personality.starttlsReply ?? '220 2.0.0 Ready to start TLS'}\r\n`);
          if (personality.starttlsReply && !personality.starttlsReply.startsWith('220')) return;
          stop();
          const { key, cert, minVersion, maxVersion, ciphers } = personality.tls;
          const secureSocket = new tls.TLSSocket(socket, {
            isServer: true,
            secureContext: tls.createSecureContext({ key, cert, minVersion, maxVersion, ciphers }),
          });
          secureSocket.on('error', () => socket.destroy());
          secureSocket.on('end', finished);
          secureSocket.on('close', finished);
          converse(secureSocket, true);
        } else if (verb === 'QUIT') {
          stream.write('221 2.0.0 Bye\r\n');
          stream.end();
        } else {
          stream.write('502 5.5.2 Error: command not recognized\r\n');
        }
      });
    };
    converse(socket, false);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, listen.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    get connections() {
      return connections;
    },
    get peakConcurrent() {
      return peakConcurrent;
    },
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
