import { createConnection, createServer } from 'node:net';

export interface CountingProxy {
  connections: number;
  close(): Promise<void>;
}

/** A TCP proxy on a loopback address that counts the connections it relays: the bench's view of probe politeness. */
export async function startCountingProxy(
  listen: { address: string; port: number },
  target: { address: string; port: number },
): Promise<CountingProxy> {
  const proxy: CountingProxy = { connections: 0, close: async () => {} };
  const server = createServer((client) => {
    proxy.connections++;
    const upstream = createConnection({ host: target.address, port: target.port });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.address, resolve);
  });
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}
