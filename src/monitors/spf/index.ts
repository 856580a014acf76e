/** The SPF monitor: spf.record, spf.policy, spf.lookups and (when sender IPs are configured) spf.authorized. */
import { isDnsError } from '../../dns/errors.ts';
import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { authorizedFindings } from './authorized.ts';
import { lookupsFinding, policyFinding, recordFinding, unusableFindings } from './findings.ts';
import { fetchSpf, walkSpfTree } from './lookup-tree.ts';

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  const authorized = () => authorizedFindings(context.dns, domain, context.options.spfSenderIps);
  let fetched: Awaited<ReturnType<typeof fetchSpf>>;
  try {
    fetched = await fetchSpf(context.dns, domain);
  } catch (error) {
    if (!isDnsError(error)) throw error;
    const ids = ['spf.record', 'spf.policy', 'spf.lookups'];
    const errors = ids.map((check) => dnsErrorFinding(check, domain, error.message));
    const perIp = context.options.spfSenderIps.map((ip) =>
      dnsErrorFinding('spf.authorized', `${domain}/${ip}`, error.message),
    );
    return [...errors, ...perIp];
  }
  const findings = [recordFinding(domain, fetched)];
  if (fetched.status !== 'ok') {
    findings.push(...unusableFindings(domain, fetched), ...(await authorized()));
    return findings;
  }
  try {
    const tree = await walkSpfTree(context.dns, domain, fetched.record);
    findings.push(policyFinding(domain, tree), lookupsFinding(domain, tree));
  } catch (error) {
    if (!isDnsError(error)) throw error;
    findings.push(
      dnsErrorFinding('spf.policy', domain, error.message),
      dnsErrorFinding('spf.lookups', domain, error.message),
    );
  }
  findings.push(...(await authorized()));
  return findings;
}

function dnsErrorFinding(check: string, subject: string, message: string): Finding {
  return {
    check,
    subject,
    status: 'error',
    ...say('spf', 'dns-error', { error: message }),
    evidence: { error: message },
  };
}

export const spfMonitor: Monitor = { name: 'spf', run };
