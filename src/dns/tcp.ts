/** One DNS exchange over TCP (RFC 7766): 2-byte length prefix both ways, the answer read to its exact length. */
import { connect } from 'node:net';
import type { DnsServer } from './types.ts';

export class TcpTimeoutError extends Error {
  constructor() {
    super('TCP exchange timed out');
    this.name = 'TcpTimeoutError';
  }
}

/** Sends `query` and resolves with the first framed message; rejects on timeout, connection errors or early close. */
export function tcpExchange(server: DnsServer, query: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.address, port: server.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let expected: number | undefined;
    let settled = false;
    const finish = (error: Error | undefined, message?: Uint8Array) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(message!);
    };
    const timer = setTimeout(() => finish(new TcpTimeoutError()), timeoutMs);
    socket.on('connect', () => {
      const framed = Buffer.alloc(query.length + 2);
      framed.writeUInt16BE(query.length, 0);
      framed.set(query, 2);
      socket.write(framed);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (expected === undefined && received >= 2) {
        const head = Buffer.concat(chunks);
        expected = head.readUInt16BE(0);
        chunks.length = 0;
        chunks.push(head);
      }
      if (expected !== undefined && received >= expected + 2) {
        finish(undefined, Buffer.concat(chunks).subarray(2, expected + 2));
      }
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error('connection closed before a whole answer arrived')));
  });
}
