import { render } from '../i18n/render.ts';
import type { Language } from '../i18n/types.ts';
import type { Evidence, Finding } from '../model.ts';
import type { Notice } from '../state/types.ts';
import { truncate } from './escape.ts';
import { groupByRootCause, transitionOf } from './root-cause.ts';

/** What a channel renders: medium-neutral, every string still raw (the channel escapes). */
export interface Digest {
  title: string;
  /** e.g. "3 × regression, 1 × recovered". */
  counts: string;
  groups: DigestGroup[];
}

export interface DigestGroup {
  /** e.g. "Regression · starttls.offered · ok → fail · MX address 192.0.2.1 (mx1.shared.example)". */
  heading: string;
  type: Notice['type'];
  /** What the group is about, for a summary table: a shared thing's label, or the check. */
  what: string;
  transition: string;
  /** The shared thing (MX address, TLSA set, DNS zone, SPF include) all its domains have in common. */
  cause?: string;
  /** Every domain of the group, sorted, each once (a root-cause group lists them instead of repeating items). */
  domains: string[];
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
  /** The evidence as `key: value` lines, one record per line. */
  evidence: string[];
  fix?: string;
  expiresAt?: string;
  detail?: string;
}

export const NOTICE_LABELS: Record<Notice['type'], string> = {
  regression: 'Regression',
  baseline: 'Already failing at first check',
  recovery: 'Recovered',
  new: 'New finding',
  gone: 'Finding gone',
  expiring: 'Expiring soon',
  unreachable: 'Could not check',
  reminder: 'Still failing',
  changed: 'Record changed',
  'resolver-down': 'Resolver failing: domain alerts held',
  'resolver-up': 'Resolver recovered',
};
const LABELS = NOTICE_LABELS;

const ORDER: Notice['type'][] = [
  'resolver-down',
  'regression',
  'baseline',
  'new',
  'unreachable',
  'reminder',
  'expiring',
  'changed',
  'gone',
  'recovery',
  'resolver-up',
];

export interface DigestOptions {
  /** Items listed per group before "and N more". */
  maxItemsPerGroup?: number;
  /** Language of the findings' summaries and fixes (default English). */
  language?: Language;
  /** Groups shown before the rest are folded into one "… and N more groups" line. */
  maxGroups?: number;
}

/**
 * A wave of a hoster's domains can hold tens of thousands of distinct groups (every domain's own DKIM selectors):
 * beyond this many, a message names how many more there are instead of listing them (it stays readable and small).
 * Below it nothing is folded: Slack splits a long digest over several messages rather than drop a group.
 */
const MAX_GROUPS = 100;

interface GroupDraft {
  heading: string;
  type: Notice['type'];
  what: string;
  transition: string;
  cause?: string;
  /** A set: "already listed?" must stay constant-time in a group of 100,000 domains. */
  domains: Set<string>;
  items: DigestItem[];
  /** Notices in the group; only the first `maxItems` become items. */
  count: number;
}

function itemOf(notice: Notice, language: Language): DigestItem {
  const record = notice.change?.record;
  if (notice.change && record) {
    const item: DigestItem = {
      domain: notice.change.domain,
      subject: notice.change.subject,
      check: notice.change.check,
      transition: RECORD_CHANGED,
      evidence: [],
    };
    // An empty value is a record that is no longer published.
    item.before = record.before || '(not published)';
    item.after = record.after || '(not published)';
    return item;
  }
  const change = notice.change;
  const before = change?.before;
  const after = change?.after;
  const shown = after ?? before;
  const item: DigestItem = {
    domain: change?.domain ?? 'resolver',
    subject: change?.subject ?? '',
    check: change?.check ?? '',
    transition: transitionText(notice),
    evidence: shown ? flattenEvidence(shown.evidence) : [],
  };
  if (before) item.before = render(before, language).summary;
  if (after) item.after = render(after, language).summary;
  const fix = fixOf(notice.type, after ?? before, language);
  if (fix) item.fix = fix;
  if (after?.expiresAt) item.expiresAt = after.expiresAt;
  if (notice.detail) item.detail = notice.detail;
  return item;
}

const RECORD_CHANGED = 'published record changed';

function transitionText(notice: Notice): string {
  const change = notice.change;
  if (change?.record) return RECORD_CHANGED;
  if (change) return transitionOf(change);
  return notice.type === 'resolver-down' ? 'not answering' : 'answering again';
}

/**
 * Groups notices so 5,000 domains broken by one shared MX host become one group, not 5,000 lines: a problem of a
 * shared thing (root-cause.ts) is one group naming the thing and listing its domains; the rest are grouped by kind,
 * check and transition.
 */
