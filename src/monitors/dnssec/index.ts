import { loadTrustAnchorFile, type TrustAnchor } from '../../dns/dnssec/trust-anchors.ts';
import { DnssecValidator } from '../../dns/dnssec/validator.ts';
import { isDnsError } from '../../dns/errors.ts';
import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import { checkLimits } from '../limits.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { algorithmFinding } from './algorithm.ts';
import { chainFinding } from './chain-finding.ts';
import { collectEvidence } from './collect.ts';
import { consistencyFinding } from './consistency.ts';
import { expiryFinding } from './expiry.ts';
import { nsec3Finding } from './nsec3.ts';
import { dnssecSettings } from './settings.ts';
import { findZoneApex } from './zone-apex.ts';

function errorFinding(check: string, subject: string, error: unknown): Finding {
  const message = isDnsError(error)
    ? `${error.kind}: ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  return {
    check,
    subject,
    status: 'error',
    ...say('dnssec', 'check-failed', { check, subject, error: message }),
    evidence: { error: message },
  };
}

async function anchorsFor(context: MonitorContext): Promise<TrustAnchor[] | undefined> {
  const file = context.options.trustAnchorFile;
  if (!file) return undefined;
  return context.shared.memo(`dnssec:anchor-file:${file}`, () => loadTrustAnchorFile(file));
}

/** dnssec.*: chain, expiry, algorithm, nsec3 and consistency for the domain and the zones of its MX hosts. */
export const dnssecMonitor: Monitor = {
  name: 'dnssec',
  async run(context, domain) {
    const settings = dnssecSettings(context.options.dnssec);
    const anchors = await anchorsFor(context);
    const validator = new DnssecValidator({
      dns: context.dns,
      ...(anchors ? { anchors } : {}),
      now: () => context.now(),
      skewSeconds: settings.clockSkewSeconds,
      maxNsec3Iterations: settings.maxNsec3Iterations,
      memo: (key, work) => context.shared.memo(key, work),
    });
    let apex: string;
    try {
      apex = await findZoneApex(context.dns, domain);
    } catch (error) {
      return [errorFinding('dnssec.chain', domain, error)];
    }
    const evidence = await collectEvidence(validator, domain, apex, checkLimits(context.options).mxHostsPerDomain);
    const findings: Finding[] = [chainFinding(domain, [evidence.mx, evidence.soa, evidence.dnskey])];
    for (const host of evidence.hosts) findings.push(chainFinding(host.host, host.results));

    const allResults = [evidence.mx, evidence.soa, evidence.dnskey, ...evidence.hosts.flatMap((host) => host.results)];
    const zones = new Set([
      apex,
      ...evidence.hosts.map((host) => host.zone).filter((zone): zone is string => zone !== undefined),
    ]);
    const expiry = expiryFinding(domain, zones, allResults, context.now(), settings);
    if (expiry) findings.push(expiry);

    const signed = evidence.dnskey.verdict === 'secure' || evidence.dnskey.verdict === 'bogus';
    const zoneDnskeys = new Map([[apex, evidence.dnskey]]);
    for (const host of evidence.hosts) {
      if (host.zone && !zoneDnskeys.has(host.zone))
        zoneDnskeys.set(host.zone, await validator.validate(host.zone, 'DNSKEY'));
    }
    for (const [zone, dnskey] of zoneDnskeys) {
      const algorithm = algorithmFinding(zone, dnskey);
      if (algorithm) findings.push(algorithm);
    }
    if (signed) {
      try {
        findings.push(await nsec3Finding(context.dns, apex, settings));
      } catch (error) {
        findings.push(errorFinding('dnssec.nsec3', apex, error));
      }
    }
    try {
      findings.push(await consistencyFinding(context, apex, signed, settings));
    } catch (error) {
      findings.push(errorFinding('dnssec.consistency', apex, error));
    }
    return findings;
  },
};
