/**
 * A few long-lived UDP sockets per address family, shared by every query: no socket (and no file descriptor) per
 * query. Each socket is bound by the OS to a random source port; answers are routed to the waiting query by
 * (server address, server port, message ID). A socket is retired after `rotateAfter` queries and closed once its
 * last query is done, so the source ports change over a long run.
 */
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { canonicalAddress } from './servers.ts';
import type { DnsServer } from './types.ts';

export interface UdpPoolOptions {
  /** Sockets per address family (default 2). */
  socketsPerFamily?: number;
  /** Queries a socket carries before it is retired and replaced (default 10,000). */
  rotateAfter?: number;
}

/** One registered (server, id) on one socket; stays registered until closed, so late answers still arrive. */
export interface UdpChannel {
  readonly id: number;
  send(message: Uint8Array): Promise<void>;
  close(): void;
}

type Family = 'udp4' | 'udp6';

interface PooledSocket {
  socket: Socket;
  family: Family;
  handlers: Map<string, (message: Uint8Array) => void>;
  opened: number;
  retired: boolean;
  closed: boolean;
  /** The OS-chosen source port, once bound. */
  port: number | undefined;
}

export class UdpPool {
  readonly #socketsPerFamily: number;
  readonly #rotateAfter: number;
  readonly #active: Record<Family, PooledSocket[]> = { udp4: [], udp6: [] };
  readonly #all = new Set<PooledSocket>();
  #next = 0;
  #closed = false;

  constructor(options: UdpPoolOptions = {}) {
    this.#socketsPerFamily = Math.max(1, options.socketsPerFamily ?? 2);
    this.#rotateAfter = Math.max(1, options.rotateAfter ?? 10_000);
  }

  /**
   * Registers a fresh random ID for `server` on one of the pool's sockets; `onMessage` receives every datagram from
   * exactly that server address and port carrying that ID. The caller validates the content.
   */
  open(server: DnsServer, onMessage: (message: Uint8Array) => void): UdpChannel {
    if (this.#closed) throw new Error('UDP pool is closed');
    const family: Family = isIP(server.address) === 6 ? 'udp6' : 'udp4';
    const pooled = this.#pick(family);
    const address = canonicalAddress(server.address);
    let id: number;
    let key: string;
    do {
      id = randomInt(0, 0x10000);
      key = `${address}|${server.port}|${id}`;
    } while (pooled.handlers.has(key));
    pooled.handlers.set(key, onMessage);
    pooled.opened++;
    if (pooled.opened >= this.#rotateAfter) this.#retire(pooled);
    return {
      id,
      send: (message) =>
        new Promise<void>((resolve, reject) => {
          if (pooled.closed) {
            reject(new Error('socket closed'));
            return;
          }
          pooled.socket.send(message, server.port, address, (error) => (error ? reject(error) : resolve()));
        }),
      close: () => {
        if (pooled.handlers.get(key) === onMessage) pooled.handlers.delete(key);
        if (pooled.retired && pooled.handlers.size === 0) this.#closeSocket(pooled);
      },
    };
  }

  /** Source ports of the sockets currently open (for tests and diagnostics). */
  sourcePorts(): number[] {
    return [...this.#all].flatMap((pooled) => (pooled.port === undefined ? [] : [pooled.port]));
  }

  /** Number of sockets ever created by this pool. */
  socketsCreated = 0;

  close(): void {
    this.#closed = true;
    for (const pooled of [...this.#all]) this.#closeSocket(pooled);
  }

  #pick(family: Family): PooledSocket {
    const sockets = this.#active[family];
    if (sockets.length < this.#socketsPerFamily) {
      const created = this.#create(family);
      sockets.push(created);
      return created;
    }
    this.#next = (this.#next + 1) % sockets.length;
    return sockets[this.#next]!;
  }

  #create(family: Family): PooledSocket {
    const socket = createSocket({ type: family });
    const pooled: PooledSocket = {
      socket,
      family,
      handlers: new Map(),
      opened: 0,
      retired: false,
      closed: false,
      port: undefined,
    };
    socket.on('message', (message, remote) => {
      if (message.length < 2) return;
      const id = (message[0]! << 8) | message[1]!;
      // The kernel's source address comes back in canonical form already (inet_ntop), like our keys.
      pooled.handlers.get(`${remote.address}|${remote.port}|${id}`)?.(message);
    });
    socket.on('listening', () => {
      pooled.port = socket.address().port;
    });
    // A socket error (rare for unconnected UDP) retires the socket; its queries time out and fail over.
    socket.on('error', () => this.#retire(pooled));
    socket.bind({ port: 0, exclusive: true });
    // Pending queries keep the process alive through their timers; an idle pool must not.
    socket.unref();
    this.#all.add(pooled);
    this.socketsCreated++;
    return pooled;
  }

  #retire(pooled: PooledSocket): void {
    if (pooled.retired) return;
    pooled.retired = true;
    const sockets = this.#active[pooled.family];
    const index = sockets.indexOf(pooled);
    if (index >= 0) sockets.splice(index, 1);
    if (pooled.handlers.size === 0) this.#closeSocket(pooled);
  }

  #closeSocket(pooled: PooledSocket): void {
    if (pooled.closed) return;
    pooled.closed = true;
    pooled.retired = true;
    this.#all.delete(pooled);
    const sockets = this.#active[pooled.family];
    const index = sockets.indexOf(pooled);
    if (index >= 0) sockets.splice(index, 1);
    try {
      pooled.socket.close();
    } catch {
      // already closed
    }
  }
}
