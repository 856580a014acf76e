/**
 * DMARC record parser (RFC 7489 section 6.3 and RFC 9989 / DMARCbis): tag=value pairs separated by ';'.
 * Returns every problem found, classified, instead of stopping at the first one.
 */

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export interface DmarcRecord {
  text: string;
  /** Last value of each known tag (lowercase tag names). */
  tags: Map<string, string>;
  p?: DmarcPolicy;
  sp?: DmarcPolicy;
  np?: DmarcPolicy;
  /** t=y: testing mode (DMARCbis), receivers apply one step weaker. */
  testing: boolean;
  pct?: number;
  psd?: 'y' | 'n' | 'u';
  rua: string[];
  ruf: string[];
}

export interface DmarcIssue {
  severity: 'error' | 'missing' | 'duplicate' | 'unknown' | 'obsolete';
  tag: string;
  message: string;
}

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];
const KNOWN_TAGS = new Set(['v', 'p', 'sp', 'np', 'adkim', 'aspf', 'fo', 'rua', 'ruf', 'psd', 't']);
const OBSOLETE_TAGS = new Set(['pct', 'rf', 'ri']);

const VALUE_RULES: Record<string, { test: (v: string) => boolean; expect: string }> = {
  p: { test: (v) => POLICIES.includes(v.toLowerCase()), expect: 'none, quarantine or reject' },
  sp: { test: (v) => POLICIES.includes(v.toLowerCase()), expect: 'none, quarantine or reject' },
  np: { test: (v) => POLICIES.includes(v.toLowerCase()), expect: 'none, quarantine or reject' },
  adkim: { test: (v) => /^[rs]$/i.test(v), expect: 'r or s' },
  aspf: { test: (v) => /^[rs]$/i.test(v), expect: 'r or s' },
  fo: { test: (v) => /^[01ds](\s*:\s*[01ds])*$/i.test(v), expect: 'a colon-separated list of 0, 1, d, s' },
  psd: { test: (v) => /^[ynu]$/i.test(v), expect: 'y, n or u' },
  t: { test: (v) => /^[yn]$/i.test(v), expect: 'y or n' },
  pct: { test: (v) => /^\d{1,3}$/.test(v) && Number(v) <= 100, expect: 'an integer 0-100' },
  ri: { test: (v) => /^\d+$/.test(v), expect: 'an integer' },
  rf: { test: (v) => /^[a-z0-9]+(\s*:\s*[a-z0-9]+)*$/i.test(v), expect: 'a colon-separated list of formats' },
};

/** A TXT string is a DMARC record when it starts with "v=DMARC1" (then whitespace or ';' or the end). */
export function isDmarcRecord(text: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/.test(text);
}

export function parseDmarcRecord(text: string): { record: DmarcRecord; issues: DmarcIssue[] } {
  const issues: DmarcIssue[] = [];
  const tags = new Map<string, string>();
  const parts = text.split(';').map((part) => part.trim());
  parts.forEach((part, index) => {
    if (part === '') return;
    const match = /^([A-Za-z0-9_]+)\s*=\s*(.*)$/s.exec(part);
    if (!match) {
      issues.push({ severity: 'error', tag: part, message: `'${part}' is not tag=value` });
      return;
    }
    const tag = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    if (index === 0 && tag !== 'v') issues.push({ severity: 'error', tag, message: 'the first tag must be v=DMARC1' });
    if (tags.has(tag)) issues.push({ severity: 'duplicate', tag, message: `tag '${tag}' appears more than once` });
    if (OBSOLETE_TAGS.has(tag)) {
      issues.push({ severity: 'obsolete', tag, message: `tag '${tag}' is obsolete (removed by RFC 9989)` });
    } else if (!KNOWN_TAGS.has(tag)) {
      issues.push({ severity: 'unknown', tag, message: `unknown tag '${tag}' (ignored by receivers)` });
    }
    const rule = VALUE_RULES[tag];
    if (rule && !rule.test(value)) {
      issues.push({ severity: 'error', tag, message: `${tag}=${value} is invalid: expected ${rule.expect}` });
    }
    if (!tags.has(tag)) tags.set(tag, value);
  });
  const policy = (tag: string): DmarcPolicy | undefined => {
    const value = tags.get(tag)?.toLowerCase();
    return value !== undefined && POLICIES.includes(value) ? (value as DmarcPolicy) : undefined;
  };
  const uris = (tag: string): string[] =>
    (tags.get(tag) ?? '')
      .split(',')
      .map((uri) => uri.trim())
      .filter((uri) => uri !== '');
  const record: DmarcRecord = {
    text,
    tags,
    testing: tags.get('t')?.toLowerCase() === 'y',
    rua: uris('rua'),
    ruf: uris('ruf'),
  };
  const p = policy('p');
  const sp = policy('sp');
  const np = policy('np');
  if (p) record.p = p;
  if (sp) record.sp = sp;
  if (np) record.np = np;
  const pct = tags.get('pct');
  if (pct !== undefined && /^\d+$/.test(pct)) record.pct = Number(pct);
  const psd = tags.get('psd')?.toLowerCase();
  if (psd === 'y' || psd === 'n' || psd === 'u') record.psd = psd;
  if (!tags.has('p')) {
    issues.push({ severity: 'missing', tag: 'p', message: 'tag p= is missing: receivers apply p=none' });
  }
  return { record, issues };
}
