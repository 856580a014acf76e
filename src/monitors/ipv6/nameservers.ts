import { isDnsError } from '../../dns/errors.ts';
import type { DnsAnswer } from '../../dns/types.ts';
import { say } from '../../i18n/say.ts';
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
      ...say('ipv6.ns-address', 'ok', { count: withAaaa.length, total: nameservers.length, zone }),
    };
  // a gap in IPv6 adoption, not a breakage: warn (Internet.nl fails the subtest; checks.severity can raise it)
  return {
    ...base,
    status: 'warn',
    ...(withAaaa.length === 1
      ? say('ipv6.ns-address', 'only-one', { zone, name: withAaaa[0]?.name ?? '' })
      : say('ipv6.ns-address', 'none', { zone })),
  };
}

function reachFinding(zone: string, ns: NameserverAddresses, reaches: AddressReach[]): Finding {
  const base = { check: 'ipv6.ns-reachable', subject: ns.name, evidence: { zone, addresses: reaches } };
  const probed = reaches.filter((r) => !r.skipped);
  if (probed.length === 0)
    return {
      ...base,
      status: 'info',
      ...say('ipv6', 'not-probed', { detail: reaches[0]?.skipped ?? 'no address allowed' }),
    };
  const failed = probed.filter((r) => !r.reachable);
  if (failed.length === 0)
    return {
      ...base,
      status: 'ok',
      ...say('ipv6.ns-reachable', 'ok', { name: ns.name, zone, addresses: probed.map((r) => r.address) }),
    };
  if (failed.every((r) => r.localProblem))
    return {
      ...base,
      status: 'error',
      ...say('ipv6.ns-reachable', 'no-local-route', { name: ns.name, detail: failed[0]?.detail ?? '' }),
    };
  return {
    ...base,
    status: 'fail',
    ...say('ipv6.ns-reachable', 'unreachable', {
      name: ns.name,
      zone,
      failures: failed.map((r) => `${r.address} (${r.detail})`),
    }),
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
        ...say('ipv6.ns-address', 'ns-lookup-failed', { error: `${error.kind} (${error.message})` }),
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
