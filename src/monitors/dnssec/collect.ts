import type { ValidationResult } from '../../dns/dnssec/result.ts';
import type { DnssecValidator } from '../../dns/dnssec/validator.ts';
import { notAHostName } from '../mail-hosts/target-kind.ts';

/** Everything the dnssec.* findings of one domain are judged from: one validation per RRset the mail depends on. */
export interface DnssecEvidence {
  domain: string;
  mx: ValidationResult;
  /** Zone apex of the domain (the signer zone when signed, else from the SOA). */
  zone: string;
  soa: ValidationResult;
  dnskey: ValidationResult;
  hosts: HostEvidence[];
}

export interface HostEvidence {
  host: string;
  /** The zone the host's records are signed in (or the deepest secure zone above an insecure cut). */
  zone: string | undefined;
  results: ValidationResult[];
}

function mxHosts(result: ValidationResult): string[] {
  const hosts = result.records
    .filter((record) => record.type === 'MX')
    // in MX preference order, as the mx and transport findings list them
    .sort(
      (a, b) =>
        Number((a.data as { preference?: number }).preference ?? 0) -
        Number((b.data as { preference?: number }).preference ?? 0),
    )
    .map((record) =>
      String((record.data as { exchange?: string }).exchange ?? '')
        .replace(/\.$/, '')
        .toLowerCase(),
    )
    .filter((host) => host !== '' && !notAHostName(host));
  return [...new Set(hosts)];
}

export async function collectEvidence(
  validator: DnssecValidator,
  domain: string,
  zoneApex: string,
  /** MX hosts judged, in preference order (checks.limits.mxHostsPerDomain): 500 MX must not mean 1,500 validations. */
  maxHosts = Number.POSITIVE_INFINITY,
): Promise<DnssecEvidence> {
  const mx = await validator.validate(domain, 'MX');
  const [soa, dnskey] = await Promise.all([
    validator.validate(zoneApex, 'SOA'),
    validator.validate(zoneApex, 'DNSKEY'),
  ]);
  const hosts = await Promise.all(
    mxHosts(mx)
      .slice(0, maxHosts)
      .map(async (host): Promise<HostEvidence> => {
        const results = await Promise.all([
          validator.validate(host, 'A'),
          validator.validate(host, 'AAAA'),
          validator.validate(`_25._tcp.${host}`, 'TLSA'),
        ]);
        const zone = results.find((result) => result.zone !== undefined)?.zone;
        return { host, zone, results };
      }),
  );
  return { domain, mx, zone: zoneApex, soa, dnskey, hosts };
}
