/**
 * The few lookups SPF, DMARC and DKIM need, on top of DnsClient: answers of one type (CNAMEs followed by the
 * resolver), with "void" (NXDOMAIN or NODATA) kept apart from failures. Failures (timeouts, SERVFAIL) are thrown as
 * DnsError by the client and left to propagate.
 */
import { txtStrings } from '../../dns/lookup.ts';
import type { DnsAnswer, DnsClient, DnsRecord } from '../../dns/types.ts';

export type Lookup<T> =
  | { status: 'found'; values: T[]; answer: DnsAnswer }
  | { status: 'void'; rcode: 'NXDOMAIN' | 'NODATA'; answer: DnsAnswer };

export interface MxValue {
  preference: number;
  exchange: string;
}

async function lookup<T>(
  dns: DnsClient,
  name: string,
  type: string,
  map: (record: DnsRecord) => T,
): Promise<Lookup<T>> {
  const answer = await dns.query(name, type);
  const values = answer.answers.filter((record) => record.type === type).map(map);
  if (values.length > 0) return { status: 'found', values, answer };
  return { status: 'void', rcode: answer.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : 'NODATA', answer };
}

const asString = (data: unknown): string => String(data).replace(/\.$/, '');
const dataAsString = (record: DnsRecord): string => asString(record.data);

export function lookupTxt(dns: DnsClient, name: string): Promise<Lookup<string>> {
  return lookup(dns, name, 'TXT', txtStrings);
}

export function lookupAddresses(dns: DnsClient, name: string, family: 4 | 6): Promise<Lookup<string>> {
  return lookup(dns, name, family === 4 ? 'A' : 'AAAA', dataAsString);
}

export function lookupMx(dns: DnsClient, name: string): Promise<Lookup<MxValue>> {
  return lookup(dns, name, 'MX', (record) => {
    const mx = record.data as { preference?: number; exchange?: string };
    return { preference: mx.preference ?? 0, exchange: asString(mx.exchange ?? '') };
  });
}

export function lookupPtr(dns: DnsClient, name: string): Promise<Lookup<string>> {
  return lookup(dns, name, 'PTR', dataAsString);
}

/** The CNAME targets the resolver followed on the way to the answer, in order. */
export function cnameChain(answer: DnsAnswer): string[] {
  return answer.answers.filter((record) => record.type === 'CNAME').map((record) => asString(record.data));
}
