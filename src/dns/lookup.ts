/**
 * Helpers the monitors use on top of a DnsClient: follow the CNAME chain inside an answer, read TXT strings the
 * way RFC 7208/6376 want them, and collect the addresses of a host.
 */
import { DnsError } from './errors.ts';
import { sameName } from './names.ts';
import type { DnsAnswer, DnsClient, DnsRecord, QueryOptions } from './types.ts';

/** Longest CNAME chain followed inside one answer; a longer one (or a loop) ends as NODATA. */
const MAX_CNAME_CHAIN = 16;

export type LookupResult =
  | { kind: 'records'; records: DnsRecord[]; cnameChain: string[]; answer: DnsAnswer }
  | { kind: 'nxdomain'; cnameChain: string[]; answer: DnsAnswer }
  | { kind: 'nodata'; cnameChain: string[]; answer: DnsAnswer };

/**
 * Queries `name`/`type` and follows the CNAME chain in the answer section. `cnameChain` lists the names the chain
 * led to, in order (empty when `name` itself holds the records). NXDOMAIN at the end of a chain is `nxdomain`
 * (RFC 6604: the RCODE is about the last name). Throws DnsError like DnsClient.query.
 */
export async function lookup(
  dns: DnsClient,
  name: string,
  type: string,
  options: QueryOptions = {},
): Promise<LookupResult> {
  const answer = await dns.query(name, type, options);
  return interpret(answer, name, type);
}

/** The pure part of `lookup`, for an answer already in hand. */
export function interpret(answer: DnsAnswer, name: string, type: string): LookupResult {
  const wanted = type.toUpperCase();
  const cnameChain: string[] = [];
  let current = name;
  for (;;) {
    const records = answer.answers.filter((record) => record.type === wanted && sameName(record.name, current));
    if (records.length > 0) return { kind: 'records', records, cnameChain, answer };
    if (wanted === 'CNAME') break;
    const alias = answer.answers.find((record) => record.type === 'CNAME' && sameName(record.name, current));
    if (!alias || typeof alias.data !== 'string') break;
    const target = alias.data;
    if (cnameChain.length >= MAX_CNAME_CHAIN || sameName(target, name) || cnameChain.some((n) => sameName(n, target)))
      break;
    cnameChain.push(target);
    current = target;
  }
  if (answer.rcode === 'NXDOMAIN') return { kind: 'nxdomain', cnameChain, answer };
  return { kind: 'nodata', cnameChain, answer };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

/**
 * The text of one TXT record: its character-strings concatenated without separator (RFC 7208 §3.3, RFC 6376
 * §3.6.2.2), decoded as UTF-8 when valid, else byte for byte as Latin-1. The result is hostile text: escape it
 * before display.
 */
export function txtStrings(record: DnsRecord): string {
  const bytes = txtBytes(record);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return latin1.decode(bytes);
  }
}

/** The raw bytes of one TXT record's character-strings, concatenated. */
export function txtBytes(record: DnsRecord): Uint8Array {
  const data = record.data;
  const parts = Array.isArray(data) ? data : [data];
  return Buffer.concat(
    parts.map((part) =>
      typeof part === 'string' ? Buffer.from(part, 'utf8') : part instanceof Uint8Array ? part : Buffer.alloc(0),
    ),
  );
}

export interface HostAddresses {
  /** IPv4 then IPv6, each in answer order. */
  addresses: string[];
  ipv4: string[];
  ipv6: string[];
  /** The host name does not exist (both queries said NXDOMAIN). */
  nxdomain: boolean;
  /** Names the CNAME chain led to (from whichever query followed one). */
  cnameChain: string[];
  /** A failed query whose partner still found addresses: the list may be incomplete. */
  errors: DnsError[];
}

/**
 * A and AAAA of `host`, queried in parallel. Throws DnsError when the addresses cannot be known: both queries
 * failed, or one failed and the other found nothing.
 */
export async function addressesOf(dns: DnsClient, host: string, options: QueryOptions = {}): Promise<HostAddresses> {
  const [v4, v6] = await Promise.allSettled([lookup(dns, host, 'A', options), lookup(dns, host, 'AAAA', options)]);
  const ipv4 = v4.status === 'fulfilled' ? addressData(v4.value) : [];
  const ipv6 = v6.status === 'fulfilled' ? addressData(v6.value) : [];
  const errors = [v4, v6].flatMap((result) => (result.status === 'rejected' ? [asDnsError(result.reason, host)] : []));
  if (errors.length > 0 && ipv4.length + ipv6.length === 0) throw errors[0]!;
  const chains = [v4, v6].flatMap((result) => (result.status === 'fulfilled' ? [result.value.cnameChain] : []));
  return {
    addresses: [...ipv4, ...ipv6],
    ipv4,
    ipv6,
    nxdomain: [v4, v6].every((result) => result.status === 'fulfilled' && result.value.kind === 'nxdomain'),
    cnameChain: chains.find((chain) => chain.length > 0) ?? [],
    errors,
  };
}

function addressData(result: LookupResult): string[] {
  return result.kind === 'records' ? result.records.map((record) => String(record.data)) : [];
}

function asDnsError(reason: unknown, host: string): DnsError {
  if (reason instanceof DnsError) return reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  return new DnsError('network', { name: host, type: 'A', class: 'IN' }, message, { cause: reason });
}
