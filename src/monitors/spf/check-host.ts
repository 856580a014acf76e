/**
 * RFC 7208 check_host(): the SPF result for a client IP, a domain and a sender, over a DnsClient.
 * Our own evaluator: mailauth's is looser (no 10-MX limit, weaker syntax checks); see docs/antiphishing.md for the
 * RFC 7208 test-suite figures of both.
 */
import { isDnsError } from '../../dns/errors.ts';
import type { DnsClient } from '../../dns/types.ts';
import { clientAddress, inNetwork, ipToText, type ParsedIp, parseIp } from './ip-match.ts';
import {
  expandMacroString,
  type MacroContext,
  macroIp,
  type ParsedMacroString,
  parseMacroString,
  truncateDomain,
} from './macro.ts';
import { isSpfRecord, type Mechanism, parseSpfRecord, type Qualifier } from './record-parser.ts';
import { type Lookup, lookupAddresses, lookupMx, lookupPtr, lookupTxt } from './spf-dns.ts';

export type SpfResult = 'none' | 'neutral' | 'pass' | 'fail' | 'softfail' | 'temperror' | 'permerror';

export interface CheckHostInput {
  ip: string;
  /** The domain to check (MAIL FROM domain, or HELO when MAIL FROM is empty). */
  domain: string;
  /** MAIL FROM address; `postmaster@<domain>` when empty. */
  sender?: string;
  helo?: string;
}

export interface CheckHostOutcome {
  result: SpfResult;
  /** Why: the matching mechanism, or the error. */
  reason: string;
  /** The expanded exp= text for a fail, when the domain publishes one. */
  explanation?: string;
  /** DNS-querying terms evaluated and void lookups seen. */
  lookups: number;
  voidLookups: number;
}

export interface CheckHostLimits {
  maxLookups: number;
  maxVoidLookups: number;
}

const DEFAULT_LIMITS: CheckHostLimits = { maxLookups: 10, maxVoidLookups: 2 };
const QUALIFIER_RESULT: Record<Qualifier, SpfResult> = { '+': 'pass', '-': 'fail', '~': 'softfail', '?': 'neutral' };

class Abort extends Error {
  readonly result: 'permerror' | 'temperror';
  constructor(result: 'permerror' | 'temperror', message: string) {
    super(message);
    this.result = result;
  }
}

interface Evaluation {
  dns: DnsClient;
  client: ParsedIp;
  sender: string;
  helo: string;
  limits: CheckHostLimits;
  lookups: number;
  voids: number;
  validatedName?: Promise<string>;
}

interface Verdict {
  result: SpfResult;
  reason: string;
  explanation?: string;
}

export async function checkHost(
  dns: DnsClient,
  input: CheckHostInput,
  limits: CheckHostLimits = DEFAULT_LIMITS,
): Promise<CheckHostOutcome> {
  const client = clientAddress(input.ip);
  const base = { lookups: 0, voidLookups: 0 };
  if (!client) return { result: 'permerror', reason: `'${input.ip}' is not an IP address`, ...base };
  let sender = input.sender || `postmaster@${input.domain}`;
  if (!sender.includes('@')) sender = `postmaster@${sender}`;
  if (sender.startsWith('@')) sender = `postmaster${sender}`;
  const evaluation: Evaluation = {
    dns,
    client,
    sender,
    helo: input.helo ?? input.domain,
    limits,
    lookups: 0,
    voids: 0,
  };
  let verdict: Verdict;
  try {
    verdict = await evaluate(evaluation, input.domain.replace(/\.$/, ''), 0);
  } catch (error) {
    if (!(error instanceof Abort)) throw error;
    verdict = { result: error.result, reason: error.message };
  }
  return { ...verdict, lookups: evaluation.lookups, voidLookups: evaluation.voids };
}

/** RFC 7208 4.3: malformed or single-label domains give "none". */
export function isValidSpfDomain(domain: string): boolean {
  const name = domain.replace(/\.$/, '');
  if (name.startsWith('[')) return false;
  const labels = name.split('.');
  return labels.length >= 2 && labels.every((label) => label.length > 0 && label.length <= 63);
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDnsError(error))
      throw new Abort('temperror', `DNS ${error.kind} for ${error.question.name}/${error.question.type}`);
    throw error;
  }
}

