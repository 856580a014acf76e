/**
 * dmarc.reporting checks on the rua/ruf URIs: well-formed mailto: addresses, authorization of external
 * destinations (RFC 7489 7.1: TXT "v=DMARC1" at <policy domain>._report._dmarc.<destination>; DNS wildcards
 * work), and a destination that accepts mail (MX, or an implicit MX: an address record, and no null MX).
 */
import type { DnsClient } from '../../dns/types.ts';
import { lookupAddresses, lookupMx, lookupTxt } from '../spf/spf-dns.ts';
import { isDmarcRecord } from './record-parser.ts';

export interface ReportDestination {
  tag: 'rua' | 'ruf';
  uri: string;
  address?: string;
  domain?: string;
  problems: string[];
  external: boolean;
  /** For an external destination: whether it authorized the reports. */
  authorized?: boolean;
  acceptsMail?: boolean;
}

const MAILTO = /^mailto:([^@\s!,;]+)@([a-z0-9.-]+\.[a-z0-9-]+)\.?(?:!\d+[kmgt]?)?$/i;

/**
 * Same organization when one name is the other or below it. A simplification of the DMARCbis organizational
 * domain, which needs the destination's own tree walk; documented in docs/antiphishing.md.
 */
function sameOrganization(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

export async function checkDestinations(
  dns: DnsClient,
  policyDomain: string,
  uris: { tag: 'rua' | 'ruf'; uri: string }[],
): Promise<ReportDestination[]> {
  const results: ReportDestination[] = [];
  // one lookup per destination domain, however many addresses share it (1,000 rua addresses once meant 1,000 MX queries)
  const accepting = new Map<string, Promise<boolean>>();
  const authorizing = new Map<string, Promise<boolean>>();
  for (const { tag, uri } of uris) {
    const match = MAILTO.exec(uri);
    if (!match) {
      const problem = /^mailto:/i.test(uri)
        ? 'is not a valid mailto: address'
        : 'is not a mailto: URI (the only kind receivers send to)';
      results.push({ tag, uri, problems: [`${uri} ${problem}`], external: false });
      continue;
    }
    const domain = match[2]!.toLowerCase();
    const destination: ReportDestination = {
      tag,
      uri,
      address: `${match[1]}@${domain}`,
      domain,
      problems: [],
      external: !sameOrganization(domain, policyDomain.toLowerCase()),
    };
    if (destination.external) {
      const authName = `${policyDomain}._report._dmarc.${domain}`;
      if (!authorizing.has(domain)) {
        authorizing.set(
          domain,
          lookupTxt(dns, authName).then((auth) => auth.status === 'found' && auth.values.some(isDmarcRecord)),
        );
      }
      destination.authorized = await authorizing.get(domain)!;
      if (!destination.authorized) {
        destination.problems.push(
          `${domain} has not authorized reports for ${policyDomain} (no "v=DMARC1" TXT at ${authName}): receivers will not send them`,
        );
      }
    }
    if (!accepting.has(domain)) accepting.set(domain, acceptsMail(dns, domain));
    destination.acceptsMail = await accepting.get(domain)!;
    if (!destination.acceptsMail)
      destination.problems.push(`${domain} does not accept mail (no MX, no address, or a null MX)`);
    results.push(destination);
  }
  return results;
}

async function acceptsMail(dns: DnsClient, domain: string): Promise<boolean> {
  const mx = await lookupMx(dns, domain);
  if (mx.status === 'found') return !mx.values.every((m) => m.exchange === '' || m.exchange === '.');
  if (mx.rcode === 'NXDOMAIN') return false;
  const v4 = await lookupAddresses(dns, domain, 4);
  if (v4.status === 'found') return true;
  return (await lookupAddresses(dns, domain, 6)).status === 'found';
}
