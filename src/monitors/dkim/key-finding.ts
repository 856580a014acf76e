/** The dkim.key verdict for one selector's record. */
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

const ROTATE =
  'Generate a new 2048-bit RSA key (or ed25519 beside RSA), publish it under a new selector, switch signing to it, then remove the old record.';

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
      summary: `No DKIM key at ${lookup.name}: mail signed with selector ${lookup.selector} fails DKIM`,
      fix: `Publish the public key of selector ${lookup.selector} (ask your mail provider for the record or CNAME), or remove the selector from the configuration if it is no longer used.`,
    };
  }
  const parsed = parseDkimKeyRecord(lookup.records[0]!);
  if (!parsed.record) {
    return {
      ...base,
      status: 'fail',
      evidence: { ...evidence, errors: parsed.errors },
      summary: `DKIM key record at ${lookup.name} does not parse: ${parsed.errors.join('; ')}`,
      fix: 'Publish the record exactly as your signer generated it: "v=DKIM1; k=rsa; p=<base64 public key>".',
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
      summary: `DKIM key ${lookup.selector} is revoked (empty p=): signatures with it fail`,
      fix: 'Sign with a selector whose key is published, and remove a retired selector from the configuration.',
    };
  }
  const key = readKey(record.keyType, record.publicKey);
  if (!key.ok) {
    return {
      ...base,
      status: 'fail',
      evidence,
      summary: `DKIM key ${lookup.selector} is unusable: ${key.reason}`,
      fix: ROTATE,
    };
  }
  Object.assign(evidence, { algorithm: key.algorithm, bits: key.bits });
  const problems: { status: 'fail' | 'warn'; text: string; fix: string }[] = [];
  if (key.algorithm === 'rsa' && key.bits < 1024) {
    problems.push({
      status: 'fail',
      text: `RSA key of ${key.bits} bits: breakable, and receivers ignore keys under 1024 bits (RFC 8301)`,
      fix: ROTATE,
    });
  } else if (key.algorithm === 'rsa' && key.bits < 2048) {
    problems.push({
      status: 'warn',
      text: `RSA key of ${key.bits} bits: below the 2048 bits recommended today`,
      fix: ROTATE,
    });
  }
  if (!record.services.includes('*') && !record.services.includes('email')) {
    problems.push({
      status: 'fail',
      text: `s=${record.services.join(':')} excludes email`,
      fix: 'Remove s= or set s=email.',
    });
  }
  if (record.flags.includes('y')) {
    problems.push({
      status: 'warn',
      text: 't=y: testing mode, receivers may treat signatures as unsigned',
      fix: 'Remove t=y once signing works.',
    });
  }
  if (record.hashes.length > 0 && record.hashes.every((h) => h === 'sha1')) {
    problems.push({
      status: 'warn',
      text: 'h=sha1 only: SHA-1 signatures are no longer accepted (RFC 8301)',
      fix: 'Sign with rsa-sha256 and remove h= (or set h=sha256).',
    });
  }
  const size = key.algorithm === 'rsa' ? `RSA ${key.bits}-bit` : 'ed25519';
  if (problems.length === 0) {
    return { ...base, status: 'ok', evidence, summary: `DKIM key ${lookup.selector}: ${size}, valid` };
  }
  return {
    ...base,
    status: problems.some((p) => p.status === 'fail') ? 'fail' : 'warn',
    evidence,
    summary: `DKIM key ${lookup.selector} (${size}): ${problems.map((p) => p.text).join('; ')}`,
    fix: [...new Set(problems.map((p) => p.fix))].join(' '),
  };
}
