import { evidenceOf, type FindingIndex } from './findings.ts';
import { type CategoryScore, category, FULL, HALF, LESS, missingCategory } from './types.ts';

interface Nameserver {
  name: string;
  ipv6: string[];
}

/** 10 when every IPv6 address is reachable, 2 when some are, 0 when none (or no AAAA): Internet.nl per host. */
const hostPoints = (addresses: number, reachable: number) =>
  addresses === 0 || reachable === 0 ? 0 : reachable === addresses ? FULL : LESS;

/**
 * Name servers: per server the host points; with two or more IPv6 servers only those count; a lone counted server
 * gets at most half; otherwise the average. MX hosts: the average of the host points. (Internet.nl's do_ns / do_mx.)
 */
export function ipv6Category(index: FindingIndex): CategoryScore {
  const nsAddress = index.one('ipv6.ns-address');
  if (!nsAddress) return missingCategory('ipv6', 'the ipv6 monitor did not run');
  const undetermined = index.undetermined(
    'ipv6.ns-address',
    'ipv6.ns-reachable',
    'ipv6.mx-address',
    'ipv6.mx-reachable',
  );
  if (undetermined)
    return missingCategory('ipv6', `${undetermined.check} ${undetermined.subject}: ${undetermined.summary}`);
  const unprobed = [...index.all('ipv6.ns-reachable'), ...index.all('ipv6.mx-reachable')].find(
    (f) => f.status === 'info',
  );
  if (unprobed) return missingCategory('ipv6', `${unprobed.subject} was not probed: ${unprobed.summary}`);

  const nameservers = evidenceOf<{ nameservers: Nameserver[] }>(nsAddress).nameservers ?? [];
  const withAaaa = nameservers.filter((ns) => ns.ipv6.length > 0);
  const counted = withAaaa.length > 1 ? withAaaa : nameservers;
  const nsSum = counted.reduce((sum, ns) => {
    const reach = evidenceOf<{ addresses: { reachable: boolean }[] }>(index.one('ipv6.ns-reachable', ns.name));
    return sum + hostPoints(ns.ipv6.length, (reach.addresses ?? []).filter((a) => a.reachable).length);
  }, 0);
  const nsPoints =
    counted.length === 1 ? Math.min(HALF, nsSum) : counted.length > 1 ? (nsSum / (counted.length * FULL)) * FULL : 0;
  const subtests = [
    {
      name: 'ns_reach',
      points: Math.trunc(nsPoints),
      max: FULL,
      basis: 'tested' as const,
      checks: ['ipv6.ns-address', 'ipv6.ns-reachable'],
    },
  ];

  const hosts = index.all('ipv6.mx-address');
  if (hosts.length > 0) {
    const mxSum = hosts.reduce((sum, host) => {
      const v6 = (evidenceOf<{ addresses: string[] }>(host).addresses ?? []).filter((a) => a.includes(':'));
      const reachable = v6.filter((a) => index.one('ipv6.mx-reachable', `${host.subject}/${a}`)?.status === 'ok');
      return sum + hostPoints(v6.length, reachable.length);
    }, 0);
    const mxPoints = Math.trunc((mxSum / (hosts.length * FULL)) * FULL);
    subtests.push({
      name: 'mx_reach',
      points: mxPoints,
      max: FULL,
      basis: 'tested',
      checks: ['ipv6.mx-address', 'ipv6.mx-reachable'],
    });
  }
  return category('ipv6', subtests);
}
