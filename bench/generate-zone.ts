/**
 * A lab zone with N generated mail domains under bench.test, shaped like a hoster's customer base: every domain
 * uses the same two MX hosts (with DANE-EE TLSA records) and the same SPF include, a DMARC record and one DKIM selector; a few per hundred are
 * broken the usual ways, so the bench exercises both the good and the failing paths.
 */
export const BENCH_ZONE = 'bench.test';

/** The two shared MX addresses: counting proxies in front of the lab's good Postfix listeners. */
export const BENCH_MX_ADDRESSES = ['127.25.9.1', '127.25.9.2'] as const;
export const LAB_POSTFIX_GOOD = ['127.25.0.1', '127.25.0.2'] as const;

export function benchDomain(index: number): string {
  return `d${String(index).padStart(6, '0')}.${BENCH_ZONE}`;
}

export function benchZoneText(count: number): string {
  const lines = [
    '; lab: sign=ecdsap256sha256',
    '; lab: tlsa=_25._tcp.mx1 3 1 1 cert:good',
    '; lab: tlsa=_25._tcp.mx2 3 1 1 cert:good',
    `mx1 A ${BENCH_MX_ADDRESSES[0]}`,
    `mx2 A ${BENCH_MX_ADDRESSES[1]}`,
    '_spf TXT "v=spf1 ip4:127.25.0.0/24 -all"',
    '_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc@bench.test"',
  ];
  const key = 'MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=';
  for (let index = 1; index <= count; index++) {
    const label = benchDomain(index).slice(0, -(BENCH_ZONE.length + 1));
    lines.push(`${label} MX 10 mx1`, `${label} MX 20 mx2`);
    const variant = index % 100;
    if (variant === 1) lines.push(`${label} TXT "v=spf1 include:_spf.bench.test ~all"`);
    else if (variant === 2) lines.push(`${label} TXT "v=spf1 +all"`);
    else lines.push(`${label} TXT "v=spf1 include:_spf.bench.test -all"`);
    lines.push(`_dmarc.${label} TXT "v=DMARC1; p=${variant === 3 ? 'none' : 'reject'}; rua=mailto:dmarc@bench.test"`);
    if (variant !== 4) lines.push(`s1._domainkey.${label} TXT "v=DKIM1; k=ed25519; p=${key.slice(16)}"`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The daemon passes' fleet: any number of customer domains `dNNNNNN.fleet.test` from one small signed zone of
 * wildcards (RFC 4592, with their NSEC proofs), so 100,000 domains cost no 200 MB zone to sign and load. Every name
 * gets the two shared MX hosts and one TXT RRset that holds both an SPF and a DMARC record (each query keeps the one
 * it looks for; `_dmarc.<name>` matches the same wildcard). The wildcard also answers every DKIM selector tried, with
 * that TXT RRset, so each domain has failing `dkim.key` findings (open alerts in the store): a worse case than a
 * hoster's typical customer for the store's size.
 */
export const FLEET_ZONE = 'fleet.test';

export function fleetDomain(index: number): string {
  return `d${String(index).padStart(6, '0')}.${FLEET_ZONE}`;
}

export function fleetZoneText(): string {
  return `${[
    '; lab: sign=ecdsap256sha256',
    `mx1 A ${BENCH_MX_ADDRESSES[0]}`,
    `mx2 A ${BENCH_MX_ADDRESSES[1]}`,
    '* MX 10 mx1',
    '* MX 20 mx2',
    '* TXT "v=spf1 ip4:127.25.0.0/24 -all"',
    '* TXT "v=DMARC1; p=reject; rua=mailto:dmarc@fleet.test"',
    // The DMARC reports go to the hoster, which receives mail.
    '@ MX 10 mx1',
  ].join('\n')}\n`;
}
