import { render } from '../i18n/render.ts';
import type { Language } from '../i18n/types.ts';
import type { Evidence, Finding } from '../model.ts';
import type { Notice } from '../state/types.ts';
import { truncate } from './escape.ts';

/** What a channel renders: medium-neutral, every string still raw (the channel escapes). */
export interface Digest {
  title: string;
  /** e.g. "3 regressions, 1 recovery". */
  counts: string;
  groups: DigestGroup[];
}

export interface DigestGroup {
  /** e.g. "Regression · starttls.offered · ok → fail · mx1.shared.example". */
  heading: string;
  type: Notice['type'];
  items: DigestItem[];
  /** How many more items exist than are listed. */
  more: number;
}

export interface DigestItem {
  domain: string;
  subject: string;
  check: string;
  transition: string;
  before?: string;
  after?: string;
  /** Raw evidence, flattened to `key: value` lines. */
  evidence: string[];
  fix?: string;
  expiresAt?: string;
  detail?: string;
}

const LABELS: Record<Notice['type'], string> = {
  regression: 'Regression',
  recovery: 'Recovered',
  new: 'New finding',
  gone: 'Finding gone',
  expiring: 'Expiring soon',
  unreachable: 'Could not check',
  changed: 'Record changed',
  reminder: 'Still failing',
  'resolver-down': 'Resolver failing: domain alerts held',
  'resolver-up': 'Resolver recovered',
};

const ORDER: Notice['type'][] = [
  'resolver-down',
  'regression',
  'new',
  'unreachable',
  'reminder',
  'expiring',
  'gone',
  'changed',
  'recovery',
  'resolver-up',
];

export interface DigestOptions {
  /** Items listed per group before "and N more". */
  maxItemsPerGroup?: number;
  /** Language of the findings' summaries and fixes (default English). */
  language?: Language;
}

/** Groups notices so 5,000 domains broken by one shared MX host become one group, not 5,000 lines. */
export function buildDigest(notices: readonly Notice[], options: DigestOptions = {}): Digest {
  const maxItems = options.maxItemsPerGroup ?? 10;
  const language = options.language ?? 'en';
  const groups = new Map<string, { heading: string; type: Notice['type']; items: DigestItem[] }>();
  for (const notice of notices) {
    const change = notice.change;
    const before = change?.before;
    const after = change?.after;
    const transition = change?.record
      ? 'published record changed'
      : change
        ? `${before?.status ?? '—'} → ${after?.status ?? '—'}`
        : notice.type === 'resolver-down'
          ? 'not answering'
          : 'answering again';
    const hostLevel = change !== undefined && change.subject !== change.domain;
    const headingParts = [LABELS[notice.type]];
    if (change) headingParts.push(change.check, transition);
    if (hostLevel && change) headingParts.push(change.subject);
    const key = `${notice.type}|${change?.check}|${transition}|${hostLevel ? change?.subject : ''}`;
    const group = groups.get(key) ?? { heading: headingParts.join(' · '), type: notice.type, items: [] };
    groups.set(key, group);
    const shown = after ?? before;
    const item: DigestItem = {
      domain: change?.domain ?? 'resolver',
      subject: change?.subject ?? '',
      check: change?.check ?? '',
      transition,
      evidence: shown ? flattenEvidence(shown.evidence) : [],
    };
    if (before) item.before = render(before, language).summary;
    if (after) item.after = render(after, language).summary;
    if (change?.record) {
      item.before = change.record.before ?? '(not published)';
      item.after = change.record.after === '' ? '(not published)' : change.record.after;
    }
    const fix = fixOf(notice.type, after ?? before, language);
    if (fix) item.fix = fix;
    if (after?.expiresAt) item.expiresAt = after.expiresAt;
    if (notice.detail) item.detail = notice.detail;
    group.items.push(item);
  }
  const sorted = [...groups.values()].sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
  const countByType = new Map<Notice['type'], number>();
  for (const notice of notices) countByType.set(notice.type, (countByType.get(notice.type) ?? 0) + 1);
  const counts = [...countByType.entries()]
    .sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]))
    .map(([type, count]) => `${count} × ${LABELS[type].toLowerCase()}`)
    .join(', ');
  const domains = new Set(notices.map((n) => n.change?.domain).filter((d) => d !== undefined));
  const worst = sorted[0];
  const title = worst
    ? `${LABELS[worst.type]}${domains.size > 0 ? ` — ${domains.size} domain${domains.size === 1 ? '' : 's'}` : ''}`
    : 'No changes';
  return {
    title,
    counts,
    groups: sorted.map((group) => ({
      heading: `${group.heading}${group.items.length > 1 ? ` (${group.items.length} domains)` : ''}`,
      type: group.type,
      items: group.items.slice(0, maxItems),
      more: Math.max(0, group.items.length - maxItems),
    })),
  };
}

function fixOf(type: Notice['type'], finding: Finding | undefined, language: Language): string | undefined {
  if (type === 'recovery' || type === 'gone' || type === 'resolver-up') return undefined;
  if (type === 'resolver-down')
    return 'Check the configured resolver (dns.resolvers) and the network; per-domain alerts resume when it answers.';
  return finding ? render(finding, language).fix : undefined;
}

/** `key: value` lines from evidence, each bounded: a 4 kB TXT record must not flood a message. */
export function flattenEvidence(evidence: Evidence, maxLines = 6): string[] {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(evidence)) {
    if (lines.length >= maxLines) break;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    lines.push(`${key}: ${truncate(text ?? '', 300)}`);
  }
  return lines;
}

/** The plain-text rendering shared by the e-mail text part and the log channel. */
export function renderText(digest: Digest): string {
  const lines = [digest.title, digest.counts, ''];
  for (const group of digest.groups) {
    lines.push(group.heading);
    for (const item of group.items) {
      lines.push(
        `  - ${item.domain}${item.subject && item.subject !== item.domain ? ` (${item.subject})` : ''}: ${item.transition}`,
      );
      if (item.detail) lines.push(`      ${item.detail}`);
      if (item.before) lines.push(`      before: ${item.before}`);
      if (item.after) lines.push(`      now:    ${item.after}`);
      if (item.expiresAt) lines.push(`      expires: ${item.expiresAt}`);
      for (const evidence of item.evidence) lines.push(`      ${evidence}`);
      if (item.fix) lines.push(`      fix: ${item.fix}`);
    }
    if (group.more > 0) lines.push(`  … and ${group.more} more`);
    lines.push('');
  }
  return lines.join('\n');
}
