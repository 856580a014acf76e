import type { Finding } from '../../model.ts';
import { parseTagList, shown, type TxtLookup } from './txt.ts';

export type StsRecordVerdict = { finding: Finding; id?: string; present: boolean };

/** `mtasts.record`: exactly one `v=STSv1; id=…` TXT at `_mta-sts.<domain>` (RFC 8461 §3.1). */
export function judgeStsRecord(domain: string, lookup: TxtLookup): StsRecordVerdict {
  const owner = `_mta-sts.${domain}`;
  const base = { check: 'mtasts.record', subject: domain };
  if (lookup.kind === 'error') {
    return {
      present: false,
      finding: {
        ...base,
        status: 'error',
        summary: `Could not look up ${owner}: ${lookup.error.kind}`,
        evidence: { owner, error: lookup.error.kind },
      },
    };
  }
  const sts = lookup.texts.filter((t) => /^v=STSv1\s*(;|$)/.test(t));
  const evidence = { owner, records: lookup.texts.map((t) => shown(t, 500)) };
  if (sts.length === 0) {
    return {
      present: false,
      finding: {
        ...base,
        status: 'info',
        summary: `No MTA-STS record at ${owner}: senders without DANE cannot insist on TLS to ${domain}`,
        evidence,
        fix: `Publish a policy at https://mta-sts.${domain}/.well-known/mta-sts.txt and "${owner}. TXT \\"v=STSv1; id=<yyyymmddnn>\\""; start in mode testing.`,
      },
    };
  }
  if (sts.length > 1) {
    return {
      present: true,
      finding: {
        ...base,
        status: 'fail',
        summary: `${sts.length} MTA-STS records at ${owner}: senders treat that as no policy (RFC 8461 §3.1)`,
        evidence,
        fix: 'Keep exactly one "v=STSv1; id=…" record.',
      },
    };
  }
  const id = parseTagList(sts[0]!).get('id');
  if (id === undefined || !/^[A-Za-z0-9]{1,32}$/.test(id)) {
    return {
      present: true,
      finding: {
        ...base,
        status: 'fail',
        summary: `MTA-STS record without a valid id (1–32 letters and digits): ${shown(sts[0]!)}`,
        evidence,
        fix: 'Use "v=STSv1; id=20250101T00"-style ids of letters and digits only, and change the id whenever the policy changes.',
      },
    };
  }
  return {
    present: true,
    id,
    finding: { ...base, status: 'ok', summary: `MTA-STS record present (id ${id})`, evidence: { ...evidence, id } },
  };
}
