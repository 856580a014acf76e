import { isIP } from 'node:net';
import { DnsError } from '../../dns/errors.ts';
import type { DnsAnswer } from '../../dns/types.ts';
import { checkLimits } from '../limits.ts';
import type { MonitorContext } from '../types.ts';
import { notAHostName } from './target-kind.ts';

/** One MX host of a domain with its addresses, as the transport monitors need it. */
export interface MxTarget {
  host: string;
  preference: number;
  addresses: string[];
  /** When the host name is an alias: the names it leads to, final target last. */
  cnameChain: string[];
  /**
   * Whether the address records in use validated (the resolver's AD bit): every family that yielded addresses is
   * secure. A family without addresses does not count (RFC 7672 §2.2.2 as Postfix applies it, per address record).
   */
  addressSecure: boolean;
  /** The resolver's AD bit per address family (A, AAAA query), whether or not it yielded addresses. */
  familyAd?: { ipv4: boolean; ipv6: boolean };
  /** The address lookup failed (DNS error): the host cannot be probed this run. */
  error?: string;
}

export type MxTargets =
  | { kind: 'hosts'; hosts: MxTarget[]; implicit: boolean }
  /** RFC 7505 null MX: the domain receives no mail; nothing to probe. */
  | { kind: 'null-mx' }
  /** No MX and no address, or NXDOMAIN: nothing to probe. */
  | { kind: 'none'; detail: string }
  | { kind: 'error'; detail: string };

const name = (value: unknown): string =>
  String(value ?? '')
    .replace(/\.$/, '')
    .toLowerCase();

function cnameChainOf(answer: DnsAnswer, start: string): string[] {
  const chain: string[] = [];
  let current = start;
  for (let hops = 0; hops < 16; hops++) {
    const alias = answer.answers.find((r) => r.type === 'CNAME' && name(r.name) === current);
    if (!alias) break;
    current = name(alias.data);
    chain.push(current);
  }
  return chain;
}

/** DO set: the same query the DNSSEC validator asks first, so the MX set of a domain is asked once per run. */
const MX_QUERY = { dnssec: true } as const;

async function resolveHost(context: MonitorContext, host: string, preference: number): Promise<MxTarget> {
  const target: MxTarget = { host, preference, addresses: [], cnameChain: [], addressSecure: false };
  if (isIP(host)) {
    target.error = 'the MX target is an IP address literal, not a host name';
    return target;
  }
  try {
    const [a, aaaa] = await Promise.all([
      context.dns.query(host, 'A', { dnssec: true }),
      context.dns.query(host, 'AAAA', { dnssec: true }),
    ]);
    for (const [answer, type] of [
      [a, 'A'],
      [aaaa, 'AAAA'],
    ] as const) {
      for (const record of answer.answers) if (record.type === type) target.addresses.push(String(record.data));
    }
    target.cnameChain = cnameChainOf(a, host);
    target.familyAd = { ipv4: a.flags.ad, ipv6: aaaa.flags.ad };
    const used = [a, aaaa].filter((answer) => answer.answers.some((r) => r.type === 'A' || r.type === 'AAAA'));
    target.addressSecure = (used.length > 0 ? used : [a, aaaa]).every((answer) => answer.flags.ad);
  } catch (error) {
    if (!(error instanceof DnsError)) throw error;
    target.error = `address lookup failed: ${error.kind} (${error.message})`;
  }
  return target;
}

async function lookUp(context: MonitorContext, domain: string): Promise<MxTargets> {
  let answer: DnsAnswer;
  try {
    answer = await context.dns.query(domain, 'MX', MX_QUERY);
  } catch (error) {
    if (error instanceof DnsError)
      return { kind: 'error', detail: `MX lookup failed: ${error.kind} (${error.message})` };
    throw error;
  }
  if (answer.rcode === 'NXDOMAIN') return { kind: 'none', detail: `${domain} does not exist (NXDOMAIN)` };
  const entries = answer.answers
    .filter((r) => r.type === 'MX')
    .map((r) => {
      const data = r.data as { preference?: number; exchange?: string };
      return { preference: data.preference ?? 0, exchange: name(data.exchange) };
    })
    .sort((x, y) => x.preference - y.preference || x.exchange.localeCompare(y.exchange));
  if (entries.some((e) => e.exchange === '')) {
    const real = entries.filter((e) => e.exchange !== '');
    if (real.length === 0) return { kind: 'null-mx' };
    entries.splice(0, entries.length, ...real);
  }
  if (entries.length === 0) {
    // RFC 5321 §5.1: no MX means the domain itself is the (implicit) MX host
    const implicit = await resolveHost(context, name(domain), 0);
    implicit.addresses = implicit.addresses.slice(0, checkLimits(context.options).addressesPerHost);
    if (implicit.error) return { kind: 'error', detail: implicit.error };
    if (implicit.addresses.length === 0) return { kind: 'none', detail: `${domain} has no MX and no address` };
    return { kind: 'hosts', hosts: [implicit], implicit: true };
  }
  // an IP literal or localhost names no mail host: mx.records fails it, there is nothing to probe or match
  const unique = [...new Map(entries.map((e) => [e.exchange, e])).values()].filter((e) => !notAHostName(e.exchange));
  if (unique.length === 0) return { kind: 'none', detail: `no MX target of ${domain} is a host name` };
  // bounded: a hostile domain's 500 MX hosts would otherwise mean 500 hosts resolved and probed at once
  const { mxHostsPerDomain, addressesPerHost } = checkLimits(context.options);
  const hosts = await Promise.all(
    unique.slice(0, mxHostsPerDomain).map((e) => resolveHost(context, e.exchange, e.preference)),
  );
  for (const host of hosts) host.addresses = host.addresses.slice(0, addressesPerHost);
  return { kind: 'hosts', hosts, implicit: false };
}

/** The MX hosts of a domain and their addresses, looked up once per run for all transport monitors. */
export function mxTargets(context: MonitorContext, domain: string): Promise<MxTargets> {
  return context.shared.memo(`mx-targets:${name(domain)}`, () => lookUp(context, domain));
}
