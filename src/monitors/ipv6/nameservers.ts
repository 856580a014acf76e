import { isDnsError } from '../../dns/errors.ts';
import type { DnsAnswer } from '../../dns/types.ts';
import type { Finding } from '../../model.ts';
import { findZoneApex } from '../dnssec/zone-apex.ts';
import type { MonitorContext } from '../types.ts';

/** One name server of the domain's zone and its addresses per family. */
export interface NameserverAddresses {
  name: string;
  ipv4: string[];
  ipv6: string[];
}

const bare = (value: unknown) =>
  String(value ?? '')
    .replace(/\.$/, '')
    .toLowerCase();

const addressesIn = (answer: PromiseSettledResult<DnsAnswer>, type: 'A' | 'AAAA') =>
  answer.status === 'fulfilled' ? answer.value.answers.filter((r) => r.type === type).map((r) => String(r.data)) : [];

/** The zone a domain lives in and its name servers with their addresses, once per run (RPKI uses them too). */
export function zoneNameservers(
  context: MonitorContext,
  domain: string,
): Promise<{ zone: string; nameservers: NameserverAddresses[] }> {
  return context.shared.memo(`zone-nameservers:${bare(domain)}`, async () => {
    const zone = await findZoneApex(context.dns, bare(domain));
    const ns = await context.dns.query(zone, 'NS');
    const names = [...new Set(ns.answers.filter((r) => r.type === 'NS').map((r) => bare(r.data)))].sort();
    const nameservers = await Promise.all(
      names.map(async (name) => {
        const [a, aaaa] = await Promise.allSettled([context.dns.query(name, 'A'), context.dns.query(name, 'AAAA')]);
        return { name, ipv4: addressesIn(a, 'A'), ipv6: addressesIn(aaaa, 'AAAA') };
      }),
    );
    return { zone, nameservers };
  });
}

/** ENETUNREACH and friends: this machine has no IPv6 route, which says nothing about the domain. */
const noLocalRoute = (detail: string) => /ENETUNREACH|EADDRNOTAVAIL|EAFNOSUPPORT/.test(detail);

interface AddressReach {
  address: string;
  reachable: boolean;
  detail?: string;
  skipped?: string;
  localProblem?: boolean;
}

async function reachOverIpv6(context: MonitorContext, zone: string, address: string): Promise<AddressReach> {
  const verdict = context.guard.check(address);
  if (!verdict.allowed) return { address, reachable: false, skipped: verdict.reason ?? 'refused by the target guard' };
  try {
    const answer = await context.dns.queryServer({ address, port: 53 }, zone, 'SOA');
    if (!answer.flags.aa || !answer.answers.some((r) => r.type === 'SOA'))
      return { address, reachable: false, detail: `answers without authority for ${zone} (${answer.rcode})` };
    return { address, reachable: true };
  } catch (error) {
    if (!isDnsError(error)) throw error;
    const detail = `${error.kind}: ${error.message}`;
    return { address, reachable: false, detail, localProblem: noLocalRoute(detail) };
  }
}

function addressFinding(domain: string, zone: string, nameservers: NameserverAddresses[]): Finding {
  const withAaaa = nameservers.filter((ns) => ns.ipv6.length > 0);
  const evidence = { zone, nameservers: nameservers.map((ns) => ({ name: ns.name, ipv6: ns.ipv6, ipv4: ns.ipv4 })) };
  const base = { check: 'ipv6.ns-address', subject: domain, evidence };
  if (withAaaa.length >= 2)
    return {
      ...base,
      status: 'ok',
      summary: `${withAaaa.length} of ${nameservers.length} name servers of ${zone} have an IPv6 address`,
    };
  // a gap in IPv6 adoption, not a breakage: warn (Internet.nl fails the subtest; checks.severity can raise it)
  return {
    ...base,
    status: 'warn',
    summary:
      withAaaa.length === 1
        ? `Only one name server of ${zone} (${withAaaa[0]?.name}) has an IPv6 address: resolvers on IPv6-only networks depend on it alone`
        : `No name server of ${zone} has an IPv6 address (AAAA): IPv6-only resolvers cannot reach the zone`,
    fix: 'Give at least two name servers of the zone an IPv6 address (AAAA record) on which they answer; most DNS providers offer it.',
  };
}

function reachFinding(zone: string, ns: NameserverAddresses, reaches: AddressReach[]): Finding {
  const base = { check: 'ipv6.ns-reachable', subject: ns.name, evidence: { zone, addresses: reaches } };
  const probed = reaches.filter((r) => !r.skipped);
  if (probed.length === 0)
    return { ...base, status: 'info', summary: `Not probed: ${reaches[0]?.skipped ?? 'no address allowed'}` };
  const failed = probed.filter((r) => !r.reachable);
  if (failed.length === 0)
    return {
      ...base,
      status: 'ok',
      summary: `${ns.name} answers for ${zone} over IPv6 (${probed.map((r) => r.address).join(', ')})`,
    };
  if (failed.every((r) => r.localProblem))
    return {
      ...base,
      status: 'error',
      summary: `Could not test ${ns.name} over IPv6: this machine has no IPv6 route (${failed[0]?.detail})`,
    };
  return {
    ...base,
    status: 'fail',
    summary: `${ns.name} does not answer for ${zone} over IPv6 at ${failed.map((r) => `${r.address} (${r.detail})`).join(', ')}`,
    fix: `Make ${ns.name} answer DNS queries on its IPv6 address (port 53, UDP and TCP), or remove the AAAA record that advertises it.`,
  };
}

/** ipv6.ns-address (≥ 2 name servers with AAAA) and ipv6.ns-reachable (each answers for the zone over IPv6). */
export async function nameserverFindings(context: MonitorContext, domain: string): Promise<Finding[]> {
  let found: { zone: string; nameservers: NameserverAddresses[] };
  try {
    found = await zoneNameservers(context, domain);
  } catch (error) {
    if (!isDnsError(error)) throw error;
    return [
      {
        check: 'ipv6.ns-address',
        subject: domain,
        status: 'error',
        summary: `Could not find the name servers: ${error.kind} (${error.message})`,
        evidence: {},
      },
    ];
  }
  const { zone, nameservers } = found;
  const findings = [addressFinding(domain, zone, nameservers)];
  for (const ns of nameservers.filter((n) => n.ipv6.length > 0)) {
    const reaches = await Promise.all(ns.ipv6.map((address) => reachOverIpv6(context, zone, address)));
    findings.push(reachFinding(zone, ns, reaches));
  }
  return findings;
}
