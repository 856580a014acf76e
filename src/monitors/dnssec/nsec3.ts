import { parseNsec3Param } from '../../dns/dnssec/rdata/nsec3.ts';
import type { DnsClient } from '../../dns/types.ts';
import type { Finding } from '../../model.ts';
import type { DnssecSettings } from './settings.ts';

const CHECK = 'dnssec.nsec3';

/** dnssec.nsec3 (RFC 9276): NSEC3 should use 0 extra iterations and no salt. */
export async function nsec3Finding(dns: DnsClient, zone: string, settings: DnssecSettings): Promise<Finding> {
  const answer = await dns.query(zone, 'NSEC3PARAM', { dnssec: true, checkingDisabled: true });
  const params = answer.answers
    .filter((record) => record.type === 'NSEC3PARAM')
    .map((record) => parseNsec3Param(record.rdata));
  const first = params[0];
  if (!first)
    return {
      check: CHECK,
      subject: zone,
      status: 'ok',
      summary: `${zone} uses NSEC (no NSEC3 parameters)`,
      evidence: { nsec3param: [] },
    };
  const salt = Buffer.from(first.salt).toString('hex');
  const evidence = {
    nsec3param: params.map((param) => ({ ...param, salt: Buffer.from(param.salt).toString('hex') || '-' })),
  };
  const fix =
    'Set NSEC3 iterations to 0 and the salt to empty (RFC 9276), e.g. `nsec3param 1 0 0 -` with your signer; extra iterations only cost validators CPU and add no protection.';
  if (first.iterations > settings.maxNsec3Iterations) {
    return {
      check: CHECK,
      subject: zone,
      status: 'fail',
      summary: `${zone} uses ${first.iterations} NSEC3 iterations: validators such as Unbound treat its denials as insecure (above ${settings.maxNsec3Iterations})`,
      evidence,
      fix,
    };
  }
  if (first.iterations > 0 || first.salt.length > 0) {
    return {
      check: CHECK,
      subject: zone,
      status: 'warn',
      summary: `${zone} uses NSEC3 with ${first.iterations} extra iterations${salt ? ` and salt ${salt}` : ''} (RFC 9276 asks for 0 and no salt)`,
      evidence,
      fix,
    };
  }
  return {
    check: CHECK,
    subject: zone,
    status: 'ok',
    summary: `${zone} uses NSEC3 with 0 iterations and no salt`,
    evidence,
  };
}
