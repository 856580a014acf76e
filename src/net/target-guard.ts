/**
 * One guard for every outbound probe whose target was learned from DNS (authoritative servers queried directly,
 * MX addresses, MTA-STS hosts). A hoster's customer controls its own DNS and must not be able to aim our probes at
 * the hoster's internal services, so special-purpose addresses are refused unless private targets are allowed.
 * The configured resolvers are trusted and always allowed.
 */
import { isIP } from 'node:net';

export interface GuardVerdict {
  allowed: boolean;
  /** e.g. 'loopback', 'private (RFC 1918)', 'link-local' — set when the address is special-purpose. */
  category?: string;
  /** Human reason when refused. */
  reason?: string;
}

/** One guard for every outbound probe whose target was learned from DNS. Configured resolvers are exempt. */
export interface TargetGuard {
  check(address: string): GuardVerdict;
}

export interface TargetGuardOptions {
  /** Allow special-purpose targets (`--allow-private-targets`); the lab tests need it. */
  allowPrivateTargets: boolean;
  /** Addresses always allowed: the configured resolvers. `IP`, `IP:PORT` or `[IPv6]:PORT`. */
  trusted: string[];
}

interface Range {
  bytes: number[];
  bits: number;
  category: string;
}

const IPV4_RANGES: Range[] = [
  v4('255.255.255.255', 32, 'limited broadcast'),
  v4('0.0.0.0', 8, 'unspecified ("this network", RFC 1122)'),
  v4('10.0.0.0', 8, 'private (RFC 1918)'),
  v4('100.64.0.0', 10, 'shared address space (CGNAT, RFC 6598)'),
  v4('127.0.0.0', 8, 'loopback'),
  v4('169.254.0.0', 16, 'link-local'),
  v4('172.16.0.0', 12, 'private (RFC 1918)'),
  v4('192.0.0.0', 24, 'IETF protocol assignments (RFC 6890)'),
  v4('192.0.2.0', 24, 'documentation (RFC 5737)'),
  v4('192.168.0.0', 16, 'private (RFC 1918)'),
  v4('198.18.0.0', 15, 'benchmarking (RFC 2544)'),
  v4('198.51.100.0', 24, 'documentation (RFC 5737)'),
  v4('203.0.113.0', 24, 'documentation (RFC 5737)'),
  v4('224.0.0.0', 4, 'multicast'),
  v4('240.0.0.0', 4, 'reserved (240.0.0.0/4)'),
];

/** IPv6 prefixes whose last 32 bits are an IPv4 address that decides the verdict. */
const EMBEDDED_V4: Range[] = [v6('::ffff:0:0', 96, 'IPv4-mapped'), v6('64:ff9b::', 96, 'NAT64 (RFC 6052)')];

const IPV6_RANGES: Range[] = [
  v6('::', 128, 'unspecified'),
  v6('::1', 128, 'loopback'),
  v6('::', 96, 'IPv4-compatible (deprecated, RFC 4291)'),
  v6('64:ff9b:1::', 48, 'NAT64 local use (RFC 8215)'),
  v6('100::', 64, 'discard-only (RFC 6666)'),
  v6('2001:2::', 48, 'benchmarking (RFC 5180)'),
  v6('2001:db8::', 32, 'documentation (RFC 3849)'),
  v6('fc00::', 7, 'unique local (RFC 4193)'),
  v6('fe80::', 10, 'link-local'),
  v6('fec0::', 10, 'site-local (deprecated, RFC 3879)'),
  v6('ff00::', 8, 'multicast'),
];

export interface AddressClass {
  /** The special-purpose category, undefined for an ordinary global address. */
  category: string | undefined;
  /** The IPv4 address that decided, for IPv4-mapped and NAT64 addresses. */
  embeddedV4?: string;
}

/** Classifies an IP literal; undefined when it is not one. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bytes = addressBytes(address);
  if (!bytes) return undefined;
  if (bytes.length === 4) return { category: IPV4_RANGES.find((range) => inRange(bytes, range))?.category };
  const wrapper = EMBEDDED_V4.find((range) => inRange(bytes, range));
  if (wrapper) {
    const v4Bytes = bytes.slice(12);
    const inner = IPV4_RANGES.find((range) => inRange(v4Bytes, range))?.category;
    return {
      category: inner === undefined ? undefined : `${inner}, ${wrapper.category}`,
      embeddedV4: v4Bytes.join('.'),
    };
  }
  return { category: IPV6_RANGES.find((range) => inRange(bytes, range))?.category };
}

export function createTargetGuard(options: TargetGuardOptions): TargetGuard {
  const trusted = new Set(options.trusted.flatMap((entry) => identities(hostPart(entry))));
  return {
    check(address: string): GuardVerdict {
      const classified = classifyAddress(address);
      if (!classified) {
        return {
          allowed: false,
          category: 'not an IP address',
          reason: `${JSON.stringify(address)} is not an IP address; only resolved addresses can be probed`,
        };
      }
      const category = classified.category;
      if (identities(address).some((identity) => trusted.has(identity))) {
        return category === undefined ? { allowed: true } : { allowed: true, category };
      }
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
function identities(address: string): string[] {
  const bytes = addressBytes(address);
  if (!bytes) return [];
  const keys = [bytes.join(',')];
  if (bytes.length === 16 && inRange(bytes, EMBEDDED_V4[0]!)) keys.push(bytes.slice(12).join(','));
  return keys;
}

function hostPart(entry: string): string {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::[0-9]+)?$/.exec(text);
  if (bracketed) return bracketed[1]!;
  if (isIP(text) !== 0) return text;
  const v4WithPort = /^([0-9.]+):[0-9]+$/.exec(text);
  return v4WithPort ? v4WithPort[1]! : text;
}

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.bits;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i]! & mask) !== (range.bytes[i]! & mask)) return false;
  }
  return true;
}

/** 4 or 16 bytes of an IP literal (an IPv6 zone index like `%eth0` is ignored); undefined when not an IP. */
export function addressBytes(address: string): number[] | undefined {
  const text = address.trim();
  const family = isIP(text);
  if (family === 4) return text.split('.').map(Number);
  if (family !== 6) return undefined;
  let body = text.replace(/%.*$/, '').toLowerCase();
  let tail: number[] = [];
  const dotted = /:([0-9.]+)$/.exec(body);
  if (dotted && dotted[1]!.includes('.')) {
    tail = dotted[1]!.split('.').map(Number);
    body = `${body.slice(0, dotted.index + 1)}0:0`;
  }
  const [head, rest] = body.split('::') as [string, string | undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((group: number) => [group >> 8, group & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : undefined;
}

function v4(address: string, bits: number, category: string): Range {
  return { bytes: addressBytes(address)!, bits, category };
}

function v6(address: string, bits: number, category: string): Range {
  return { bytes: addressBytes(address)!, bits, category };
}
