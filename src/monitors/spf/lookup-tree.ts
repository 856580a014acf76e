/**
 * The static SPF lint: walks the whole include/redirect tree of a domain once, counting the DNS-querying terms
 * (include, a, mx, ptr, exists, redirect) as a receiver would in the worst case, the void lookups of the terms that
 * can be resolved without a sender (a, mx, exists without macros), MX name counts, loops and broken includes.
 */
import { txtStrings } from '../../dns/lookup.ts';
import type { DnsClient } from '../../dns/types.ts';
import { parseMacroString, truncateDomain } from './macro.ts';
import { isSpfRecord, type Mechanism, parseSpfRecord, type SpfRecord, type SpfSyntaxError } from './record-parser.ts';
import { lookupAddresses, lookupMx, lookupTxt } from './spf-dns.ts';

export type SpfFetch =
  | { status: 'ok'; record: SpfRecord; strings: number }
  | { status: 'none'; rcode: string }
  | { status: 'multiple'; records: string[] }
  | { status: 'syntax'; text: string; error: SpfSyntaxError };

/** Fetches and parses the one SPF record of a domain. DnsError propagates. */
export async function fetchSpf(dns: DnsClient, domain: string): Promise<SpfFetch> {
  const txt = await lookupTxt(dns, domain);
  if (txt.status === 'void') return { status: 'none', rcode: txt.rcode };
  const records = txt.values.filter(isSpfRecord);
  if (records.length === 0) return { status: 'none', rcode: 'NOERROR' };
  if (records.length > 1) return { status: 'multiple', records };
  const text = records[0]!;
  const parsed = parseSpfRecord(text);
  if (!parsed.ok) return { status: 'syntax', text, error: parsed.error };
  const raw = txt.answer.answers.find((r) => r.type === 'TXT' && isSpfRecord(txtStrings(r)));
  const strings = Array.isArray(raw?.data) ? raw.data.length : 1;
  return { status: 'ok', record: parsed.record, strings };
}

export interface TreeProblem {
  kind: 'include-broken' | 'loop' | 'mx-too-many' | 'void' | 'macro' | 'depth';
  /** Where: the domain whose record holds the term, and the term as written. */
  domain: string;
  term: string;
  detail: string;
}

export interface SpfTreeNode {
  domain: string;
  /** The record text, when there is exactly one valid one. */
  record?: string;
  /** Lookups of this record's own terms (1 per DNS-querying term). */
  ownLookups: number;
  /** Own lookups plus everything below (saturates at MAX_COUNT). */
  totalLookups: number;
  /** Void lookups of this record's own terms plus everything below (saturates at MAX_COUNT). */
  totalVoids: number;
  /**
   * Included and redirected records. A record reached along several paths is walked once and its node shared, so
   * the tree is a DAG: the counts still add up as a receiver would meet them, the work does not.
   */
  children: { term: string; kind: 'include' | 'redirect'; node: SpfTreeNode }[];
  /** Qualifier of this record's `all`, if any. */
  all?: string;
  /** True when this record's redirect= is in effect (no `all`). */
  redirects: boolean;
}

export interface SpfTree {
  root: SpfTreeNode;
  totalLookups: number;
  voidLookups: number;
  problems: TreeProblem[];
  /** ptr terms anywhere in the tree. */
  ptrTerms: { domain: string; term: string }[];
  /** includes (at any depth) whose record ends in `+all`: they authorize every address on the Internet. */
  passAllIncludes: { domain: string; term: string; target: string }[];
  /** DNS queries the walk made (each distinct record and name once). */
  queries: number;
  /** Set when the walk stopped at its query budget: the counts are then lower bounds. */
  budgetExhausted?: { limit: 'dns-queries'; max: number };
}

export interface SpfWalkLimits {
  /**
   * DNS queries one walk may make. A tree within RFC 7208's 10 lookups needs at most 21 (the root's TXT, then one
   * TXT per include/redirect and at most two queries per other term), so a walk that needs more than this proves
   * permerror at every receiver; the budget only keeps a hostile tree (10^10 names) from costing more.
   */
  maxQueries: number;
}

export const DEFAULT_SPF_WALK_LIMITS: SpfWalkLimits = { maxQueries: 100 };

const LOOKUP_TERMS = new Set(['include', 'a', 'mx', 'ptr', 'exists']);
const MAX_DEPTH = 12;
/** Counts in a diamond grow as 10^depth: past this they are reported as "at least". */
export const MAX_COUNT = 1_000_000_000;

/** What walking one include/redirect target gave, kept per distinct target. */
interface TargetWalk {
  node?: SpfTreeNode;
  /** Void lookups caused by the target itself (an include of a name without SPF record). */
  voids: number;
}

