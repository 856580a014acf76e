/**
 * DMARC policy discovery by the DNS Tree Walk of RFC 9989 (DMARCbis) section 4.10: query _dmarc.<domain>; when no
 * single valid record is there, shorten a name of eight or more labels to its rightmost seven, then drop one label
 * at a time, querying each, down to the top-level domain. The first name with exactly one DMARC record wins.
 */
import type { DnsClient } from '../../dns/types.ts';
import { lookupTxt } from '../spf/spf-dns.ts';
import { isDmarcRecord } from './record-parser.ts';

export interface DmarcStep {
  name: string;
  /** DMARC records found at the name (0, 1 or several). */
  records: string[];
}

export interface DmarcDiscovery {
  /** The domain whose _dmarc record applies, when one was found. */
  policyDomain?: string;
  record?: string;
  /** Every _dmarc name queried, in order, with what it held. */
  steps: DmarcStep[];
  /** A name with several DMARC records: receivers ignore all of them. */
  multiple?: DmarcStep;
}

export function treeWalkNames(domain: string): string[] {
  const labels = domain.toLowerCase().replace(/\.$/, '').split('.');
  const names = [labels.join('.')];
  let rest = labels.length >= 8 ? labels.slice(labels.length - 7) : labels.slice(1);
  while (rest.length >= 1) {
    names.push(rest.join('.'));
    rest = rest.slice(1);
  }
  return names;
}

/** Walks the tree; DnsError propagates (the policy is then unknown, not absent). */
export async function discoverDmarc(dns: DnsClient, domain: string): Promise<DmarcDiscovery> {
  const steps: DmarcStep[] = [];
  for (const name of treeWalkNames(domain)) {
    const txt = await lookupTxt(dns, `_dmarc.${name}`);
    const records = txt.status === 'found' ? txt.values.filter(isDmarcRecord) : [];
    const step = { name, records };
    steps.push(step);
    if (records.length === 1) return { policyDomain: name, record: records[0]!, steps };
    if (records.length > 1) return { steps, multiple: step };
  }
  return { steps };
}