async function evaluate(state: Evaluation, domain: string, depth: number): Promise<Verdict> {
  if (!isValidSpfDomain(domain)) return { result: 'none', reason: `'${domain}' is not a valid domain name` };
  const txt = await guarded(() => lookupTxt(state.dns, domain));
  const records = txt.status === 'found' ? txt.values.filter(isSpfRecord) : [];
  if (records.length === 0) return { result: 'none', reason: `${domain} has no SPF record` };
  if (records.length > 1) throw new Abort('permerror', `${domain} has ${records.length} SPF records`);
  const parsed = parseSpfRecord(records[0]!);
  if (!parsed.ok) {
    throw new Abort(
      'permerror',
      `syntax error in SPF record of ${domain} at ${parsed.error.position + 1}: ${parsed.error.message}`,
    );
  }
  const record = parsed.record;
  const macros = macroContext(state, domain);
  for (const mechanism of record.mechanisms) {
    if (await matches(state, mechanism, domain, macros, depth)) {
      const result = QUALIFIER_RESULT[mechanism.qualifier];
      const verdict: Verdict = { result, reason: `${domain}: '${mechanism.text}' matched` };
      if (result === 'fail' && record.exp) {
        const explanation = await explain(state, record.exp.value, macros);
        if (explanation !== undefined) verdict.explanation = explanation;
      }
      return verdict;
    }
  }
  if (record.redirect) {
    countLookup(state, 'redirect');
    const target = await targetDomain(record.redirect.value, macros);
    const sub = await evaluate(state, target, depth + 1);
    if (sub.result === 'none') throw new Abort('permerror', `redirect target ${target} has no SPF record`);
    return sub;
  }
  return { result: 'neutral', reason: `${domain}: no mechanism matched` };
}

function countLookup(state: Evaluation, term: string): void {
  state.lookups++;
  if (state.lookups > state.limits.maxLookups) {
    throw new Abort('permerror', `more than ${state.limits.maxLookups} DNS-querying terms (at '${term}')`);
  }
}

function countVoid<T>(state: Evaluation, lookup: Lookup<T>): void {
  if (lookup.status !== 'void') return;
  state.voids++;
  if (state.voids > state.limits.maxVoidLookups) {
    throw new Abort('permerror', `more than ${state.limits.maxVoidLookups} void DNS lookups`);
  }
}

function macroContext(state: Evaluation, domain: string): MacroContext {
  return {
    sender: state.sender,
    domain,
    ip: ipToText(state.client),
    helo: state.helo,
    validatedName: () => {
      state.validatedName ??= validatedDomainName(state, domain).catch(() => 'unknown');
      return state.validatedName;
    },
  };
}

async function targetDomain(spec: ParsedMacroString, macros: MacroContext): Promise<string> {
  const target = truncateDomain(await expandMacroString(spec, macros));
  if (target.split('.').some((label) => label.length === 0 || label.length > 63)) {
    throw new Abort('permerror', `'${target}' is not a valid domain name`);
  }
  return target;
}