interface WalkState {
  dns: DnsClient;
  limits: SpfWalkLimits;
  queries: number;
  exhausted: boolean;
  problems: TreeProblem[];
  ptrTerms: SpfTree['ptrTerms'];
  passAllIncludes: SpfTree['passAllIncludes'];
  /** Targets already walked (memo), and the ones on the current path (loop detection). */
  walked: Map<string, TargetWalk>;
  active: Set<string>;
}

/**
 * Walks the graph below a domain's (already fetched) record, each distinct record once, within a DNS query budget.
 * DnsError propagates: the count is then unknown.
 */
export async function walkSpfTree(
  dns: DnsClient,
  domain: string,
  record: SpfRecord,
  limits: SpfWalkLimits = DEFAULT_SPF_WALK_LIMITS,
): Promise<SpfTree> {
  const state: WalkState = {
    dns,
    limits,
    queries: 1,
    exhausted: false,
    problems: [],
    ptrTerms: [],
    passAllIncludes: [],
    walked: new Map(),
    active: new Set([domain.toLowerCase()]),
  };
  const root = await walkRecord(state, domain, record, [domain.toLowerCase()]);
  return {
    root,
    totalLookups: root.totalLookups,
    voidLookups: root.totalVoids,
    problems: state.problems,
    ptrTerms: state.ptrTerms,
    passAllIncludes: state.passAllIncludes,
    queries: state.queries,
    ...(state.exhausted ? { budgetExhausted: { limit: 'dns-queries' as const, max: limits.maxQueries } } : {}),
  };
}

/** Takes `count` queries from the budget; false (and the walk marked exhausted) when they are not there. */
function spend(state: WalkState, count: number): boolean {
  if (state.exhausted || state.queries + count > state.limits.maxQueries) {
    state.exhausted = true;
    return false;
  }
  state.queries += count;
  return true;
}

const saturatingSum = (values: number[]): number =>
  Math.min(
    MAX_COUNT,
    values.reduce((sum, value) => sum + value, 0),
  );

async function walkRecord(state: WalkState, domain: string, record: SpfRecord, path: string[]): Promise<SpfTreeNode> {
  const all = record.mechanisms.find((m) => m.name === 'all');
  const node: SpfTreeNode = {
    domain,
    record: record.text,
    ownLookups: 0,
    totalLookups: 0,
    totalVoids: 0,
    children: [],
    redirects: false,
  };
  if (all) node.all = all.qualifier;
  let voids = 0;
  // the redirect goes first, so the effective `all` is known even when the includes use up the budget
  let redirect: SpfTreeNode['children'][number] | undefined;
  if (record.redirect && !all) {
    node.ownLookups++;
    node.redirects = true;
    const walked = await walkTarget(state, domain, record.redirect.text, record.redirect.valueText, path, 'redirect');
    voids += walked.voids;
    if (walked.node) redirect = { term: record.redirect.text, kind: 'redirect', node: walked.node };
  }
  for (const mechanism of record.mechanisms) {
    if (!LOOKUP_TERMS.has(mechanism.name)) continue;
    node.ownLookups++;
    if (mechanism.name === 'ptr') state.ptrTerms.push({ domain, term: mechanism.text });
    if (mechanism.name === 'include') {
      const walked = await walkTarget(state, domain, mechanism.text, mechanism.domainSpecText!, path, 'include');
      voids += walked.voids;
      const child = walked.node;
      if (child) {
        node.children.push({ term: mechanism.text, kind: 'include', node: child });
        if (child.all === '+' && mechanism.qualifier === '+') {
          state.passAllIncludes.push({ domain, term: mechanism.text, target: child.domain });
        }
      }
    } else {
      voids += await checkVoid(state, domain, mechanism);
    }
  }
  if (redirect) node.children.push(redirect);
  node.totalLookups = saturatingSum([node.ownLookups, ...node.children.map((c) => c.node.totalLookups)]);
  node.totalVoids = saturatingSum([voids, ...node.children.map((c) => c.node.totalVoids)]);
  return node;
}

/** The include/redirect target as a name: as written, or with %{d} expanded (the only macro known without a sender). */
function targetName(targetText: string, domain: string): string | undefined {
  if (!targetText.includes('%')) return targetText.replace(/\.$/, '').toLowerCase();
  const parsed = parseMacroString(targetText);
  if (!parsed.ok) return undefined;
  const onlyDomain = parsed.value.parts.every((part) => part.kind !== 'expand' || part.letter.toLowerCase() === 'd');
  if (!onlyDomain) return undefined;
  let text = '';
  for (const part of parsed.value.parts) {
    if (part.kind !== 'expand') {
      text += part.text;
      continue;
    }
    let labels = domain.split(new RegExp(`[${(part.delimiters || '.').replace(/[-\\\]^/]/g, (c) => `\\${c}`)}]`));
    if (part.reverse) labels = labels.reverse();
    if (part.keep !== undefined && part.keep < labels.length) labels = labels.slice(labels.length - part.keep);
    text += labels.join('.');
  }
  return truncateDomain(text).toLowerCase();
}

