/** The dkim.key verdict for one selector's record. */
import { say, sayPart } from '../../i18n/say.ts';
import type { Part } from '../../i18n/types.ts';
import type { Finding } from '../../model.ts';
import { type DkimKeyRecord, parseDkimKeyRecord, readKey } from './key-record.ts';

export interface SelectorLookup {
  selector: string;
  name: string;
  /** TXT strings joined, one per record. */
  records: string[];
  cnames: string[];
  configured: boolean;
}

const ROTATE = sayPart('dkim.key', 'fix-rotate', {});

export function keyFinding(lookup: SelectorLookup): Finding {
  const base = { check: 'dkim.key', subject: lookup.name };
  const evidence: Record<string, unknown> = {
    selector: lookup.selector,
    configured: lookup.configured,
    records: lookup.records,
  };
  if (lookup.cnames.length > 0) evidence.cnames = lookup.cnames;
  if (lookup.records.length === 0) {
    return {
      ...base,
      status: 'fail',
      evidence,
      ...say('dkim.key', 'missing', { name: lookup.name, selector: lookup.selector }),
    };
  }
  const parsed = parseDkimKeyRecord(lookup.records[0]!);
  if (!parsed.record) {
    return {
      ...base,
      status: 'fail',
      evidence: { ...evidence, errors: parsed.errors },
      ...say('dkim.key', 'unparsable', { name: lookup.name, errors: parsed.errors }),
    };
  }
  return verdict(lookup, parsed.record, { ...evidence, warnings: parsed.errors }, base);
}

function verdict(
  lookup: SelectorLookup,
  record: DkimKeyRecord,
  evidence: Record<string, unknown>,
  base: { check: string; subject: string },
): Finding {
  Object.assign(evidence, {
    keyType: record.keyType,
    hashes: record.hashes,
    flags: record.flags,
    services: record.services,
  });
  if (record.publicKey === '') {
    return {
      ...base,
      status: lookup.configured ? 'fail' : 'info',
      evidence,
      ...say('dkim.key', 'revoked', { selector: lookup.selector }),
    };
  }
  const key = readKey(record.keyType, record.publicKey);
  if (!key.ok) {
    return {
      ...base,
      status: 'fail',
      evidence,
      ...say('dkim.key', 'unusable', { selector: lookup.selector, detail: key.reason }),
    };
  }
  Object.assign(evidence, { algorithm: key.algorithm, bits: key.bits });
  const problems: { status: 'fail' | 'warn'; text: Part; fix: Part }[] = [];
  if (key.algorithm === 'rsa' && key.bits < 1024) {
    problems.push({
      status: 'fail',
      text: sayPart('dkim.key', 'rsa-breakable', { bits: key.bits }),
      fix: ROTATE,
    });
  } else if (key.algorithm === 'rsa' && key.bits < 2048) {
    problems.push({
      status: 'warn',
      text: sayPart('dkim.key', 'rsa-short', { bits: key.bits }),
      fix: ROTATE,
    });
  }
  if (!record.services.includes('*') && !record.services.includes('email')) {
    problems.push({
      status: 'fail',
      text: sayPart('dkim.key', 'no-email-service', { services: record.services }),
      fix: sayPart('dkim.key', 'fix-services', {}),
    });
  }
  if (record.flags.includes('y')) {
    problems.push({
      status: 'warn',
      text: sayPart('dkim.key', 'testing-flag', {}),
      fix: sayPart('dkim.key', 'fix-testing-flag', {}),
    });
  }
  if (record.hashes.length > 0 && record.hashes.every((h) => h === 'sha1')) {
    problems.push({
      status: 'warn',
      text: sayPart('dkim.key', 'sha1-only', {}),
      fix: sayPart('dkim.key', 'fix-sha1', {}),
    });
  }
  const size = { selector: lookup.selector, algorithm: key.algorithm, bits: key.bits };
  if (problems.length === 0) {
    return { ...base, status: 'ok', evidence, ...say('dkim.key', 'ok', size) };
  }
  const fixes = [...new Map(problems.map((p) => [p.fix.reason, p.fix])).values()];
  return {
    ...base,
    status: problems.some((p) => p.status === 'fail') ? 'fail' : 'warn',
    evidence,
    ...say('dkim.key', 'problems', { ...size, problems: problems.map((p) => p.text), fixes }),
  };
}
