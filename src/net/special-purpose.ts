/**
 * Which IANA special-purpose block an address is in. The blocks come from ipaddr.js (`range()`), which follows the
 * IANA IPv4 and IPv6 Special-Purpose Address Registries (iana-ipv4-special-registry, iana-ipv6-special-registry);
 * the two entries it does not have yet are added below with their source. IPv6 forms that carry an IPv4 address
 * (IPv4-mapped and -translated, NAT64, 6to4, Teredo) are judged by the IPv4 address inside.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface AddressClass {
  /** The special-purpose category, undefined for an ordinary global address. */
  category: string | undefined;
  /** The IPv4 address(es) that decided, for IPv6 forms that embed one. */
  embeddedV4?: string;
}

const V4_CATEGORY: Record<string, string> = {
  unspecified: 'unspecified ("this network", RFC 1122)',
  broadcast: 'limited broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'shared address space (CGNAT, RFC 6598)',
  private: 'private (RFC 1918)',
  reserved: 'reserved',
  as112: 'AS112 DNS sink (RFC 7534, RFC 7535)',
  amt: 'AMT relay anycast (RFC 7450)',
};

/** ipaddr.js files these under `reserved`; the registry names each. */
const V4_RESERVED: [string, string][] = [
  ['192.0.0.0/24', 'IETF protocol assignments (RFC 6890)'],
  ['192.0.2.0/24', 'documentation (RFC 5737)'],
  ['192.88.99.0/24', '6to4 relay anycast (deprecated, RFC 7526)'],
  ['198.18.0.0/15', 'benchmarking (RFC 2544)'],
  ['198.51.100.0/24', 'documentation (RFC 5737)'],
  ['203.0.113.0/24', 'documentation (RFC 5737)'],
  ['240.0.0.0/4', 'reserved (240.0.0.0/4, RFC 1112)'],
];

const V6_CATEGORY: Record<string, string> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique local (RFC 4193)',
  deprecatedSiteLocal: 'site-local (deprecated, RFC 3879)',
  discard: 'discard-only (RFC 6666)',
  benchmarking: 'benchmarking (RFC 5180)',
  amt: 'AMT (RFC 7450)',
  as112v6: 'AS112 DNS sink (RFC 7534, RFC 7535)',
  deprecatedOrchid: 'ORCHID (deprecated, RFC 4843)',
  orchid2: 'ORCHIDv2 (RFC 7343)',
  droneRemoteIdProtocolEntityTags: 'drone remote ID entity tags (RFC 9374)',
  segmentRouting: 'segment routing SIDs (RFC 9602)',
  reserved: 'reserved',
};

const V6_RESERVED: [string, string][] = [
  ['2001:db8::/32', 'documentation (RFC 3849)'],
  ['3fff::/20', 'documentation (RFC 9637)'],
  ['2001::/23', 'IETF protocol assignments (RFC 2928)'],
];

/** Registry entries ipaddr.js 2.5 lacks, and the deprecated IPv4-compatible block that it files as unicast. */
const V6_EXTRA: [string, string][] = [
  ['100:0:0:1::/64', 'dummy prefix (RFC 9780; IANA IPv6 special-purpose registry, 2025)'],
  ['::/96', 'IPv4-compatible (deprecated, RFC 4291)'],
];

const cidr = (entries: [string, string][]) =>
  entries.map(([text, category]) => ({ range: ipaddr.parseCIDR(text), category }));
const v4Reserved = cidr(V4_RESERVED);
const v6Reserved = cidr(V6_RESERVED);
const v6Extra = cidr(V6_EXTRA);

function inAny(address: ipaddr.IPv4 | ipaddr.IPv6, list: ReturnType<typeof cidr>): string | undefined {
  return list.find(({ range }) => address.kind() === range[0].kind() && address.match(range))?.category;
}

function classifyV4(address: ipaddr.IPv4): string | undefined {
  const range = address.range();
  if (range === 'unicast') return undefined;
  if (range === 'reserved') return inAny(address, v4Reserved) ?? V4_CATEGORY.reserved;
  return V4_CATEGORY[range] ?? range;
}

const v4FromBytes = (bytes: number[]) => new ipaddr.IPv4(bytes);

/** IPv6 forms whose verdict is the verdict of the IPv4 address(es) inside. */
function embeddedV4(address: ipaddr.IPv6, range: string): { label: string; inner: ipaddr.IPv4[] } | undefined {
  const bytes = address.toByteArray();
  switch (range) {
    case 'ipv4Mapped':
      return { label: 'IPv4-mapped', inner: [v4FromBytes(bytes.slice(12))] };
    case 'rfc6145':
      return { label: 'IPv4-translated (RFC 6145)', inner: [v4FromBytes(bytes.slice(12))] };
    case 'rfc6052':
      // 64:ff9b::/96 embeds in the last 32 bits; the local-use 64:ff9b:1::/48 is refused whole (below)
      if (address.match(ipaddr.parseCIDR('64:ff9b::/96'))) {
        return { label: 'NAT64 (RFC 6052)', inner: [v4FromBytes(bytes.slice(12))] };
      }
      return undefined;
    case '6to4':
      return { label: '6to4 (RFC 3056)', inner: [v4FromBytes(bytes.slice(2, 6))] };
    case 'teredo':
      // server IPv4 in bits 32-63, client IPv4 inverted in the last 32 bits (RFC 4380)
      return {
        label: 'Teredo (RFC 4380)',
        inner: [v4FromBytes(bytes.slice(4, 8)), v4FromBytes(bytes.slice(12).map((b) => b ^ 0xff))],
      };
    default:
      return undefined;
  }
}

function classifyV6(address: ipaddr.IPv6): AddressClass {
  const range = address.range();
  const wrapper = embeddedV4(address, range);
  if (wrapper) {
    const inner = wrapper.inner.map((v4) => ({ v4, category: classifyV4(v4) }));
    const special = inner.find((entry) => entry.category !== undefined);
    return {
      category: special ? `${special.category}, ${wrapper.label}` : undefined,
      embeddedV4: inner.map((entry) => entry.v4.toString()).join(' '),
    };
  }
  if (range === 'rfc6052') return { category: 'NAT64 local use (RFC 8215)' };
  if (range === 'unicast') return { category: inAny(address, v6Extra) };
  if (range === 'reserved') return { category: inAny(address, v6Reserved) ?? V6_CATEGORY.reserved };
  return { category: V6_CATEGORY[range] ?? range };
}

/** Parses an IP literal (an IPv6 zone index like `%eth0` is ignored); undefined when it is not one. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = text.trim().replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return undefined;
  if (family === 4) return ipaddr.parse(bare);
  // ipaddr.js reads any `::a.b.c.d` as IPv4-mapped; written as hex groups it keeps what was written
  const hex = bare.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_all, a, b, c, d) =>
    [((Number(a) << 8) | Number(b)).toString(16), ((Number(c) << 8) | Number(d)).toString(16)].join(':'),
  );
  return ipaddr.parse(hex);
}

/** Classifies an IP literal; undefined when it is not one. */
export function classifyAddress(text: string): AddressClass | undefined {
  const address = parseAddress(text);
  if (!address) return undefined;
  return address.kind() === 'ipv4'
    ? { category: classifyV4(address as ipaddr.IPv4) }
    : classifyV6(address as ipaddr.IPv6);
}
