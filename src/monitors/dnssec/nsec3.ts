import { parseNsec3Param } from '../../dns/dnssec/rdata/nsec3.ts';
import type { DnsClient } from '../../dns/types.ts';
import { say } from '../../i18n/say.ts';
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
      ...say('dnssec.nsec3', 'nsec', { zone }),
      evidence: { nsec3param: [] },
    };
  const salt = Buffer.from(first.salt).toString('hex');
  const evidence = {
    nsec3param: params.map((param) => ({ ...param, salt: Buffer.from(param.salt).toString('hex') || '-' })),
  };
  if (first.iterations > settings.maxNsec3Iterations) {
    return {
      check: CHECK,
      subject: zone,
      status: 'fail',
      ...say('dnssec.nsec3', 'too-many-iterations', {
        zone,
        iterations: first.iterations,
        max: settings.maxNsec3Iterations,
      }),
      evidence,
    };
  }
  if (first.iterations > 0 || first.salt.length > 0) {
    return {
      check: CHECK,
      subject: zone,
      status: 'warn',
      ...say('dnssec.nsec3', 'extra-iterations', { zone, iterations: first.iterations, salt }),
      evidence,
    };
  }
  return {
    check: CHECK,
    subject: zone,
    status: 'ok',
    ...say('dnssec.nsec3', 'ok', { zone }),
    evidence,
  };
}
