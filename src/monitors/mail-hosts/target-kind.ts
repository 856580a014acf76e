import { isIP } from 'node:net';

export type NotAHostName = 'ip-literal' | 'localhost';

/**
 * MX targets that name no mail host at all: an address literal (`192.0.2.1`, `[IPv6:…]`) or localhost. mx.records
 * fails them; probing, TLSA and DNSSEC verdicts about them would only repeat that failure (or judge the resolver's
 * own answer for localhost, RFC 6761).
 */
export function notAHostName(host: string): NotAHostName | undefined {
  const bare = host.replace(/\.$/, '').toLowerCase();
  const literal = bare.replace(/^\[(ipv6:)?/, '').replace(/\]$/, '');
  if (isIP(literal) !== 0 || bare.startsWith('[')) return 'ip-literal';
  if (bare === 'localhost' || bare.endsWith('.localhost')) return 'localhost';
  return undefined;
}