async function walkTarget(
  state: WalkState,
  domain: string,
  term: string,
  targetText: string,
  path: string[],
  kind: 'include' | 'redirect',
): Promise<TargetWalk> {
  const target = targetName(targetText, domain);
  if (target === undefined) {
    state.problems.push({ kind: 'macro', domain, term, detail: 'target depends on the sender (macro): not followed' });
    return { voids: 0 };
  }
  if (state.active.has(target)) {
    state.problems.push({ kind: 'loop', domain, term, detail: `loop: ${[...path, target].join(' → ')}` });
    return { voids: 0 };
  }
  const known = state.walked.get(target);
  if (known) return known;
  if (path.length > MAX_DEPTH) {
    state.problems.push({ kind: 'depth', domain, term, detail: `nested more than ${MAX_DEPTH} deep: not followed` });
    return { voids: 0 };
  }
  if (!spend(state, 1)) return { voids: 0 };
  const fetched = await fetchSpf(state.dns, target);
  if (fetched.status !== 'ok') {
    const detail =
      fetched.status === 'none'
        ? fetched.rcode === 'NXDOMAIN'
          ? `${target} does not exist (NXDOMAIN)`
          : `${target} has no SPF record`
        : fetched.status === 'multiple'
          ? `${target} has ${fetched.records.length} SPF records`
          : `${target} has a syntax error at character ${fetched.error.position + 1}: ${fetched.error.message}`;
    state.problems.push({ kind: 'include-broken', domain, term, detail: `${kind} target broken: ${detail}` });
    const broken = { voids: fetched.status === 'none' ? 1 : 0 };
    state.walked.set(target, broken);
    return broken;
  }
  state.active.add(target);
  const node = await walkRecord(state, target, fetched.record, [...path, target]);
  state.active.delete(target);
  const walked = { node, voids: 0 };
  state.walked.set(target, walked);
  return walked;
}

/** Looks up what an a/mx/exists term names, when that needs no sender; returns the void lookups it caused. */
async function checkVoid(state: WalkState, domain: string, mechanism: Mechanism): Promise<number> {
  const spec = mechanism.domainSpecText;
  if (spec?.includes('%')) return 0;
  const target = (spec ?? domain).replace(/\.$/, '');
  if (mechanism.name === 'a' || mechanism.name === 'exists') {
    if (!spend(state, mechanism.name === 'a' ? 2 : 1)) return 0;
    const v4 = await lookupAddresses(state.dns, target, 4);
    const v6 = mechanism.name === 'a' ? await lookupAddresses(state.dns, target, 6) : v4;
    if (v4.status === 'void' && v6.status === 'void') {
      const what = mechanism.name === 'a' ? 'no A or AAAA record' : 'no A record';
      state.problems.push({
        kind: 'void',
        domain,
        term: mechanism.text,
        detail: `${target} has ${what} (${v4.rcode})`,
      });
      return 1;
    }
    return 0;
  }
  if (mechanism.name === 'mx') {
    if (!spend(state, 1)) return 0;
    const mx = await lookupMx(state.dns, target);
    if (mx.status === 'void') {
      state.problems.push({
        kind: 'void',
        domain,
        term: mechanism.text,
        detail: `${target} has no MX record (${mx.rcode})`,
      });
      return 1;
    }
    if (mx.values.length > 10) {
      state.problems.push({
        kind: 'mx-too-many',
        domain,
        term: mechanism.text,
        detail: `${target} has ${mx.values.length} MX names; 'mx' allows at most 10 (permerror)`,
      });
    }
  }
  return 0;
}

/** The effective `all` of a domain: its own, or the one reached through redirect=. */
export function effectiveAll(node: SpfTreeNode): { qualifier?: string; via: string[] } {
  const via: string[] = [node.domain];
  let current: SpfTreeNode | undefined = node;
  while (current) {
    if (current.all !== undefined) return { qualifier: current.all, via };
    const redirect: SpfTreeNode | undefined = current.children.find((c) => c.kind === 'redirect')?.node;
    if (redirect) via.push(redirect.domain);
    current = redirect;
  }
  return { via };
}

/** Lookup cost of each include/redirect of the root record, with nested cost: what to cut first. */
export function costPerTerm(node: SpfTreeNode): { term: string; lookups: number }[] {
  return node.children.map((c) => ({ term: c.term, lookups: 1 + c.node.totalLookups }));
}
