import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { Secret } from '../config/secret.ts';

export interface HttpAuthConfig {
  token?: Secret;
  basic?: { user: string; password: Secret };
  trustedProxy?: { header: string; from: string[] };
}

/** The listener and dashboard settings the start-up check needs. */
export interface HttpAccessConfig {
  listen: string;
  dashboard: boolean;
  auth?: HttpAuthConfig | undefined;
}

export class HttpConfigError extends Error {
  override name = 'HttpConfigError';
}

/** 127.0.0.0/8, ::1 and ::ffff:127.x: only this machine can connect. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  if (isIP(address) === 4) return address.startsWith('127.');
  return address === '::1';
}

function hasAnyAuth(auth: HttpAuthConfig | undefined): boolean {
  return (
    auth !== undefined && (auth.token !== undefined || auth.basic !== undefined || auth.trustedProxy !== undefined)
  );
}

/**
 * The dashboard shows every domain's weaknesses: off loopback it is only served with authentication. Throws with a
 * message that says what to configure; the daemon does not start.
 */
export function assertSafeExposure(config: HttpAccessConfig, host: string): void {
  if (!config.dashboard || isLoopback(host) || hasAnyAuth(config.auth)) return;
  throw new HttpConfigError(
    `http.dashboard is on and http.listen (${config.listen}) is not a loopback address, but http.auth is not set: ` +
      'set http.auth.token (a bearer token), http.auth.basic (user and password) or http.auth.trustedProxy ' +
      '(a reverse proxy that authenticates), or listen on 127.0.0.1 / [::1]',
  );
}

/** Compares secrets in constant time (through fixed-length digests, so the length leaks nothing either). */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface AuthRequest {
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string | undefined;
}

/**
 * Whether a request may see the protected paths. With no auth configured everything is allowed (the start-up check
 * made sure that is only so on loopback, or without the dashboard). Any one configured method suffices.
 */
export function isAuthorised(auth: HttpAuthConfig | undefined, request: AuthRequest): boolean {
  if (!hasAnyAuth(auth)) return true;
  const header = request.headers.authorization;
  const authorization = typeof header === 'string' ? header : '';
  if (auth!.token) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match && sameSecret(match[1]!, auth!.token.reveal())) return true;
  }
  if (auth!.basic) {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization);
    if (match) {
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (
        colon > 0 &&
        sameSecret(decoded.slice(0, colon), auth!.basic.user) &&
        sameSecret(decoded.slice(colon + 1), auth!.basic.password.reveal())
      )
        return true;
    }
  }
  if (auth!.trustedProxy && request.remoteAddress !== undefined) {
    const from = request.remoteAddress.replace(/^::ffff:/i, '');
    const user = request.headers[auth!.trustedProxy.header.toLowerCase()];
    if (auth!.trustedProxy.from.includes(from) && typeof user === 'string' && user.trim() !== '') return true;
  }
  return false;
}

/** The WWW-Authenticate challenge for a 401 (basic makes browsers ask for a password). */
export function challenge(auth: HttpAuthConfig | undefined): string | undefined {
  if (auth?.basic) return 'Basic realm="mailwarden", charset="UTF-8"';
  if (auth?.token) return 'Bearer realm="mailwarden"';
  return undefined;
}
