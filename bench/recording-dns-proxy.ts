import { createSocket, type RemoteInfo } from 'node:dgram';
import { createConnection, createServer } from 'node:net';

/**
 * A DNS proxy on a loopback address that relays UDP and TCP queries to a resolver and records every query message
 * exactly as sent (flags, DO and CD bits included) in dnsperf's `-B` binary format: a 2-byte length, then the message.
 * The bench replays that file with dnsperf to measure the resolver's floor for the very same questions.
 */
export interface RecordingDnsProxy {
  queries: number;
  /** The recorded queries, each length-prefixed, concatenated. */
  recording(): Buffer;
  close(): Promise<void>;
}

export async function startRecordingDnsProxy(
  listen: { address: string; port: number },
  upstream: { address: string; port: number },
): Promise<RecordingDnsProxy> {
  const recorded: Buffer[] = [];
  const record = (message: Buffer) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(message.length);
    recorded.push(prefix, Buffer.from(message));
    proxy.queries++;
  };
  const pending = new Map<number, { client: RemoteInfo; id: number }>();
  let nextId = 0;
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  front.on('message', (message, client) => {
    if (message.length < 12) return;
    record(message);
    const id = nextId;
    nextId = (nextId + 1) & 0xffff;
    pending.set(id, { client, id: message.readUInt16BE(0) });
    const copy = Buffer.from(message);
    copy.writeUInt16BE(id, 0);
    back.send(copy, upstream.port, upstream.address);
  });
  back.on('message', (message) => {
    if (message.length < 12) return;
    const entry = pending.get(message.readUInt16BE(0));
    if (!entry) return;
    pending.delete(message.readUInt16BE(0));
    message.writeUInt16BE(entry.id, 0);
    front.send(message, entry.client.port, entry.client.address);
  });
  const tcp = createServer((client) => {
    const server = createConnection({ host: upstream.address, port: upstream.port });
    let buffered = Buffer.alloc(0);
    client.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
        const length = buffered.readUInt16BE(0);
        record(buffered.subarray(2, 2 + length));
        buffered = buffered.subarray(2 + length);
      }
    });
    client.pipe(server).pipe(client);
    const end = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', end).on('close', end);
    server.on('error', end).on('close', end);
  });
  await Promise.all([
    new Promise<void>((resolve, reject) => {
      front.once('error', reject);
      front.bind(listen.port, listen.address, () => resolve());
    }),
    new Promise<void>((resolve) => back.bind(0, '127.0.0.1', () => resolve())),
    new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(listen.port, listen.address, resolve);
    }),
  ]);
  const proxy: RecordingDnsProxy = {
    queries: 0,
    recording: () => Buffer.concat(recorded),
    close: async () => {
      front.close();
      back.close();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
  return proxy;
}