async function matches(
  state: Evaluation,
  mechanism: Mechanism,
  domain: string,
  macros: MacroContext,
  depth: number,
): Promise<boolean> {
  switch (mechanism.name) {
    case 'all':
      return true;
    case 'ip4':
    case 'ip6': {
      const network = parseIp(mechanism.network ?? '');
      if (!network || network.family !== state.client.family) return false;
      const prefix = (network.family === 4 ? mechanism.cidr4 : mechanism.cidr6) ?? (network.family === 4 ? 32 : 128);
      return inNetwork(state.client, network, prefix);
    }
    case 'include': {
      countLookup(state, mechanism.text);
      const target = await targetDomain(mechanism.domainSpec!, macros);
      const sub = await evaluate(state, target, depth + 1);
      if (sub.result === 'pass') return true;
      if (sub.result === 'temperror') throw new Abort('temperror', sub.reason);
      if (sub.result === 'permerror' || sub.result === 'none') {
        throw new Abort('permerror', `include:${target} gave ${sub.result} (${sub.reason})`);
      }
      return false;
    }
    case 'a': {
      countLookup(state, mechanism.text);
      const target = mechanism.domainSpec ? await targetDomain(mechanism.domainSpec, macros) : domain;
      const addresses = await guarded(() => lookupAddresses(state.dns, target, state.client.family));
      countVoid(state, addresses);
      return matchesAny(state, addresses.status === 'found' ? addresses.values : [], mechanism);
    }
    case 'mx': {
      countLookup(state, mechanism.text);
      const target = mechanism.domainSpec ? await targetDomain(mechanism.domainSpec, macros) : domain;
      const mx = await guarded(() => lookupMx(state.dns, target));
      countVoid(state, mx);
      if (mx.status !== 'found') return false;
      if (mx.values.length > 10) throw new Abort('permerror', `${target} has ${mx.values.length} MX names (limit 10)`);
      for (const { exchange } of mx.values) {
        if (exchange === '') continue;
        const addresses = await guarded(() => lookupAddresses(state.dns, exchange, state.client.family));
        if (addresses.status === 'found' && matchesAny(state, addresses.values, mechanism)) return true;
      }
      return false;
    }
    case 'ptr': {
      countLookup(state, mechanism.text);
      const target = mechanism.domainSpec ? await targetDomain(mechanism.domainSpec, macros) : domain;
      const names = await validatedNames(state, target);
      return names.some((name) => isSameOrSubdomain(name, target));
    }
    case 'exists': {
      countLookup(state, mechanism.text);
      const target = await targetDomain(mechanism.domainSpec!, macros);
      const addresses = await guarded(() => lookupAddresses(state.dns, target, 4));
      countVoid(state, addresses);
      return addresses.status === 'found';
    }
  }
}

function matchesAny(state: Evaluation, addresses: string[], mechanism: Mechanism): boolean {
  const prefix = state.client.family === 4 ? (mechanism.cidr4 ?? 32) : (mechanism.cidr6 ?? 128);
  return addresses.some((text) => {
    const address = parseIp(text);
    return address !== undefined && inNetwork(state.client, address, prefix);
  });
}

function isSameOrSubdomain(name: string, target: string): boolean {
  const a = name.toLowerCase().replace(/\.$/, '');
  const b = target.toLowerCase().replace(/\.$/, '');
  return a === b || a.endsWith(`.${b}`);
}

function reverseName(ip: ParsedIp): string {
  const nibbles = macroIp(ipToText(ip)).split('.').reverse().join('.');
  return `${nibbles}.${ip.family === 4 ? 'in-addr' : 'ip6'}.arpa`;
}

/** RFC 7208 5.5: PTR names of the client whose A/AAAA (at most 10 names) lead back to the client. */
async function validatedNames(state: Evaluation, target: string): Promise<string[]> {
  let ptr: Lookup<string>;
  try {
    ptr = await lookupPtr(state.dns, reverseName(state.client));
  } catch (error) {
    if (isDnsError(error)) return [];
    throw error;
  }
  countVoid(state, ptr);
  if (ptr.status !== 'found') return [];
  const candidates = ptr.values.slice(0, 10);
  const ordered = [
    ...candidates.filter((name) => isSameOrSubdomain(name, target)),
    ...candidates.filter((name) => !isSameOrSubdomain(name, target)),
  ];
  const validated: string[] = [];
  for (const name of ordered) {
    try {
      const addresses = await lookupAddresses(state.dns, name, state.client.family);
      if (addresses.status === 'found' && matchesAny(state, addresses.values, { cidr4: 32, cidr6: 128 } as Mechanism)) {
        validated.push(name);
      }
    } catch (error) {
      if (!isDnsError(error)) throw error;
    }
  }
  return validated;
}

async function validatedDomainName(state: Evaluation, domain: string): Promise<string> {
  const names = await validatedNames(state, domain);
  return names.find((name) => isSameOrSubdomain(name, domain)) ?? names[0] ?? 'unknown';
}

async function explain(state: Evaluation, spec: ParsedMacroString, macros: MacroContext): Promise<string | undefined> {
  try {
    const target = await targetDomain(spec, macros);
    const txt = await lookupTxt(state.dns, target);
    if (txt.status !== 'found' || txt.values.length !== 1) return undefined;
    const parsed = parseMacroString(txt.values[0]!, true);
    if (!parsed.ok) return undefined;
    return await expandMacroString(parsed.value, macros);
  } catch {
    return undefined;
  }
}
