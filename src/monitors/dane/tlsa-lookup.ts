import { loadTrustAnchorFile } from '../../dns/dnssec/trust-anchors.ts';
import { DnssecValidator } from '../../dns/dnssec/validator.ts';
import { DnsError } from '../../dns/errors.ts';
import type { DnsRecord } from '../../dns/types.ts';
import { transportOptions } from '../../smtp/settings.ts';
import { parseTlsaRdata, type TlsaRecord } from '../../tls/tlsa.ts';
import type { MxTarget } from '../mail-hosts/mx-targets.ts';
import type { MonitorContext } from '../types.ts';

/** DNSSEC status of an RRset as far as DANE cares. */
export type RrsetSecurity = 'secure' | 'insecure';

/** What a TLSA query yielded, judged: records, their security, or why there is no usable answer. */
export type TlsaAnswer =
  | { kind: 'answer'; records: DnsRecord[]; security: RrsetSecurity; resolverAd: boolean | undefined; detail?: string }
  /**
   * Bogus data, SERVFAIL or timeout: DANE senders defer mail. `undetermined`: our validator could not judge at all
   * (no trust anchor matches what the resolver serves): a problem on our side, not a verdict about the host.
   */
  | { kind: 'failed'; reason: string; detail: string; undetermined?: boolean };

async function validatorFor(context: MonitorContext): Promise<DnssecValidator> {
  const file = context.options.trustAnchorFile;
  const anchors = file
    ? await context.shared.memo(`dnssec:anchor-file:${file}`, () => loadTrustAnchorFile(file))
    : undefined;
  return new DnssecValidator({
    dns: context.dns,
    ...(anchors ? { anchors } : {}),
    now: () => context.now(),
    memo: (key, work) => context.shared.memo(key, work),
  });
}

/**
 * The DNSSEC status of the TLSA RRset at `owner`. By default our own validator judges it (chain from the trust
 * anchors, denial proofs); the resolver's AD bit is kept as a second opinion. With `tlsaSecurity: 'resolver-ad'`
 * the validating resolver's AD bit decides (DO without CD: AD=1 secure, AD=0 insecure, SERVFAIL = bogus).
 */
export async function tlsaSecurity(context: MonitorContext, owner: string): Promise<TlsaAnswer> {
  if (transportOptions(context.options).tlsaSecurity === 'resolver-ad') {
    try {
      const answer = await context.dns.query(owner, 'TLSA', { dnssec: true });
      return {
        kind: 'answer',
        records: answer.answers,
        security: answer.flags.ad ? 'secure' : 'insecure',
        resolverAd: answer.flags.ad,
      };
    } catch (error) {
      if (error instanceof DnsError) return { kind: 'failed', reason: error.kind, detail: error.message };
      throw error;
    }
  }
  const validator = await validatorFor(context);
  const result = await validator.validate(owner, 'TLSA');
  if (result.verdict === 'secure' || result.verdict === 'insecure') {
    return {
      kind: 'answer',
      records: result.records,
      security: result.verdict,
      resolverAd: result.resolver?.ad,
      detail: result.detail,
    };
  }
  return {
    kind: 'failed',
    reason:
      result.verdict === 'bogus'
        ? `bogus (${result.reason ?? 'validation failed'})`
        : (result.reason ?? 'indeterminate'),
    detail: result.detail,
    ...(result.reason === 'no-trust-anchor' ? { undetermined: true } : {}),
  };
}

export type AddressFamily = 'ipv4' | 'ipv6';

/** One address family of an MX host: how many addresses it yielded and how secure its RRset (or its denial) is. */
export interface FamilySecurity {
  addresses: number;
  verdict: string;
  /** DANE applies to this family's addresses: they exist and their RRset is secure. */
  dane: boolean;
}

/** Whether the MX host's address records are DNSSEC-secure, per address family, and who said so. */
export interface AddressSecurity {
  /** Every family that yielded addresses is secure (so DANE applies to every address of the host). */
  secure: boolean;
  judge: 'validator' | 'resolver-ad';
  /** Our validator's verdict per type, when it judged. */
  verdicts?: { A: string; AAAA: string };
  families?: Record<AddressFamily, FamilySecurity>;
  detail?: string;
}

export const familyOf = (address: string): AddressFamily => (address.includes(':') ? 'ipv6' : 'ipv4');

