import { isIP } from 'node:net';
import { type ParsedIp, parseIp } from '../spf/ip-match.ts';

/** An IP prefix: the network value (host bits zero), its length, its family. */
export interface Prefix {
  family: 4 | 6;
  value: bigint;
  length: number;
}

export const familyWidth = (family: 4 | 6) => (family === 4 ? 32 : 128);

/** The network of `ip` at `length` bits. */
export function networkOf(ip: ParsedIp, length: number): Prefix {
  const drop = BigInt(familyWidth(ip.family) - length);
  return { family: ip.family, value: (ip.value >> drop) << drop, length };
}

/** An address as a number: IPv4 by arithmetic, IPv6 from its 32 hex digits (hundreds of thousands per second). */
function parseAddress(text: string): ParsedIp | undefined {
  const family = isIP(text);
  if (family === 4) {
    const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
    return { family: 4, value: BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d) };
  }
  if (family === 6 && !text.includes('.')) {
    const [head = '', tail] = text.split('::');
    const groups = (part: string) => (part === '' ? [] : part.split(':'));
    const left = groups(head);
    const right = tail === undefined ? [] : groups(tail);
    const middle = Array.from({ length: 8 - left.length - right.length }, () => '0');
    const hex = [...left, ...middle, ...right].map((g) => g.padStart(4, '0')).join('');
    return { family: 6, value: BigInt(`0x${hex}`) };
  }
  return family === 6 ? parseIp(text) : undefined;
}

/** `192.0.2.0/24`, `2001:db8::/32`; a bare address is a host prefix. Undefined when it does not parse. */
export function parsePrefix(text: string): Prefix | undefined {
  const [address, bits] = text.trim().split('/');
  const ip = parseAddress(address ?? '');
  if (!ip) return undefined;
  const length = bits === undefined ? familyWidth(ip.family) : Number(bits);
  if (!Number.isInteger(length) || length < 0 || length > familyWidth(ip.family)) return undefined;
  return networkOf(ip, length);
}

/** A map key for a prefix: family, length and network value. */
export const prefixKey = (p: Prefix) => `${p.family}/${p.length}/${p.value.toString(16)}`;

/** Every prefix of `ip` from the longest (host) to the shortest (/0). */
export function* enclosing(ip: ParsedIp, longest = familyWidth(ip.family)): Generator<Prefix> {
  for (let length = longest; length >= 0; length--) yield networkOf(ip, length);
}
