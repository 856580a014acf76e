import { readFile } from 'node:fs/promises';
import { isDnsError } from '../../dns/errors.ts';
import type { DnsClient } from '../../dns/types.ts';
import { parseIp } from '../spf/ip-match.ts';
import { expandIPv6 } from '../spf/macro.ts';
import { enclosing, type Prefix, parsePrefix, prefixKey } from './prefix.ts';

/** A BGP route as an IP-to-origin-AS source sees it: the announced prefix and its origin AS. */
export interface Route {
  prefix: string;
  asn: number;
}

/** Where the routes covering an address come from: a file of `prefix AS` lines, or a Team Cymru–style DNS zone. */
export interface OriginSource {
  describe: string;
  routesFor(address: string): Promise<Route[]>;
}

/** `192.0.2.0/24 64500` (or `AS64500`) per line, `#` comments: the most specific prefix holding the address wins. */
export async function fileOrigins(path: string): Promise<OriginSource> {
  const byPrefix = new Map<string, Route[]>();
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines.forEach((line, index) => {
    const text = line.replace(/#.*/, '').trim();
    if (text === '') return;
    const [prefixText, asText] = text.split(/\s+/);
    const prefix = parsePrefix(prefixText ?? '');
    const asn = Number(String(asText ?? '').replace(/^AS/i, ''));
    if (!prefix || !Number.isInteger(asn))
      throw new Error(`${path}:${index + 1}: expected "<prefix> <AS>", got "${text}"`);
    const key = prefixKey(prefix);
    byPrefix.set(key, [...(byPrefix.get(key) ?? []), { prefix: prefixText ?? '', asn }]);
  });
  return {
    describe: `file ${path}`,
    routesFor: async (address) => {
      const ip = parseIp(address);
      if (!ip) return [];
      for (const prefix of enclosing(ip)) {
        const routes = byPrefix.get(prefixKey(prefix));
        if (routes) return routes;
      }
      return [];
    },
  };
}

/** The query name of an address under a Cymru-style origin zone: reversed octets, or reversed nibbles for IPv6. */
export function originQueryName(address: string, zones: { ipv4: string; ipv6?: string }): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  if (ip.family === 4) return `${address.split('.').reverse().join('.')}.${zones.ipv4}`;
  if (!zones.ipv6) return undefined;
  const nibbles = expandIPv6(address).replace(/:/g, '').split('').reverse().join('.');
  return `${nibbles}.${zones.ipv6}`;
}

/**
 * Team Cymru's IP-to-ASN DNS service format: TXT `"64500 64501 | 192.0.2.0/24 | NL | ripencc | 2001-01-01"` at the
 * reversed address under `origin.asn.cymru.com` (IPv6: `origin6.asn.cymru.com`); several origin ASes are MOAS.
 */
export function dnsOrigins(dns: DnsClient, zones: { ipv4: string; ipv6?: string }): OriginSource {
  return {
    describe: `DNS ${zones.ipv4}${zones.ipv6 ? `, ${zones.ipv6}` : ''}`,
    routesFor: async (address) => {
      const name = originQueryName(address, zones);
      if (!name) return [];
      let answer: Awaited<ReturnType<DnsClient['query']>>;
      try {
        answer = await dns.query(name, 'TXT');
      } catch (error) {
        if (isDnsError(error)) throw new Error(`origin lookup ${name}: ${error.kind} (${error.message})`);
        throw error;
      }
      return answer.answers
        .filter((r) => r.type === 'TXT')
        .flatMap((r) => {
          const data = r.data as (Uint8Array | string)[] | Uint8Array | string;
          const text = (Array.isArray(data) ? data : [data]).map((part) => Buffer.from(part).toString('utf8')).join('');
          const [asField, prefixField] = text.split('|').map((field) => field.trim());
          const prefix = parsePrefix(prefixField ?? '');
          if (!prefix) return [];
          return (asField ?? '')
            .split(/\s+/)
            .map(Number)
            .filter((asn) => Number.isInteger(asn) && asn > 0)
            .map((asn) => ({ prefix: prefixField ?? '', asn }));
        });
    },
  };
}

/** `dns:<zone4>[,<zone6>]` or a file path. */
export function parseOriginsSetting(
  text: string,
): { kind: 'dns'; ipv4: string; ipv6?: string } | { kind: 'file'; path: string } {
  if (!text.startsWith('dns:')) return { kind: 'file', path: text };
  const [ipv4, ipv6] = text
    .slice(4)
    .split(',')
    .map((z) => z.trim().replace(/\.$/, ''));
  if (!ipv4) throw new Error(`"${text}": expected dns:<zone for IPv4>[,<zone for IPv6>]`);
  return { kind: 'dns', ipv4, ...(ipv6 ? { ipv6 } : {}) };
}

export type { Prefix };
