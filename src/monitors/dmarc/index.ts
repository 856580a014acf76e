/** The DMARC monitor: dmarc.record, dmarc.policy and dmarc.reporting for one domain. */
import { isDnsError } from '../../dns/errors.ts';
import { say } from '../../i18n/say.ts';
import type { Finding } from '../../model.ts';
import type { Monitor, MonitorContext } from '../types.ts';
import { discoverDmarc } from './discovery.ts';
import { policyFinding, recordFinding, reportingFinding } from './findings.ts';
import { parseDmarcRecord } from './record-parser.ts';
import { checkDestinations } from './reporting.ts';

async function run(context: MonitorContext, domain: string): Promise<Finding[]> {
  try {
    const discovery = await discoverDmarc(context.dns, domain);
    const findings = [recordFinding(domain, discovery)];
    if (discovery.record === undefined || discovery.policyDomain === undefined) {
      const why = discovery.multiple ? 'multiple' : 'none';
      findings.push(
        {
          check: 'dmarc.policy',
          subject: domain,
          status: 'fail',
          ...say('dmarc.policy', 'missing', { domain, why }),
          evidence: { policy: null },
        },
        {
          check: 'dmarc.reporting',
          subject: domain,
          status: 'info',
          ...say('dmarc.reporting', 'not-checked', { domain, why }),
          evidence: {},
        },
      );
      return findings;
    }
    const { record } = parseDmarcRecord(discovery.record);
    findings.push(policyFinding(domain, discovery.policyDomain, record));
    const uris = [
      ...record.rua.map((uri) => ({ tag: 'rua' as const, uri })),
      ...record.ruf.map((uri) => ({ tag: 'ruf' as const, uri })),
    ];
    const destinations = await checkDestinations(context.dns, discovery.policyDomain, uris);
    findings.push(reportingFinding(domain, discovery.policyDomain, destinations));
    return findings;
  } catch (error) {
    if (!isDnsError(error)) throw error;
    return ['dmarc.record', 'dmarc.policy', 'dmarc.reporting'].map((check) => ({
      check,
      subject: domain,
      status: 'error',
      ...say('dmarc', 'dns-error', { error: error.message }),
      evidence: { error: error.message },
    }));
  }
}

export const dmarcMonitor: Monitor = { name: 'dmarc', run };
