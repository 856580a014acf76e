import { readFileSync } from 'node:fs';
import https from 'node:https';
import tls from 'node:tls';
import { DnsError } from '../../dns/errors.ts';
import type { MonitorContext } from '../types.ts';

export type PolicyFetch =
  | { kind: 'ok'; body: string; address: string; contentType: string | undefined }
  /** Verdicts about the domain: the host answered, but not with a usable policy. */
  | { kind: 'bad'; reason: string; address?: string; status?: number; location?: string }
  /** The host name does not resolve or every address refused the target guard. */
  | { kind: 'unreachable'; reason: string; transient: boolean };

export interface FetchSettings {
  port: number;
  timeoutMs: number;
  maxBytes: number;
  caFile: string | undefined;
}

let caCache: { file: string | undefined; pems: string[] } | undefined;

function caBundle(caFile: string | undefined): string[] {
  if (caCache && caCache.file === caFile) return caCache.pems;
  const system = tls.getCACertificates('default');
  const pems = caFile ? [...system, readFileSync(caFile, 'utf8')] : [...system];
  caCache = { file: caFile, pems };
  return pems;
}

/** Certificate/TLS failures are verdicts (senders cannot fetch the policy either); network trouble is not. */
const TLS_ERROR = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS|ERR_SSL|ALTNAME/;

function fetchFrom(
  address: string,
  host: string,
  settings: FetchSettings,
): Promise<PolicyFetch & { retryable?: boolean }> {
  return new Promise((resolve) => {
    const request = https.request({
      host: address,
      servername: host,
      port: settings.port,
      path: '/.well-known/mta-sts.txt',
      method: 'GET',
      headers: { Host: host, 'User-Agent': 'mailwarden', Accept: 'text/plain' },
      ca: caBundle(settings.caFile),
      timeout: settings.timeoutMs,
      agent: false,
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`timeout after ${settings.timeoutMs} ms`)),
      settings.timeoutMs,
    );
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        clearTimeout(timer);
        response.resume();
        request.destroy();
        const location = response.headers.location;
        resolve({
          kind: 'bad',
          address,
          status,
          ...(location ? { location: String(location).slice(0, 300) } : {}),
          reason:
            status >= 300 && status < 400
              ? `HTTP ${status} redirect${location ? ` to ${String(location).slice(0, 200)}` : ''}: senders do not follow redirects (RFC 8461 §3.3)`
              : `HTTP ${status} instead of 200`,
        });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > settings.maxBytes) {
          clearTimeout(timer);
          request.destroy();
          resolve({ kind: 'bad', address, status, reason: `policy larger than ${settings.maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        clearTimeout(timer);
        if (size > settings.maxBytes) return;
        resolve({
          kind: 'ok',
          address,
          body: Buffer.concat(chunks).toString('utf8'),
          contentType: response.headers['content-type'],
        });
      });
      response.on('error', (error) => {
        clearTimeout(timer);
        resolve({ kind: 'unreachable', reason: error.message, transient: true, retryable: true });
      });
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const text = `${error.code ?? ''} ${error.message}`;
      if (TLS_ERROR.test(text)) {
        resolve({ kind: 'bad', address, reason: `HTTPS certificate or TLS problem: ${error.message}` });
      } else {
        resolve({ kind: 'unreachable', reason: `${address}: ${error.message}`, transient: true, retryable: true });
      }
    });
    request.end();
  });
}

/**
 * GET https://mta-sts.<domain>/.well-known/mta-sts.txt the way a sender does, but through our resolver and the
 * target guard: resolve the name, connect to an allowed address, SNI and Host = the name, normal certificate
 * validation (system store + caFile), 200 only, no redirects, bounded size and time.
 */
export async function fetchPolicy(
  context: MonitorContext,
  domain: string,
  settings: FetchSettings,
): Promise<PolicyFetch> {
  const host = `mta-sts.${domain}`;
  const addresses: string[] = [];
  try {
    const answers = await Promise.all([context.dns.query(host, 'A'), context.dns.query(host, 'AAAA')]);
    for (const [answer, type] of [
      [answers[0], 'A'],
      [answers[1], 'AAAA'],
    ] as const) {
      for (const r of answer.answers) if (r.type === type) addresses.push(String(r.data));
    }
  } catch (error) {
    if (error instanceof DnsError)
      return { kind: 'unreachable', reason: `${host}: ${error.kind} (${error.message})`, transient: true };
    throw error;
  }
  if (addresses.length === 0) return { kind: 'bad', reason: `${host} has no address: the policy cannot be fetched` };
  const allowed = addresses.filter((a) => context.guard.check(a).allowed);
  if (allowed.length === 0) {
    const verdict = context.guard.check(addresses[0]!);
    return {
      kind: 'unreachable',
      reason: `not fetched: ${verdict.reason ?? 'address refused by the target guard'}`,
      transient: false,
    };
  }
  let last: PolicyFetch | undefined;
  for (const address of allowed) {
    const result = await fetchFrom(address, host, settings);
    if (!result.retryable) return result;
    last = result;
  }
  return last!;
}
