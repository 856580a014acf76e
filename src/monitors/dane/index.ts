import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import { transportOptions } from '../../smtp/settings.ts';
import { tlsaUnusableReason } from '../../tls/tlsa.ts';
import { probeAddress } from '../mail-hosts/guarded-probe.ts';
import { type MxTarget, mxTargets } from '../mail-hosts/mx-targets.ts';
import { noteAgreement } from '../starttls/agreement.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { type AddressFacts, matchFinding, rolloverFinding, tlsaFinding } from './findings.ts';
import { addressSecurity, falseNxdomainAtTcp, lookUpTlsa } from './tlsa-lookup.ts';

async function checkHost(context: MonitorContext, resolved: MxTarget): Promise<Finding[]> {
  if (resolved.error) {
    return [
      {
        check: 'dane.tlsa',
        subject: resolved.host,
        status: 'error',
        ...say('dane', 'host-lookup-failed', { host: resolved.host, error: String(resolved.error) }),
        evidence: { error: resolved.error },
      },
    ];
  }
  // the address records' security comes from the same judge as the TLSA RRset (our validator by default)
  const security = await addressSecurity(context, resolved);
  const host: MxTarget = { ...resolved, addressSecure: security.secure };
  const lookup = await lookUpTlsa(context, host);
  const falseNx = lookup.kind === 'found' ? await falseNxdomainAtTcp(context, lookup.owner) : undefined;
  const tlsa = tlsaFinding(host, lookup, falseNx, security);
  // a TLSA failure is a verdict only when the host's own addresses resolved: otherwise our resolver is the suspect
  if (lookup.kind === 'failed' && (host.addresses.length === 0 || lookup.undetermined)) {
    tlsa.status = 'error';
    Object.assign(tlsa, say('dane.tlsa', 'undetermined', { owner: lookup.owner, detail: lookup.detail }));
    delete tlsa.fix;
  }
  const findings: Finding[] = [tlsa];
  if (lookup.kind !== 'found' || lookup.security !== 'secure') return findings;
  const records = lookup.records;
  if (!records.some((r) => tlsaUnusableReason(r) === undefined)) return findings;
  const rolloverWarnDays = transportOptions(context.options).rolloverWarnDays;
  // the TLSA owner's host name and the original MX name are both reference identifiers (RFC 7672 §3.2.3)
  const tlsaHost = lookup.owner.replace(/^_25\._tcp\./, '');
  const referenceNames = [...new Set([tlsaHost, host.host])];
  const perAddress = await Promise.all(
    host.addresses.map(async (address) => {
      const facts: AddressFacts = { host, address, records, referenceNames, now: context.now(), rolloverWarnDays };
      const outcome = matchFinding(facts, await probeAddress(context, host.host, address));
      const rollover = outcome.summary ? rolloverFinding(facts, outcome.summary, outcome.leafNotAfter) : undefined;
      return rollover ? [outcome.finding, rollover] : [outcome.finding];
    }),
  );
  findings.push(...perAddress.flat());
  noteAgreement(findings, host.host, host.addresses.length);
  return findings;
}

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const targets = await mxTargets(context, domain);
  if (targets.kind === 'error') {
    return [
      {
        check: 'dane.tlsa',
        subject: domain,
        status: 'error',
        ...say('dane', 'mx-lookup-failed', { detail: targets.detail }),
        evidence: {},
      },
    ];
  }
  if (targets.kind !== 'hosts') return [];
  const perHost = await Promise.all(targets.hosts.map((host) => checkHost(context, host)));
  return perHost.flat();
}

export const daneMonitor: Monitor = { name: 'dane', run };
