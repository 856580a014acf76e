/**
 * One guard for every outbound probe whose target was learned from DNS (authoritative servers queried directly,
 * MX addresses, MTA-STS hosts). A hoster's customer controls its own DNS and must not be able to aim our probes at
 * the hoster's internal services, so special-purpose addresses (src/net/special-purpose.ts) are refused unless
 * private targets are allowed. The configured resolvers are trusted for DNS on their own port only: an MX or
 * MTA-STS host that resolves to the resolver's address (127.0.0.53, 127.0.0.11, an internal 10.x) is not probed.
 */
import { isIP } from 'node:net';
import type { IPv6 } from 'ipaddr.js';
import { type AddressClass, classifyAddress, parseAddress } from './special-purpose.ts';

export type { AddressClass };
export { classifyAddress };

export interface GuardVerdict {
  allowed: boolean;
  /** e.g. 'loopback', 'private (RFC 1918)', 'link-local' — set when the address is special-purpose. */
  category?: string;
  /** Human reason when refused. */
  reason?: string;
}

/** One guard for every outbound probe whose target was learned from DNS. */
export interface TargetGuard {
  /**
   * May we connect to `address` on `port`? A configured resolver is allowed on its own DNS port only; without a
   * port the resolver is not trusted at all.
   */
  check(address: string, port?: number): GuardVerdict;
}

export interface TargetGuardOptions {
  /** Allow special-purpose targets (`--allow-private-targets`); the lab tests need it. */
  allowPrivateTargets: boolean;
  /** The configured resolvers: `IP` (port 53), `IP:PORT` or `[IPv6]:PORT`. */
  trusted: string[];
}

export function createTargetGuard(options: TargetGuardOptions): TargetGuard {
  const trusted = new Map<string, number>();
  for (const entry of options.trusted) {
    const { host, port } = hostAndPort(entry);
    for (const identity of identities(host)) trusted.set(identity, port);
  }
  return {
    check(address: string, port?: number): GuardVerdict {
      const classified = classifyAddress(address);
      if (!classified) {
        return {
          allowed: false,
          category: 'not an IP address',
          reason: `${JSON.stringify(address)} is not an IP address; only resolved addresses can be probed`,
        };
      }
      const resolverPort = identities(address)
        .map((identity) => trusted.get(identity))
        .find((found) => found !== undefined);
      if (resolverPort !== undefined && port === resolverPort) {
        return classified.category === undefined ? { allowed: true } : { allowed: true, category: classified.category };
      }
      if (resolverPort !== undefined) {
        const category = `the configured resolver (trusted for DNS on port ${resolverPort} only)`;
        return {
          allowed: false,
          category: classified.category === undefined ? category : `${classified.category}; ${category}`,
          reason: `${address} is the address of the configured resolver; targets learned from DNS are never probed there${port === undefined ? '' : ` on port ${port}`}`,
        };
      }
      const category = classified.category;
      if (category === undefined) return { allowed: true };
      if (options.allowPrivateTargets) return { allowed: true, category };
      return {
        allowed: false,
        category,
        reason:
          `${address} is a special-purpose address (${category}); targets learned from DNS are not probed there ` +
          'unless private targets are allowed (--allow-private-targets, or allowPrivateTargets in the config)',
      };
    },
  };
}

/** Keys under which an address may be trusted: its canonical bytes, and the IPv4 inside an IPv4-mapped address. */
function identities(text: string): string[] {
  const address = parseAddress(text);
  if (!address) return [];
  const keys = [address.toNormalizedString()];
  if (address.kind() === 'ipv6') {
    const v6 = address as IPv6;
    if (v6.isIPv4MappedAddress()) keys.push(v6.toIPv4Address().toString());
  }
  return keys;
}

function hostAndPort(entry: string): { host: string; port: number } {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(text);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2] ?? 53) };
  if (isIP(text) !== 0) return { host: text, port: 53 };
  const v4WithPort = /^([0-9.]+):([0-9]+)$/.exec(text);
  return v4WithPort ? { host: v4WithPort[1]!, port: Number(v4WithPort[2]) } : { host: text, port: 53 };
}
