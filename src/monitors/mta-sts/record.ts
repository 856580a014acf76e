import { say } from '../../i18n/say.ts';
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
        ...say('mtasts.record', 'lookup-failed', { owner, error: lookup.error.kind }),
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
        ...say('mtasts.record', 'missing', { owner, domain }),
        evidence,
      },
    };
  }
  if (sts.length > 1) {
    return {
      present: true,
      finding: {
        ...base,
        status: 'fail',
        ...say('mtasts.record', 'multiple', { owner, records: sts.length }),
        evidence,
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
        ...say('mtasts.record', 'bad-id', { record: shown(sts[0]!) }),
        evidence,
      },
    };
  }
  return {
    present: true,
    id,
    finding: { ...base, status: 'ok', ...say('mtasts.record', 'ok', { id }), evidence: { ...evidence, id } },
  };
}
