import { DnsError } from '../../dns/errors.ts';
import type { DnsAnswer } from '../../dns/types.ts';
import type { MxTarget } from '../../smtp/mx-targets.ts';
import { parseTlsaRdata, type TlsaRecord } from '../../tls/tlsa.ts';
import type { MonitorContext } from '../types.ts';

/** DNSSEC status of an RRset as far as DANE cares. */
export type RrsetSecurity = 'secure' | 'insecure' | 'bogus';

/**
 * The DNSSEC status of a TLSA answer. For now it trusts the validating resolver's AD bit (queried with DO, without
 * CD): AD=1 secure, AD=0 insecure; a SERVFAIL (bogus or indeterminate) arrives as a DnsError and is mapped to bogus
 * by the caller. One function, so it can switch to our own validator (src/dns/dnssec/) when that can judge a name.
 */
export function tlsaSecurity(answer: DnsAnswer): RrsetSecurity {
  return answer.flags.ad ? 'secure' : 'insecure';
}

export type TlsaLookup =
  | { kind: 'found'; owner: string; records: TlsaRecord[]; security: RrsetSecurity; ignored: number; tried: string[] }
  | { kind: 'absent'; tried: string[]; security: RrsetSecurity }
  /** SERVFAIL or timeout on the TLSA query: senders that do DANE defer mail. */
  | { kind: 'failed'; owner: string; error: DnsError; tried: string[] };

export const tlsaOwner = (host: string) => `_25._tcp.${host}`;

/**
 * TLSA for an MX host (RFC 7672 §2.2.2): when the host name is an alias with a secure CNAME chain, the fully
 * expanded name is tried first, then the original name.
 */
export async function lookUpTlsa(context: MonitorContext, host: MxTarget): Promise<TlsaLookup> {
  const final = host.cnameChain.at(-1);
  const candidates = final && host.addressSecure ? [final, host.host] : [host.host];
  const tried: string[] = [];
  let lastSecurity: RrsetSecurity = 'insecure';
  for (const name of candidates) {
    const owner = tlsaOwner(name);
    tried.push(owner);
    let answer: DnsAnswer;
    try {
      answer = await context.dns.query(owner, 'TLSA', { dnssec: true });
    } catch (error) {
      if (error instanceof DnsError) return { kind: 'failed', owner, error, tried };
      throw error;
    }
    lastSecurity = tlsaSecurity(answer);
    const rdatas = answer.answers.filter((r) => r.type === 'TLSA');
    if (rdatas.length === 0) continue;
    const records: TlsaRecord[] = [];
    let ignored = 0;
    for (const r of rdatas) {
      const parsed = parseTlsaRdata(r.rdata);
      if (parsed) records.push(parsed);
      else ignored++;
    }
    return { kind: 'found', owner, records, security: lastSecurity, ignored, tried };
  }
  return { kind: 'absent', tried, security: lastSecurity };
}

/**
 * A server that answers NXDOMAIN for the empty non-terminal `_tcp.<mx>` while `_25._tcp.<mx>` exists tells
 * RFC 8020 resolvers that nothing exists below it: they then never see the TLSA records.
 */
export async function falseNxdomainAtTcp(context: MonitorContext, owner: string): Promise<boolean | undefined> {
  const parent = owner.replace(/^_25\./, '');
  try {
    const answer = await context.dns.query(parent, 'TXT', { dnssec: true });
    return answer.rcode === 'NXDOMAIN';
  } catch (error) {
    if (error instanceof DnsError) return undefined;
    throw error;
  }
}
