/** Address parsing and CIDR matching for ip4/ip6/a/mx, including IPv4-mapped IPv6 clients. */
import { isIPv4, isIPv6 } from 'node:net';
import { expandIPv6 } from './macro.ts';

export interface ParsedIp {
  family: 4 | 6;
  value: bigint;
}

export function parseIp(text: string): ParsedIp | undefined {
  if (isIPv4(text)) {
    const value = text.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(Number(octet)), 0n);
    return { family: 4, value };
  }
  if (isIPv6(text)) {
    const value = expandIPv6(text)
      .split(':')
      .reduce((acc, group) => (acc << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
    return { family: 6, value };
  }
  return undefined;
}

/** An IPv4-mapped IPv6 client (::ffff:192.0.2.1) is evaluated as the IPv4 address it carries. */
export function clientAddress(text: string): ParsedIp | undefined {
  const parsed = parseIp(text);
  if (parsed?.family === 6 && parsed.value >> 32n === 0xffffn) {
    return { family: 4, value: parsed.value & 0xffffffffn };
  }
  return parsed;
}

export function ipToText(ip: ParsedIp): string {
  if (ip.family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((ip.value >> shift) & 0xffn)).join('.');
  }
  const groups: string[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(((ip.value >> shift) & 0xffffn).toString(16));
  return compressIPv6(groups);
}

/** RFC 5952 text: the longest run (≥ 2) of zero groups becomes '::'. */
function compressIPv6(groups: string[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let start = 0; start < groups.length; start++) {
    let length = 0;
    while (groups[start + length] === '0') length++;
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}

export function inNetwork(client: ParsedIp, network: ParsedIp, prefix: number): boolean {
  if (client.family !== network.family) return false;
  const width = client.family === 4 ? 32n : 128n;
  const drop = width - BigInt(prefix);
  return client.value >> drop === network.value >> drop;
}
