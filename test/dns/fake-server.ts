/**
 * An in-process DNS server on 127.0.0.1 (ephemeral UDP + TCP ports) for fault injection. The handler sees each
 * decoded query and says what to send back: a dns-packet object, raw bytes, several datagrams, or nothing.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import * as dnsPacket from 'dns-packet';

export interface ReceivedQuery {
  transport: 'udp' | 'tcp';
  raw: Buffer;
  packet: dnsPacket.DecodedPacket;
  from: { address: string; port: number };
}

export type Reply =
  | { drop: true }
  | { packet: dnsPacket.Packet; delayMs?: number }
  | { raw: Uint8Array; delayMs?: number }
  /** Several datagrams in order; `fromOtherPort` sends one from a second socket (a spoofing attempt). */
  | { sequence: ({ raw: Uint8Array; fromOtherPort?: boolean; delayMs?: number } | { packet: dnsPacket.Packet })[] };

export type Handler = (query: ReceivedQuery) => Reply | Promise<Reply>;

export interface FakeServer {
  address: string;
  port: number;
  server: { address: string; port: number };
  received: ReceivedQuery[];
  setHandler(handler: Handler): void;
  close(): Promise<void>;
}

/** A response skeleton to a decoded query: same id and question, QR set, RD/CD copied. */
export function responseTo(query: ReceivedQuery, extra: Partial<dnsPacket.Packet> = {}): dnsPacket.Packet {
  const q = query.packet;
  return {
    id: q.id,
    type: 'response',
    flags:
      ((q.flags ?? 0) & (dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED)) | dnsPacket.RECURSION_AVAILABLE,
    questions: q.questions,
    answers: [],
    authorities: [],
    additionals: [],
    ...extra,
  };
}

export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  let current = handler;
  const received: ReceivedQuery[] = [];
  const spoofer = createSocket('udp4');
  const tcpClients = new Set<TcpSocket>();
  await new Promise<void>((resolve) => spoofer.bind(0, '127.0.0.1', resolve));
  const { udp, tcp, port } = await bindUdpAndTcpOnOnePort();

  const encode = (reply: { packet: dnsPacket.Packet } | { raw: Uint8Array }): Buffer =>
    'packet' in reply ? dnsPacket.encode(reply.packet) : Buffer.from(reply.raw);
  const sleep = (ms: number | undefined) => (ms ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

  udp.on('message', async (raw: Buffer, remote: RemoteInfo) => {
    let packet: dnsPacket.DecodedPacket;
    try {
      packet = dnsPacket.decode(raw);
    } catch {
      return;
    }
    const query: ReceivedQuery = {
      transport: 'udp',
      raw,
      packet,
      from: { address: remote.address, port: remote.port },
    };
    received.push(query);
    const reply = await current(query);
    await sendUdp(reply, remote, udp);
  });

  async function sendUdp(reply: Reply, remote: RemoteInfo, socket: Socket): Promise<void> {
    if ('drop' in reply) return;
    if ('sequence' in reply) {
      for (const item of reply.sequence) {
        await sleep('delayMs' in item ? item.delayMs : undefined);
        const via = 'fromOtherPort' in item && item.fromOtherPort ? spoofer : socket;
        via.send(encode(item), remote.port, remote.address);
      }
      return;
    }
    await sleep(reply.delayMs);
    socket.send(encode(reply), remote.port, remote.address);
  }

  tcp.on('connection', (client) => {
    tcpClients.add(client);
    client.on('close', () => tcpClients.delete(client));
    client.on('error', () => {});
    let buffer = Buffer.alloc(0);
    client.on('data', async (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 2 && buffer.length >= 2 + buffer.readUInt16BE(0)) {
        const raw = buffer.subarray(2, 2 + buffer.readUInt16BE(0));
        buffer = buffer.subarray(2 + raw.length);
        const packet = dnsPacket.decode(raw);
        const query: ReceivedQuery = {
          transport: 'tcp',
          raw: Buffer.from(raw),
          packet,
          from: { address: client.remoteAddress ?? '', port: client.remotePort ?? 0 },
        };
        received.push(query);
        const reply = await current(query);
        if ('drop' in reply || 'sequence' in reply) continue;
        await sleep(reply.delayMs);
        const body = encode(reply);
        const length = Buffer.alloc(2);
        length.writeUInt16BE(body.length);
        // Written in two pieces so the reader must assemble the frame.
        client.write(Buffer.concat([length, body.subarray(0, 3)]));
        setTimeout(() => client.write(body.subarray(3)), 5);
      }
    });
  });

  return {
    address: '127.0.0.1',
    port,
    server: { address: '127.0.0.1', port },
    received,
    setHandler(next) {
      current = next;
    },
    async close() {
      for (const client of tcpClients) client.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
      await new Promise<void>((resolve) => udp.close(() => resolve()));
      await new Promise<void>((resolve) => spoofer.close(() => resolve()));
    },
  };
}

/**
 * UDP gets an ephemeral port from the OS; TCP must listen on the same number, which another socket of the machine may
 * already hold (other test files run in parallel): then both are given up and a new port is tried.
 */
async function bindUdpAndTcpOnOnePort(): Promise<{ udp: Socket; tcp: Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    const port = udp.address().port;
    const tcp: Server = createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        tcp.once('error', reject);
        tcp.listen(port, '127.0.0.1', resolve);
      });
      return { udp, tcp, port };
    } catch (error) {
      udp.close();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 20) throw error;
    }
  }
}
