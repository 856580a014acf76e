import type { Change } from '../model.ts';
import type { Notice } from '../state/types.ts';

/**
 * A thing many domains share: when it breaks, every domain using it shows the same change. Naming it turns a wave of
 * per-domain notices into one notice ("MX address 192.0.2.1 stopped offering STARTTLS — 45 domains"), and its key
 * tells the daemon which other domains to re-check at once.
 */
export interface SharedThing {
  /** Stable key, e.g. `mx-address:192.0.2.1`, `tlsa:_25._tcp.mx1.example.net`, `dns-zone:example.net`. */
  key: string;
  kind: 'mx-address' | 'tlsa' | 'dns-zone' | 'spf-include';
  /** e.g. `MX address 192.0.2.1 (mx1.example.net)`. */
  label: string;
}

const ADDRESS_CHECKS = /^(starttls|dane\.match|dane\.rollover)(\.|$)/;

function lastLabelOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (Array.isArray(value) && value.length > 0) return lastLabelOf(value[value.length - 1]);
  return undefined;
}

/** The SPF include a policy verdict rests on (a `+all` include, or the include that decides `all`). */
function spfIncludeOf(change: Pick<Change, 'domain' | 'after' | 'before'>): string | undefined {
  const evidence = (change.after ?? change.before)?.evidence ?? {};
  const passAll = evidence.passAllIncludes;
  if (Array.isArray(passAll) && passAll.length > 0) {
    const target = (passAll[0] as { target?: unknown }).target;
    if (typeof target === 'string') return target.toLowerCase();
  }
  const via = lastLabelOf(evidence.via);
  if (via !== undefined && via.toLowerCase() !== change.domain.toLowerCase()) return via.toLowerCase();
  return undefined;
}

/**
 * The shared thing a change is about, if any: host-level STARTTLS/DANE findings are about an MX address (subject
 * `host/address`), `dane.tlsa` about the TLSA set of an MX host, DNSSEC findings about a zone other than the domain's
 * own, an SPF policy about the include it rests on. Domain-level findings of the domain itself are not shared.
 */
export function sharedThingOf(
  change: Pick<Change, 'domain' | 'check' | 'subject' | 'before' | 'after'>,
): SharedThing | undefined {
  const { check, subject, domain } = change;
  if (ADDRESS_CHECKS.test(check) && subject.includes('/')) {
    const slash = subject.lastIndexOf('/');
    const host = subject.slice(0, slash);
    const address = subject.slice(slash + 1);
    return { key: `mx-address:${address}`, kind: 'mx-address', label: `MX address ${address} (${host})` };
  }
  if (check === 'dane.tlsa' && subject !== domain) {
    const name = `_25._tcp.${subject.toLowerCase()}`;
    return { key: `tlsa:${name}`, kind: 'tlsa', label: `TLSA set ${name}` };
  }
  const zone = subject.toLowerCase().replace(/\.$/, '');
  if (check.startsWith('dnssec.') && zone !== domain.toLowerCase().replace(/\.$/, ''))
    return { key: `dns-zone:${zone}`, kind: 'dns-zone', label: `DNS zone ${zone}` };
  if (check === 'spf.policy') {
    const include = spfIncludeOf(change);
    if (include) return { key: `spf-include:${include}`, kind: 'spf-include', label: `SPF include ${include}` };
  }
  return undefined;
}

/** The key the daemon re-checks by: every domain whose last results name this thing depends on it. */
export function sharedThingKey(
  change: Pick<Change, 'domain' | 'check' | 'subject' | 'before' | 'after'>,
): string | undefined {
  return sharedThingOf(change)?.key;
}

/** Every shared thing a domain's findings name: what the daemon indexes to find the dependents of a key. */
export function sharedThingKeysOf(
  domain: string,
  findings: Iterable<Pick<Change, 'check' | 'subject'> & { after?: Change['after'] }>,
): Set<string> {
  const keys = new Set<string>();
  for (const finding of findings) {
    const key = sharedThingKey({ domain, check: finding.check, subject: finding.subject, after: finding.after });
    if (key) keys.add(key);
  }
  return keys;
}

/** Notices of one kind and transition caused by one shared thing. */
export interface RootCauseGroup {
  cause: SharedThing;
  type: Notice['type'];
  check: string;
  transition: string;
  notices: Notice[];
  /** Every domain it hits, sorted, each once. */
  domains: string[];
}

/** `ok → fail`; for what already failed at the first check, `fail at first check` (there is no before). */
export function transitionOf(change: Pick<Change, 'kind' | 'before' | 'after'>): string {
  if (change.kind === 'baseline') return `${change.after?.status ?? '—'} at first check`;
  return `${change.before?.status ?? '—'} → ${change.after?.status ?? '—'}`;
}

/**
 * Splits notices into root-cause groups (one per shared thing, type and transition, whatever the number of domains
 * and MX host names) and the rest, each in first-seen order. A group of one domain is still a group: it names the
 * thing, which is what the operator fixes.
 */
export function groupByRootCause(notices: readonly Notice[]): { groups: RootCauseGroup[]; rest: Notice[] } {
  const groups = new Map<string, RootCauseGroup>();
  const rest: Notice[] = [];
  for (const notice of notices) {
    const change = notice.change;
    const cause = change && notice.type !== 'changed' ? sharedThingOf(change) : undefined;
    if (!change || !cause) {
      rest.push(notice);
      continue;
    }
    const transition = transitionOf(change);
    const key = `${notice.type}|${cause.key}|${change.check}|${transition}`;
    let group = groups.get(key);
    if (!group) {
      group = { cause, type: notice.type, check: change.check, transition, notices: [], domains: [] };
      groups.set(key, group);
    }
    group.notices.push(notice);
    if (!group.domains.includes(change.domain)) group.domains.push(change.domain);
  }
  for (const group of groups.values()) group.domains.sort();
  return { groups: [...groups.values()], rest };
}
