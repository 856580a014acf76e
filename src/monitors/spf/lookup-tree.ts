/**
 * The static SPF lint: walks the whole include/redirect tree of a domain once, counting the DNS-querying terms
 * (include, a, mx, ptr, exists, redirect) as a receiver would in the worst case, the void lookups of the terms that
 * can be resolved without a sender (a, mx, exists without macros), MX name counts, loops and broken includes.
 */
import { txtStrings } from '../../dns/lookup.ts';
import type { DnsClient } from '../../dns/types.ts';
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
  /** Own lookups plus everything below. */
  totalLookups: number;
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
}

const LOOKUP_TERMS = new Set(['include', 'a', 'mx', 'ptr', 'exists']);
const MAX_DEPTH = 12;

interface WalkState {
  dns: DnsClient;
  problems: TreeProblem[];
  voids: number;
  ptrTerms: SpfTree['ptrTerms'];
  passAllIncludes: SpfTree['passAllIncludes'];
}

/** Walks the tree below a domain's (already fetched) record. DnsError propagates: the count is then unknown. */
export async function walkSpfTree(dns: DnsClient, domain: string, record: SpfRecord): Promise<SpfTree> {
  const state: WalkState = { dns, problems: [], voids: 0, ptrTerms: [], passAllIncludes: [] };
  const root = await walkRecord(state, domain, record, [domain.toLowerCase()]);
  return {
    root,
    totalLookups: root.totalLookups,
    voidLookups: state.voids,
    problems: state.problems,
    ptrTerms: state.ptrTerms,
    passAllIncludes: state.passAllIncludes,
  };
}

async function walkRecord(state: WalkState, domain: string, record: SpfRecord, path: string[]): Promise<SpfTreeNode> {
  const all = record.mechanisms.find((m) => m.name === 'all');
  const node: SpfTreeNode = {
    domain,
    record: record.text,
    ownLookups: 0,
    totalLookups: 0,
    children: [],
    redirects: false,
  };
  if (all) node.all = all.qualifier;
  for (const mechanism of record.mechanisms) {
    if (!LOOKUP_TERMS.has(mechanism.name)) continue;
    node.ownLookups++;
    if (mechanism.name === 'ptr') state.ptrTerms.push({ domain, term: mechanism.text });
    if (mechanism.name === 'include') {
      const child = await walkTarget(state, domain, mechanism.text, mechanism.domainSpecText!, path, 'include');
      if (child) {
        node.children.push({ term: mechanism.text, kind: 'include', node: child });
        if (child.all === '+' && mechanism.qualifier === '+') {
          state.passAllIncludes.push({ domain, term: mechanism.text, target: child.domain });
        }
      }
    } else {
      await checkVoid(state, domain, mechanism);
    }
  }
  if (record.redirect && !all) {
    node.ownLookups++;
    node.redirects = true;
    const child = await walkTarget(state, domain, record.redirect.text, record.redirect.valueText, path, 'redirect');
    if (child) node.children.push({ term: record.redirect.text, kind: 'redirect', node: child });
  }
  node.totalLookups = node.ownLookups + node.children.reduce((sum, c) => sum + c.node.totalLookups, 0);
  return node;
}

async function walkTarget(
  state: WalkState,
  domain: string,
  term: string,
  targetText: string,
  path: string[],
  kind: 'include' | 'redirect',
): Promise<SpfTreeNode | undefined> {
  if (targetText.includes('%')) {
    state.problems.push({ kind: 'macro', domain, term, detail: 'target depends on the sender (macro): not followed' });
    return undefined;
  }
  const target = targetText.replace(/\.$/, '').toLowerCase();
  if (path.includes(target)) {
    state.problems.push({ kind: 'loop', domain, term, detail: `loop: ${[...path, target].join(' → ')}` });
    return undefined;
  }
  if (path.length > MAX_DEPTH) {
    state.problems.push({ kind: 'depth', domain, term, detail: `nested more than ${MAX_DEPTH} deep: not followed` });
    return undefined;
  }
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
    if (fetched.status === 'none') state.voids++;
    return undefined;
  }
  return walkRecord(state, target, fetched.record, [...path, target]);
}

async function checkVoid(state: WalkState, domain: string, mechanism: Mechanism): Promise<void> {
  const spec = mechanism.domainSpecText;
  if (spec?.includes('%')) return;
  const target = (spec ?? domain).replace(/\.$/, '');
  if (mechanism.name === 'a' || mechanism.name === 'exists') {
    const v4 = await lookupAddresses(state.dns, target, 4);
    const v6 = mechanism.name === 'a' ? await lookupAddresses(state.dns, target, 6) : v4;
    if (v4.status === 'void' && v6.status === 'void') {
      state.voids++;
      const what = mechanism.name === 'a' ? 'no A or AAAA record' : 'no A record';
      state.problems.push({
        kind: 'void',
        domain,
        term: mechanism.text,
        detail: `${target} has ${what} (${v4.rcode})`,
      });
    }
    return;
  }
  if (mechanism.name === 'mx') {
    const mx = await lookupMx(state.dns, target);
    if (mx.status === 'void') {
      state.voids++;
      state.problems.push({
        kind: 'void',
        domain,
        term: mechanism.text,
        detail: `${target} has no MX record (${mx.rcode})`,
      });
    } else if (mx.values.length > 10) {
      state.problems.push({
        kind: 'mx-too-many',
        domain,
        term: mechanism.text,
        detail: `${target} has ${mx.values.length} MX names; 'mx' allows at most 10 (permerror)`,
      });
    }
  }
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
