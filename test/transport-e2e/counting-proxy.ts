/** A TCP proxy that counts connections per listening address: how many times did the checker knock, and at once? */
import net from 'node:net';

export interface AddressCount {
  connections: number;
  peakConcurrent: number;
}

export interface CountingProxy {
  counts(): Record<string, AddressCount>;
  close(): Promise<void>;
}

/** Listens on every `address:port` and forwards each connection to `upstream` (a real Postfix listener). */
export async function startCountingProxy(
  addresses: string[],
  port: number,
  upstream: { address: string; port: number },
): Promise<CountingProxy> {
  const counts: Record<string, AddressCount> = {};
  const active = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const servers = await Promise.all(
    addresses.map(
      (address) =>
        new Promise<net.Server>((resolve, reject) => {
          counts[address] = { connections: 0, peakConcurrent: 0 };
          const server = net.createServer((client) => {
            const count = counts[address]!;
            count.connections++;
            const now = (active.get(address) ?? 0) + 1;
            active.set(address, now);
            count.peakConcurrent = Math.max(count.peakConcurrent, now);
            const server = net.connect(upstream.port, upstream.address);
            for (const socket of [client, server]) {
              sockets.add(socket);
              socket.on('error', () => socket.destroy());
            }
            // A conversation is over when either side ends it: Postfix closes after its 221 to QUIT, or the checker
            // sends its FIN. (The checker's FIN can be seen here a millisecond after its next connection is accepted,
            // although `ss` shows its socket gone before it connects again: event order across two processes.)
            let ended = false;
            const onClientDone = () => {
              if (ended) return;
              ended = true;
              active.set(address, (active.get(address) ?? 1) - 1);
            };
            client.on('data', (chunk) => server.destroyed || server.write(chunk));
            server.on('data', (chunk) => client.destroyed || client.write(chunk));
            client.once('end', () => {
              onClientDone();
              server.end();
            });
            client.once('close', () => {
              onClientDone();
              server.destroy();
            });
            server.once('end', () => {
              onClientDone();
              client.end();
            });
            server.once('close', () => client.end());
          });
          server.once('error', reject);
          server.listen(port, address, () => resolve(server));
        }),
    ),
  );
  return {
    counts: () => structuredClone(counts),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
