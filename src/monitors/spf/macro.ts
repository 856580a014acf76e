/**
 * RFC 7208 section 7 macro-strings: validation (with the position of the first error) and expansion.
 */
import { isIPv4 } from 'node:net';

export interface MacroError {
  message: string;
  /** Offset inside the macro-string. */
  offset: number;
}

type MacroPart =
  | { kind: 'literal'; text: string }
  | { kind: 'escape'; text: string }
  | { kind: 'expand'; letter: string; keep: number | undefined; reverse: boolean; delimiters: string };

export interface ParsedMacroString {
  parts: MacroPart[];
  /** True when the last part is a macro-expand (then the domain-end rule is satisfied by it). */
  endsWithMacro: boolean;
}

const LETTERS = 'slodiphv';
const EXP_ONLY_LETTERS = 'crt';

function isLiteral(code: number): boolean {
  return (code >= 0x21 && code <= 0x24) || (code >= 0x26 && code <= 0x7e);
}

/** Parses a macro-string; `inExplanation` allows the c, r, t letters and spaces (explanation-string). */
export function parseMacroString(
  text: string,
  inExplanation = false,
): { ok: true; value: ParsedMacroString } | { ok: false; error: MacroError } {
  const parts: MacroPart[] = [];
  let literal = '';
  let endsWithMacro = false;
  const flush = (): void => {
    if (literal) parts.push({ kind: 'literal', text: literal });
    literal = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '%') {
      const code = ch.charCodeAt(0);
      if (!(isLiteral(code) || (inExplanation && code === 0x20))) {
        return { ok: false, error: { message: `character ${describeChar(ch)} is not allowed here`, offset: i } };
      }
      literal += ch;
      endsWithMacro = false;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '%' || next === '_' || next === '-') {
      flush();
      parts.push({ kind: 'escape', text: next === '%' ? '%' : next === '_' ? ' ' : '%20' });
      endsWithMacro = true;
      i += 2;
      continue;
    }
    if (next !== '{') {
      return { ok: false, error: { message: "'%' must be followed by '{', '%', '_' or '-'", offset: i } };
    }
    const close = text.indexOf('}', i + 2);
    if (close < 0) return { ok: false, error: { message: "macro '%{' is never closed with '}'", offset: i } };
    const body = text.slice(i + 2, close);
    const match = /^([a-z])(\d*)(r?)([.\-+,/_=]*)$/i.exec(body);
    const letter = match?.[1]?.toLowerCase();
    if (!match || letter === undefined) {
      return { ok: false, error: { message: `invalid macro '%{${body}}'`, offset: i } };
    }
    if (!LETTERS.includes(letter) && !(inExplanation && EXP_ONLY_LETTERS.includes(letter))) {
      const where = EXP_ONLY_LETTERS.includes(letter) ? ' (only allowed in an explanation)' : '';
      return { ok: false, error: { message: `unknown macro letter '${match[1]}'${where}`, offset: i + 2 } };
    }
    const digits = match[2] ?? '';
    const keep = digits === '' ? undefined : Number(digits);
    if (keep === 0) return { ok: false, error: { message: 'macro transformer digit must not be 0', offset: i + 3 } };
    flush();
    parts.push({
      kind: 'expand',
      letter: match[1]!,
      keep,
      reverse: (match[3] ?? '') !== '',
      delimiters: match[4] ?? '',
    });
    endsWithMacro = true;
    i = close + 1;
  }
  flush();
  return { ok: true, value: { parts, endsWithMacro } };
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code >= 0x21 && code <= 0x7e ? `'${ch}'` : `0x${code.toString(16).padStart(2, '0')}`;
}

export interface MacroContext {
  sender: string;
  domain: string;
  ip: string;
  helo: string;
  /** Validated domain name of the IP (%{p}); computed lazily because it costs DNS lookups. */
  validatedName?: () => Promise<string>;
  receiver?: string;
  now?: () => Date;
}

/** Nibble or dotted form of an address for %{i}. */
export function macroIp(ip: string): string {
  if (isIPv4(ip)) return ip;
  return expandIPv6(ip).replace(/:/g, '').split('').join('.');
}

/** Full 8-group lowercase IPv6 text, e.g. 2001:0db8:0000:…; embedded dotted quads are converted. */
export function expandIPv6(ip: string): string {
  let text = ip.toLowerCase();
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number) as [number, number, number, number];
    const hex = (x: number, y: number): string => ((x << 8) | y).toString(16);
    text = `${text.slice(0, quad.index)}${hex(a, b)}:${hex(c, d)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...(tail === undefined ? [] : Array(missing).fill('0')), ...tailGroups];
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

async function letterValue(letter: string, context: MacroContext): Promise<string> {
  const at = context.sender.lastIndexOf('@');
  switch (letter) {
    case 's':
      return context.sender;
    case 'l':
      return at < 0 ? 'postmaster' : context.sender.slice(0, at) || 'postmaster';
    case 'o':
      return at < 0 ? context.sender : context.sender.slice(at + 1);
    case 'd':
      return context.domain;
    case 'i':
      return macroIp(context.ip);
    case 'p':
      return context.validatedName ? await context.validatedName() : 'unknown';
    case 'v':
      return isIPv4(context.ip) ? 'in-addr' : 'ip6';
    case 'h':
      return context.helo;
    case 'c':
      return context.ip;
    case 'r':
      return context.receiver ?? 'unknown';
    case 't':
      return String(Math.floor((context.now?.() ?? new Date()).getTime() / 1000));
    default:
      return '';
  }
}

/** Expands a parsed macro-string (RFC 7208 7.3/7.4); uppercase letters are URL-escaped. */
export async function expandMacroString(parsed: ParsedMacroString, context: MacroContext): Promise<string> {
  let out = '';
  for (const part of parsed.parts) {
    if (part.kind !== 'expand') {
      out += part.text;
      continue;
    }
    const raw = await letterValue(part.letter.toLowerCase(), context);
    const splitter = new RegExp(`[${escapeForClass(part.delimiters || '.')}]`);
    let labels = raw.split(splitter);
    if (part.reverse) labels = labels.reverse();
    if (part.keep !== undefined && part.keep < labels.length) labels = labels.slice(labels.length - part.keep);
    let value = labels.join('.');
    if (part.letter !== part.letter.toLowerCase()) value = urlEscape(value);
    out += value;
  }
  return out;
}

function escapeForClass(chars: string): string {
  return chars.replace(/[-\\\]^/]/g, (c) => `\\${c}`);
}

function urlEscape(value: string): string {
  return value.replace(/[^A-Za-z0-9\-._~]/g, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** RFC 7208 4.8: an expanded domain longer than 253 characters loses labels on the left until it fits. */
export function truncateDomain(domain: string): string {
  let value = domain.endsWith('.') ? domain.slice(0, -1) : domain;
  while (value.length > 253 && value.includes('.')) value = value.slice(value.indexOf('.') + 1);
  return value;
}
