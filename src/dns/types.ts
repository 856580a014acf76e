/**
 * What the DNS layer hands upwards. Answers keep every section and every RR's owner, type, class, TTL and RDATA in
 * wire form (name compression expanded), so the DNSSEC validator can rebuild canonical RRsets.
 */

export interface DnsServer {
  /** IPv4 or IPv6 literal. */
  address: string;
  port: number;
}

export interface DnsQuestion {
  /** Fully qualified, without trailing dot (the root is ''). */
  name: string;
  /** Mnemonic as dns-packet names it: 'A', 'TXT', 'DNSKEY', … or 'TYPE65534' for unknown types. */
  type: string;
  class: string;
}

export interface DnsRecord {
  /** Owner name as received, without trailing dot. */
  name: string;
  type: string;
  class: string;
  ttl: number;
  /** RDATA decoded by dns-packet; its shape depends on the type (string for A/AAAA/CNAME/NS, object for MX, …). */
  data: unknown;
  /** RDATA in wire form with any name compression expanded. */
  rdata: Uint8Array;
}

export interface ExtendedDnsError {
  /** RFC 8914 INFO-CODE. */
  code: number;
  /** EXTRA-TEXT as sent (hostile: escape before display). */
  text: string;
}

export interface DnsFlags {
  /** Authoritative answer. */
  aa: boolean;
  /** Truncated. */
  tc: boolean;
  /** Recursion desired. */
  rd: boolean;
  /** Recursion available. */
  ra: boolean;
  /** Authenticated data: the resolver validated it (a second opinion only). */
  ad: boolean;
  /** Checking disabled. */
  cd: boolean;
}

export interface DnsAnswer {
  question: DnsQuestion;
  /** 'NOERROR', 'NXDOMAIN', … (SERVFAIL/REFUSED/FORMERR/NOTIMP are raised as DnsError instead). */
  rcode: string;
  flags: DnsFlags;
  answers: DnsRecord[];
  authorities: DnsRecord[];
  additionals: DnsRecord[];
  /** Extended DNS Errors (RFC 8914) from the OPT record. */
  ede: ExtendedDnsError[];
  /** Whether the OPT record of the answer had DO set. */
  dnssecOk: boolean;
  /** Which server answered, `ip:port` or `[ip6]:port`. */
  server: string;
  transport: 'udp' | 'tcp';
  fromCache: boolean;
}

export interface QueryOptions {
  /** Set the EDNS DO bit: ask for RRSIG/NSEC/NSEC3. */
  dnssec?: boolean;
  /** Set CD: the resolver must return data even if its own validation fails. */
  checkingDisabled?: boolean;
}

export interface QueryStats {
  /** Queries the caller asked for (including cache hits). */
  requested: number;
  /** Answered from the cache or joined onto an identical in-flight query. */
  cacheHits: number;
  coalesced: number;
  /** Packets actually sent (UDP + TCP, including retries). */
  sent: number;
  tcpFallbacks: number;
  timeouts: number;
  errors: number;
}

/** The resolver the monitors use: recursive, cached, coalescing, bounded. Throws DnsError. */
export interface DnsClient {
  query(name: string, type: string, options?: QueryOptions): Promise<DnsAnswer>;
  /**
   * A direct, non-recursive (RD=0) query to one named server, e.g. an authoritative server of a zone.
   * Not cached. The caller must pass the server through the target guard first when it was learned from DNS.
   */
  queryServer(server: DnsServer, name: string, type: string, options?: QueryOptions): Promise<DnsAnswer>;
  stats(): QueryStats;
}
