/**
 * Strict RFC 7208 (section 4.6 / 12) parser for one SPF record, with the position of the first syntax error.
 */
import { isIPv6 } from 'node:net';
import { type ParsedMacroString, parseMacroString } from './macro.ts';

export type Qualifier = '+' | '-' | '~' | '?';
export type MechanismName = 'all' | 'include' | 'a' | 'mx' | 'ptr' | 'ip4' | 'ip6' | 'exists';

export interface Mechanism {
  kind: 'mechanism';
  qualifier: Qualifier;
  name: MechanismName;
  /** Target domain-spec (include, a, mx, ptr, exists), unexpanded. */
  domainSpec?: ParsedMacroString;
  domainSpecText?: string;
  /** ip4/ip6 network. */
  network?: string;
  cidr4?: number;
  cidr6?: number;
  /** The term as written and its 0-based offset in the record. */
  text: string;
  position: number;
}

export interface Modifier {
  kind: 'modifier';
  /** Lowercase name. */
  name: string;
  value: ParsedMacroString;
  valueText: string;
  text: string;
  position: number;
}

export type Term = Mechanism | Modifier;

export interface SpfRecord {
  text: string;
  terms: Term[];
  mechanisms: Mechanism[];
  redirect?: Modifier;
  exp?: Modifier;
}

export interface SpfSyntaxError {
  message: string;
  /** 0-based offset in the record text. */
  position: number;
  term: string;
}

export type SpfParseResult = { ok: true; record: SpfRecord } | { ok: false; error: SpfSyntaxError };

const MECHANISMS: readonly string[] = ['all', 'include', 'a', 'mx', 'ptr', 'ip4', 'ip6', 'exists'];
const QNUM = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)';
const IP4_NETWORK = new RegExp(`^${QNUM}\\.${QNUM}\\.${QNUM}\\.${QNUM}$`);
const TOPLABEL = /^(?:[a-z0-9]*[a-z][a-z0-9]*|[a-z0-9]+-[a-z0-9-]*[a-z0-9])$/i;

/** True when a TXT string is an SPF record: "v=spf1" followed by a space or the end (case-insensitive). */
export function isSpfRecord(text: string): boolean {
  return /^v=spf1(?: |$)/i.test(text);
}

class TermError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

export function parseSpfRecord(text: string): SpfParseResult {
  if (!isSpfRecord(text)) {
    return { ok: false, error: { message: "record must start with 'v=spf1'", position: 0, term: text.slice(0, 6) } };
  }
  const terms: Term[] = [];
  let redirect: Modifier | undefined;
  let exp: Modifier | undefined;
  let i = 6;
  while (i < text.length) {
    if (text[i] !== ' ') {
      return fail(text, i, `unexpected character ${JSON.stringify(text[i])}; terms are separated by spaces`);
    }
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    let end = text.indexOf(' ', i);
    if (end < 0) end = text.length;
    const termText = text.slice(i, end);
    try {
      const term = parseTerm(termText, i);
      if (term.kind === 'modifier' && (term.name === 'redirect' || term.name === 'exp')) {
        if ((term.name === 'redirect' ? redirect : exp) !== undefined) {
          throw new TermError(`'${term.name}=' may appear only once`, 0);
        }
        if (term.name === 'redirect') redirect = term;
        else exp = term;
      }
      terms.push(term);
    } catch (error) {
      if (!(error instanceof TermError)) throw error;
      return { ok: false, error: { message: error.message, position: i + error.offset, term: termText } };
    }
    i = end;
  }
  const mechanisms = terms.filter((t): t is Mechanism => t.kind === 'mechanism');
  const record: SpfRecord = { text, terms, mechanisms };
  if (redirect) record.redirect = redirect;
  if (exp) record.exp = exp;
  return { ok: true, record };
}

function fail(text: string, position: number, message: string): SpfParseResult {
  return { ok: false, error: { message, position, term: text.slice(position, position + 20) } };
}

function parseTerm(term: string, position: number): Term {
  const modifier = /^([a-z][a-z0-9\-_.]*)=/i.exec(term);
  if (modifier) return parseModifier(term, modifier[1]!, position);
  let offset = 0;
  let qualifier: Qualifier = '+';
  if ('+-~?'.includes(term[0] ?? '')) {
    qualifier = term[0] as Qualifier;
    offset = 1;
  }
  const nameMatch = /^[a-z0-9]*/i.exec(term.slice(offset));
  const rawName = nameMatch?.[0] ?? '';
  const name = rawName.toLowerCase();
  if (!MECHANISMS.includes(name)) {
    const shown = term.slice(offset).split(/[:/]/)[0] ?? '';
    throw new TermError(`unknown mechanism '${shown}'`, offset);
  }
  const restOffset = offset + rawName.length;
  const mechanism: Mechanism = {
    kind: 'mechanism',
    qualifier,
    name: name as MechanismName,
    text: term,
    position,
  };
  parseArguments(mechanism, term.slice(restOffset), restOffset);
  return mechanism;
}

