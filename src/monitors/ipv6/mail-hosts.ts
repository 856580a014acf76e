import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import { probeAddress } from '../mail-hosts/guarded-probe.ts';
import { type MxTarget, mxTargets } from '../mail-hosts/mx-targets.ts';
import type { MonitorContext } from '../types.ts';

const isIpv6 = (address: string) => address.includes(':');

function addressFinding(host: MxTarget): Finding {
  const ipv6 = host.addresses.filter(isIpv6);
  const base = { check: 'ipv6.mx-address', subject: host.host, evidence: { addresses: host.addresses } };
  if (ipv6.length > 0)
    return { ...base, status: 'ok', ...say('ipv6.mx-address', 'ok', { host: host.host, addresses: ipv6 }) };
  // not yet deployed rather than broken: warn, as for the name servers
  return {
    ...base,
    status: 'warn',
    ...say('ipv6.mx-address', 'missing', { host: host.host }),
  };
}

/**
 * SMTP reachable on port 25 over IPv6: the run's shared STARTTLS probe of that address (one connection per address
 * for every monitor) got past the TCP connect. A missing IPv6 route on this machine is `error`, not a verdict.
 */
async function reachFinding(context: MonitorContext, host: MxTarget, address: string): Promise<Finding> {
  const base = { check: 'ipv6.mx-reachable', subject: `${host.host}/${address}` };
  const probe = await probeAddress(context, host.host, address);
  if (probe.kind === 'not-probed')
    return {
      ...base,
      status: 'info',
      ...say('ipv6', 'not-probed', { detail: probe.reason }),
      evidence: { guard: probe },
    };
  const { outcome, stage, detail } = probe.result;
  const evidence = { outcome, stage, detail };
  if (outcome === 'ok' || stage !== 'connect')
    return { ...base, status: 'ok', ...say('ipv6.mx-reachable', 'ok', { address }), evidence };
  if (/ENETUNREACH|EADDRNOTAVAIL|EAFNOSUPPORT/.test(detail ?? ''))
    return {
      ...base,
      status: 'error',
      ...say('ipv6.mx-reachable', 'no-local-route', { detail: detail ?? '' }),
      evidence,
    };
  return {
    ...base,
    status: 'fail',
    ...say('ipv6.mx-reachable', 'unreachable', { host: host.host, address, outcome, detail: detail ?? '' }),
    evidence,
  };
}

/** ipv6.mx-address (every MX host has AAAA) and ipv6.mx-reachable (SMTP on port 25 over each IPv6 address). */
export async function mailHostFindings(context: MonitorContext, domain: string): Promise<Finding[]> {
  const targets = await mxTargets(context, domain);
  if (targets.kind === 'error')
    return [
      {
        check: 'ipv6.mx-address',
        subject: domain,
        status: 'error',
        ...say('ipv6.mx-address', 'mx-lookup-failed', { detail: targets.detail }),
        evidence: {},
      },
    ];
  if (targets.kind !== 'hosts') return [];
  const findings: Finding[] = [];
  for (const host of targets.hosts) {
    if (host.error) {
      findings.push({
        check: 'ipv6.mx-address',
        subject: host.host,
        status: 'error',
        ...say('ipv6.mx-address', 'host-lookup-failed', { host: host.host, error: host.error }),
        evidence: {},
      });
      continue;
    }
    findings.push(addressFinding(host));
    const reaches = await Promise.all(host.addresses.filter(isIpv6).map((a) => reachFinding(context, host, a)));
    findings.push(...reaches);
  }
  return findings;
}