/** Families whose addresses DANE senders treat with DANE, and those they reach with opportunistic TLS only. */
export function daneFamilies(security: AddressSecurity): { dane: AddressFamily[]; opportunistic: AddressFamily[] } {
  const families = Object.entries(security.families ?? {}) as [AddressFamily, FamilySecurity][];
  const used = families.filter(([, f]) => f.addresses > 0);
  return {
    dane: used.filter(([, f]) => f.dane).map(([name]) => name),
    opportunistic: used.filter(([, f]) => !f.dane).map(([name]) => name),
  };
}

function familiesFromAd(host: MxTarget): Record<AddressFamily, FamilySecurity> | undefined {
  if (!host.familyAd) return undefined;
  const count = (family: AddressFamily) => host.addresses.filter((a) => familyOf(a) === family).length;
  const of = (family: AddressFamily): FamilySecurity => {
    const ad = host.familyAd?.[family] ?? false;
    return { addresses: count(family), verdict: ad ? 'secure' : 'insecure', dane: ad && count(family) > 0 };
  };
  return { ipv4: of('ipv4'), ipv6: of('ipv6') };
}

/**
 * RFC 7672 §2.2.2 as Postfix applies it (tls_dane_resolve): DANE is decided per address, from the DNSSEC status of
 * the RRset that address came from. A secure A RRset beside an AAAA denial that is only insecure (e.g. NSEC3 with
 * more iterations than validators accept) still means DANE over IPv4. Judged by the same party as the TLSA RRset:
 * our validator by default, once per host per run.
 */
export function addressSecurity(context: MonitorContext, host: MxTarget): Promise<AddressSecurity> {
  if (transportOptions(context.options).tlsaSecurity === 'resolver-ad') {
    const families = familiesFromAd(host);
    return Promise.resolve({ secure: host.addressSecure, judge: 'resolver-ad', ...(families ? { families } : {}) });
  }
  return context.shared.memo(`dane:address-security:${host.host}`, async () => {
    const validator = await validatorFor(context);
    const [a, aaaa] = await Promise.all([validator.validate(host.host, 'A'), validator.validate(host.host, 'AAAA')]);
    const family = (result: typeof a, type: 'A' | 'AAAA'): FamilySecurity => {
      const addresses = result.records.filter((r) => r.type === type).length;
      return { addresses, verdict: result.verdict, dane: addresses > 0 && result.verdict === 'secure' };
    };
    const families = { ipv4: family(a, 'A'), ipv6: family(aaaa, 'AAAA') };
    const used = Object.values(families).filter((f) => f.addresses > 0);
    // a host without addresses is judged on both verdicts, as before: there is nothing to connect to anyway
    const secure = used.length > 0 ? used.every((f) => f.dane) : a.verdict === 'secure' && aaaa.verdict === 'secure';
    const notSecure = [a, aaaa].find((r) => r.verdict !== 'secure' && r.records.length > 0);
    return {
      secure,
      judge: 'validator',
      verdicts: { A: a.verdict, AAAA: aaaa.verdict },
      families,
      ...(secure ? {} : { detail: notSecure?.detail ?? [a, aaaa].find((r) => r.verdict !== 'secure')?.detail ?? '' }),
    };
  });
}

export type TlsaLookup =
  | {
      kind: 'found';
      owner: string;
      records: TlsaRecord[];
      security: RrsetSecurity;
      resolverAd: boolean | undefined;
      ignored: number;
      tried: string[];
    }
  | { kind: 'absent'; tried: string[]; security: RrsetSecurity }
  /** Bogus, SERVFAIL or timeout on the TLSA query: senders that do DANE defer mail. */
  | { kind: 'failed'; owner: string; reason: string; detail: string; tried: string[]; undetermined?: boolean };

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
    const answer = await tlsaSecurity(context, owner);
    if (answer.kind === 'failed') return { ...answer, owner, tried };
    lastSecurity = answer.security;
    const rdatas = answer.records.filter((r) => r.type === 'TLSA');
    if (rdatas.length === 0) continue;
    const records: TlsaRecord[] = [];
    let ignored = 0;
    for (const r of rdatas) {
      const parsed = parseTlsaRdata(r.rdata);
      if (parsed) records.push(parsed);
      else ignored++;
    }
    return { kind: 'found', owner, records, security: lastSecurity, resolverAd: answer.resolverAd, ignored, tried };
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