function parseModifier(term: string, rawName: string, position: number): Modifier {
  const name = rawName.toLowerCase();
  const valueOffset = rawName.length + 1;
  const valueText = term.slice(valueOffset);
  const value = parseMacroString(valueText);
  if (!value.ok) throw new TermError(value.error.message, valueOffset + value.error.offset);
  if (name === 'redirect' || name === 'exp') checkDomainEnd(value.value, valueText, valueOffset);
  return { kind: 'modifier', name, value: value.value, valueText, text: term, position };
}

function parseArguments(mechanism: Mechanism, rest: string, offset: number): void {
  const name = mechanism.name;
  if (name === 'all') {
    if (rest !== '') throw new TermError("'all' takes no argument", offset);
    return;
  }
  if (name === 'ip4' || name === 'ip6') {
    if (!rest.startsWith(':')) throw new TermError(`'${name}' needs ':<network>'`, offset);
    const slash = rest.indexOf('/');
    const network = rest.slice(1, slash < 0 ? undefined : slash);
    const valid = name === 'ip4' ? IP4_NETWORK.test(network) : isIPv6(network);
    if (!valid)
      throw new TermError(`'${network}' is not a valid ${name === 'ip4' ? 'IPv4' : 'IPv6'} address`, offset + 1);
    mechanism.network = network;
    if (slash >= 0) {
      const cidr = parseCidr(rest.slice(slash + 1), name === 'ip4' ? 32 : 128, offset + slash + 1);
      if (name === 'ip4') mechanism.cidr4 = cidr;
      else mechanism.cidr6 = cidr;
    }
    return;
  }
  let specText = '';
  let cidrText = '';
  if (rest.startsWith(':')) {
    specText = rest.slice(1);
    if (name === 'a' || name === 'mx') {
      const cidrMatch = /(\/\d*)?(\/\/\d*)?$/.exec(specText);
      cidrText = cidrMatch?.[0] ?? '';
      specText = specText.slice(0, specText.length - cidrText.length);
    }
    if (specText === '') throw new TermError(`'${name}:' needs a domain after the colon`, offset + 1);
  } else if (rest !== '') {
    if ((name === 'a' || name === 'mx') && rest.startsWith('/')) cidrText = rest;
    else throw new TermError(`unexpected ${JSON.stringify(rest[0])} after '${name}'`, offset);
  }
  if (name === 'include' || name === 'exists') {
    if (specText === '') throw new TermError(`'${name}' needs ':<domain>'`, offset);
  }
  if (specText !== '') {
    const spec = parseMacroString(specText);
    if (!spec.ok) throw new TermError(spec.error.message, offset + 1 + spec.error.offset);
    checkDomainEnd(spec.value, specText, offset + 1);
    mechanism.domainSpec = spec.value;
    mechanism.domainSpecText = specText;
  }
  if (cidrText !== '') {
    const cidrOffset = offset + rest.length - cidrText.length;
    const dual = /^(?:\/(\d*))?(?:\/\/(\d*))?$/.exec(cidrText);
    if (!dual) throw new TermError(`invalid CIDR length '${cidrText}'`, cidrOffset);
    if (dual[1] !== undefined) mechanism.cidr4 = parseCidr(dual[1], 32, cidrOffset + 1);
    if (dual[2] !== undefined) mechanism.cidr6 = parseCidr(dual[2], 128, cidrOffset + cidrText.indexOf('//') + 2);
  }
}

function parseCidr(digits: string, max: number, offset: number): number {
  if (!/^(?:0|[1-9]\d{0,2})$/.test(digits) || Number(digits) > max) {
    throw new TermError(`invalid CIDR length '/${digits}' (0-${max}, no leading zeros)`, offset);
  }
  return Number(digits);
}

/** domain-end = ( "." toplabel [ "." ] ) / macro-expand */
function checkDomainEnd(spec: ParsedMacroString, text: string, offset: number): void {
  if (spec.endsWithMacro) return;
  const labels = text.replace(/\.$/, '').split('.');
  const top = labels[labels.length - 1] ?? '';
  if (labels.length < 2 || !TOPLABEL.test(top)) {
    throw new TermError(`'${text}' does not end in a valid domain name (top label '${top}')`, offset);
  }
}
