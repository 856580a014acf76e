import type { Finding } from '../../model.ts';
import { probeAddress } from '../mail-hosts/guarded-probe.ts';
import { type MxTarget, mxTargets } from '../mail-hosts/mx-targets.ts';
import type { MonitorContext } from '../types.ts';

const isIpv6 = (address: string) => address.includes(':');

function addressFinding(host: MxTarget): Finding {
  const ipv6 = host.addresses.filter(isIpv6);
  const base = { check: 'ipv6.mx-address', subject: host.host, evidence: { addresses: host.addresses } };
  if (ipv6.length > 0)
    return { ...base, status: 'ok', summary: `${host.host} has an IPv6 address (${ipv6.join(', ')})` };
  // not yet deployed rather than broken: warn, as for the name servers
  return {
    ...base,
    status: 'warn',
    summary: `${host.host} has no IPv6 address (AAAA): mail from IPv6-only senders cannot reach it`,
    fix: `Give ${host.host} an IPv6 address (AAAA record) on which it accepts SMTP on port 25.`,
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
    return { ...base, status: 'info', summary: `Not probed: ${probe.reason}`, evidence: { guard: probe } };
  const { outcome, stage, detail } = probe.result;
  const evidence = { outcome, stage, detail };
  if (outcome === 'ok' || stage !== 'connect')
    return { ...base, status: 'ok', summary: `SMTP on [${address}]:25 accepts connections over IPv6`, evidence };
  if (/ENETUNREACH|EADDRNOTAVAIL|EAFNOSUPPORT/.test(detail ?? ''))
    return {
      ...base,
      status: 'error',
      summary: `Could not test over IPv6: this machine has no IPv6 route (${detail})`,
      evidence,
    };
  return {
    ...base,
    status: 'fail',
    summary: `SMTP on [${address}]:25 is not reachable over IPv6 (${outcome}: ${detail ?? ''})`,
    evidence,
    fix: `Make ${host.host} accept SMTP on port 25 at ${address} (firewall, listener address), or remove that AAAA record.`,
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
        summary: `Could not find the MX hosts: ${targets.detail}`,
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
        summary: `Could not look up ${host.host}: ${host.error}`,
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
