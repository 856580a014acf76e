import net from 'node:net';
import tls from 'node:tls';
import { NO_TRUST_ANCHOR_PEM } from './no-trust-anchor.ts';
import type { ProbeOutcome } from './types.ts';

/** A network step that failed, already classified into a probe outcome. */
export class ProbeStepError extends Error {
  readonly outcome: ProbeOutcome;
  /** Node/OpenSSL error code, when there was one. */
  readonly code: string | undefined;
  constructor(outcome: ProbeOutcome, message: string, code?: string) {
    super(message);
    this.name = 'ProbeStepError';
    this.outcome = outcome;
    this.code = code;
  }
}

/**
 * After the connection is up, errors (EPIPE from a QUIT to a server that already hung up, ECONNRESET) reach the reply
 * reader while it listens, and 'close' otherwise. Without a listener of its own, a late error would be an uncaught
 * exception: a hostile or impatient server must never crash the daemon.
 */
function ignoreLateSocketError(): void {}

export function openConnection(address: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeStepError('timeout', `no TCP connection within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.on('error', ignoreLateSocketError);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const outcome: ProbeOutcome = error.code === 'ECONNREFUSED' ? 'refused' : 'network-error';
      reject(new ProbeStepError(outcome, `${error.code ?? 'error'}: ${error.message}`));
    });
  });
}

export interface TlsUpgradeOptions {
  minVersion: tls.SecureVersion;
  maxVersion: tls.SecureVersion;
  ciphers: string;
}

/**
 * A permissive client, like a sending MTA doing opportunistic TLS: every version from TLS 1.0 and every cipher
 * OpenSSL still has, so that we see what the server chooses. Trust never fails the handshake.
 */
export const PERMISSIVE_TLS: TlsUpgradeOptions = {
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1.3',
  ciphers: 'DEFAULT@SECLEVEL=0',
};

export const LEGACY_ONLY_TLS: TlsUpgradeOptions = {
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1.1',
  ciphers: 'DEFAULT@SECLEVEL=0',
};

export function upgradeToTls(
  socket: net.Socket,
  servername: string,
  options: TlsUpgradeOptions,
  timeoutMs: number,
): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket,
      servername: net.isIP(servername) ? undefined : servername,
      rejectUnauthorized: false,
      ca: NO_TRUST_ANCHOR_PEM,
      ...options,
    });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new ProbeStepError('timeout', `no TLS handshake within ${timeoutMs} ms`));
    }, timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      secure.on('error', ignoreLateSocketError);
      resolve(secure);
    });
    secure.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      secure.destroy();
      reject(new ProbeStepError('tls-failed', `${error.code ?? 'error'}: ${error.message}`, error.code));
    });
  });
}
