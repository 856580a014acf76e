import { readFileSync } from 'node:fs';
import { isIP, SocketAddress } from 'node:net';
import type { DnsServer } from './types.ts';

export const DNS_PORT = 53;

/**
 * Parses `IP`, `IP:PORT`, `IPv6` and `[IPv6]:PORT` (as given to `--resolver`). Throws Error with a message fit for
 * a user. Addresses come back in canonical form, so '0:0::1' and '::1' are the same server.
 */
export function parseServerAddress(text: string): DnsServer {
  const input = text.trim();
  let address = input;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(input);
  if (bracketed) {
    address = bracketed[1]!;
    portText = bracketed[2];
    if (isIP(address) !== 6) throw new Error(`not an IPv6 address in brackets: ${text}`);
  } else if (isIP(input) === 0) {
    const colon = input.lastIndexOf(':');
    if (colon > 0 && input.indexOf(':') === colon) {
      address = input.slice(0, colon);
      portText = input.slice(colon + 1);
    }
    if (isIP(address) !== 4) throw new Error(`not an IP address (IPv4, IPv4:PORT, IPv6 or [IPv6]:PORT): ${text}`);
  }
  const port = portText === undefined ? DNS_PORT : Number(portText);
  if (!/^[0-9]*$/.test(portText ?? '') || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`bad port in resolver address: ${text}`);
  }
  return { address: canonicalAddress(address), port };
}

/** Canonical text of an IP literal (lower-case, shortest IPv6 form); the input itself when it is not an IP. */
export function canonicalAddress(address: string): string {
  const known = canonicalForms.get(address);
  if (known !== undefined) return known;
  const family = isIP(address);
  if (family === 0) return address;
  const canonical = new SocketAddress({ address, family: family === 6 ? 'ipv6' : 'ipv4' }).address;
  if (canonicalForms.size >= 4096) canonicalForms.clear();
  canonicalForms.set(address, canonical);
  return canonical;
}

/** Memo: every query canonicalises its server's address, and there are only a few servers. */
const canonicalForms = new Map<string, string>();

/** `ip:port` or `[ip6]:port`, as DnsAnswer.server reports it. */
export function formatServer(server: DnsServer): string {
  // an IP literal with a colon is IPv6 (cheaper than isIP, and this runs several times per query)
  return server.address.includes(':') ? `[${server.address}]:${server.port}` : `${server.address}:${server.port}`;
}

/** The `nameserver` lines of a resolv.conf text, in order; scoped link-local addresses (fe80::1%eth0) are skipped. */
export function parseResolvConf(text: string): DnsServer[] {
  const servers: DnsServer[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!match || match[1]!.includes('%') || isIP(match[1]!) === 0) continue;
    servers.push({ address: canonicalAddress(match[1]!), port: DNS_PORT });
  }
  return servers;
}

/** The system's resolvers from /etc/resolv.conf; 127.0.0.1 when there are none or the file is unreadable. */
export function systemServers(path = '/etc/resolv.conf'): DnsServer[] {
  let servers: DnsServer[] = [];
  try {
    servers = parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    // no resolv.conf: fall back below
  }
  return servers.length > 0 ? servers : [{ address: '127.0.0.1', port: DNS_PORT }];
}