export function buildDigest(notices: readonly Notice[], options: DigestOptions = {}): Digest {
  const maxItems = options.maxItemsPerGroup ?? 10;
  const language = options.language ?? 'en';
  const drafts: GroupDraft[] = [];
  const { groups: causes, rest } = groupByRootCause(notices);
  for (const cause of causes) {
    drafts.push({
      heading: [LABELS[cause.type], cause.check, cause.transition, cause.cause.label].join(' · '),
      type: cause.type,
      what: cause.cause.label,
      transition: cause.transition,
      cause: cause.cause.label,
      domains: new Set(cause.domains),
      // One example explains them all; the domains are listed, not their identical findings repeated.
      items: [itemOf(cause.notices[0]!, language)],
      count: cause.notices.length,
    });
  }
  const byKey = new Map<string, GroupDraft>();
  for (const notice of rest) {
    const change = notice.change;
    const transition = transitionText(notice);
    const domain = change?.domain ?? 'resolver';
    // A record change names its record in the item, not in the heading: one group per kind of record.
    const hostLevel = change !== undefined && !change.record && change.subject !== change.domain;
    const what = change?.check ?? 'resolver';
    const headingParts = [LABELS[notice.type]];
    if (change) headingParts.push(what, transition);
    if (hostLevel && change) headingParts.push(change.subject);
    const key = `${notice.type}|${what}|${transition}|${hostLevel ? change?.subject : ''}`;
    let group = byKey.get(key);
    if (!group) {
      group = {
        heading: headingParts.join(' · '),
        type: notice.type,
        what: hostLevel && change ? `${what} ${change.subject}` : what,
        transition,
        domains: new Set(),
        items: [],
        count: 0,
      };
      byKey.set(key, group);
      drafts.push(group);
    }
    // Only the items shown are rendered: a group of 100,000 notices costs a count, not 100,000 renderings.
    if (group.items.length < maxItems) group.items.push(itemOf(notice, language));
    group.count++;
    group.domains.add(domain);
  }
  const sorted = drafts.sort((a, b) => ORDER.indexOf(a.type) - ORDER.indexOf(b.type));
  const countByType = new Map<Notice['type'], number>();
  for (const notice of notices) countByType.set(notice.type, (countByType.get(notice.type) ?? 0) + 1);
  const counts = [...countByType.entries()]
    .sort((a, b) => ORDER.indexOf(a[0]) - ORDER.indexOf(b[0]))
    .map(([type, count]) => `${count} × ${LABELS[type].toLowerCase()}`)
    .join(', ');
  const domains = new Set(notices.map((n) => n.change?.domain).filter((d): d is string => d !== undefined));
  const worst = sorted[0];
  const title = worst
    ? `${LABELS[worst.type]}${domains.size > 0 ? ` — ${domains.size} domain${domains.size === 1 ? '' : 's'}` : ''}`
    : 'No changes';
  const maxGroups = options.maxGroups ?? MAX_GROUPS;
  const shown = sorted.slice(0, maxGroups);
  const folded = sorted.slice(maxGroups);
  const groups: DigestGroup[] = shown.map((group) => {
    const domainCount = group.domains.size;
    const plural = group.cause !== undefined || group.count > 1;
    return {
      heading: `${group.heading}${plural ? ` (${domainCount} domain${domainCount === 1 ? '' : 's'})` : ''}`,
      type: group.type,
      what: group.what,
      transition: group.transition,
      ...(group.cause !== undefined ? { cause: group.cause } : {}),
      domains: [...group.domains].sort(),
      items: group.items,
      more: group.cause !== undefined ? 0 : Math.max(0, group.count - maxItems),
    };
  });
  if (folded.length > 0) {
    const notices = folded.reduce((sum, group) => sum + group.count, 0);
    groups.push({
      heading: `… and ${folded.length} more group${folded.length === 1 ? '' : 's'} (${notices} notice${notices === 1 ? '' : 's'})`,
      type: folded[0]!.type,
      what: '',
      transition: '',
      domains: [],
      items: [],
      more: 0,
    });
  }
  return { title, counts, groups };
}

function fixOf(type: Notice['type'], finding: Finding | undefined, language: Language): string | undefined {
  if (type === 'recovery' || type === 'gone' || type === 'resolver-up' || type === 'changed') return undefined;
  if (type === 'resolver-down')
    return 'Check the configured resolver (dns.resolvers) and the network; per-domain alerts resume when it answers.';
  return finding ? render(finding, language).fix : undefined;
}

/**
 * `key: value` lines from evidence, records as records: a list gives one line per element (an MX set, TXT strings, a
 * TLSA set), an object gives `key.field: value` lines, and no line is JSON unless a value nests deeper than that. Each
 * line is bounded (a 4 kB TXT record must not flood a message) and a cut says how much was left out.
 */
export function flattenEvidence(evidence: Evidence, maxLines = 8): string[] {
  const lines: string[] = [];
  const push = (key: string, value: unknown) => lines.push(`${key}: ${truncate(scalarText(value), 300)}`);
  for (const [key, value] of Object.entries(evidence)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      for (const element of value) push(key, element);
    } else if (typeof value === 'object') {
      for (const [field, inner] of Object.entries(value as Record<string, unknown>))
        if (inner !== undefined && inner !== null) push(`${key}.${field}`, inner);
    } else push(key, value);
  }
  if (lines.length <= maxLines) return lines;
  return [...lines.slice(0, maxLines - 1), '… more evidence not shown'];
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.join(', ');
  if (value !== null && typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(', ');
  return JSON.stringify(value) ?? '';
}

/** The plain-text rendering shared by the e-mail text part and the log channel. */
export function renderText(digest: Digest): string {
  const lines = [digest.title, digest.counts, ''];
  for (const group of digest.groups) {
    lines.push(group.heading);
    if (group.cause !== undefined) lines.push(`  domains: ${domainList(group.domains)}`, '  for example:');
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

/** A bounded list of domain names: "a, b, c … and 42 more". */
export function domainList(domains: readonly string[], max = 50): string {
  const shown = domains.slice(0, max).join(', ');
  return domains.length > max ? `${shown} … and ${domains.length - max} more` : shown;
}
