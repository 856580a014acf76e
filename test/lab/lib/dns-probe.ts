import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import * as packet from 'dns-packet';

export interface ProbeAnswer {
  rcode: string;
  ad: boolean;
  aa: boolean;
  answers: packet.Answer[];
}

/**
 * One UDP query, for the lab's own health checks (the product's DNS layer lives in src/dns and is what tests test).
 */
export function probe(
  server: string,
  name: string,
  type: packet.RecordType,
  options: { port?: number; recursive?: boolean; timeoutMs?: number } = {},
): Promise<ProbeAnswer> {
  const id = randomInt(0, 0xffff);
  const flags = (options.recursive ?? true) ? packet.RECURSION_DESIRED : 0;
  const query = packet.encode({
    type: 'query',
    id,
    flags,
    questions: [{ name, type, class: 'IN' }],
    additionals: [
      { type: 'OPT', name: '.', udpPayloadSize: 1232, flags: packet.DNSSEC_OK, extendedRcode: 0, ednsVersion: 0 },
    ] as packet.Answer[],
  });
  return new Promise((resolvePromise, reject) => {
    const socket = createSocket(isIP(server) === 6 ? 'udp6' : 'udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no answer from ${server} for ${name} ${type}`));
    }, options.timeoutMs ?? 2000);
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.on('message', (message) => {
      const decoded = packet.decode(message) as packet.DecodedPacket & { rcode?: string };
      if (decoded.id !== id) return;
      clearTimeout(timer);
      socket.close();
      resolvePromise({
        rcode: decoded.rcode ?? 'NOERROR',
        ad: decoded.flag_ad ?? false,
        aa: decoded.flag_aa ?? false,
        answers: decoded.answers ?? [],
      });
    });
    socket.send(query, options.port ?? 53, server);
  });
}
