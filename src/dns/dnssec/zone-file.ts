import type { DnsRecord } from '../types.ts';
import { normalizeName } from './names.ts';
import { recordFromText } from './presentation.ts';

const CLASSES = new Set(['IN', 'CH', 'HS']);
/** Fields holding domain names, per type, that may be relative in a zone file. */
const NAME_FIELDS: Record<string, number[]> = {
  NS: [0],
  CNAME: [0],
  PTR: [0],
  DNAME: [0],
  MX: [1],
  SOA: [0, 1],
  RRSIG: [7],
  NSEC: [0],
};

/**
 * Reads zone-file text (RFC 1035 §5: parentheses, comments, $ORIGIN, $TTL, relative names, omitted owner/TTL/class)
 * into records. Only the types `presentation.ts` knows are accepted; others throw with the line number.
 */
export function parseZoneFile(text: string, origin = ''): DnsRecord[] {
  let currentOrigin = normalizeName(origin);
  let defaultTtl = 3600;
  let lastOwner = currentOrigin;
  const records: DnsRecord[] = [];
  for (const { tokens, startsWithSpace, line } of logicalLines(text)) {
    if (tokens.length === 0) continue;
    try {
      if (tokens[0] === '$ORIGIN') {
        currentOrigin = absolute(tokens[1] ?? '', currentOrigin);
        continue;
      }
      if (tokens[0] === '$TTL') {
        defaultTtl = Number(tokens[1]);
        continue;
      }
      let index = 0;
      let owner = lastOwner;
      if (!startsWithSpace) owner = absolute(tokens[index++]!, currentOrigin);
      let ttl = defaultTtl;
      for (let guard = 0; guard < 2; guard++) {
        const token = tokens[index]?.toUpperCase();
        if (token !== undefined && /^\d+$/.test(token)) {
          ttl = Number(token);
          index++;
        } else if (token !== undefined && CLASSES.has(token)) index++;
      }
      const type = tokens[index++]?.toUpperCase();
      if (!type) throw new Error('missing type');
      const fields = tokens.slice(index);
      for (const position of NAME_FIELDS[type] ?? []) {
        if (fields[position] !== undefined) fields[position] = absolute(fields[position]!, currentOrigin);
      }
      records.push(recordFromText(owner, type, ttl, fields));
      lastOwner = owner;
    } catch (error) {
      throw new Error(`zone file line ${line}: ${(error as Error).message}`);
    }
  }
  return records;
}

function absolute(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name === '.') return '';
  if (name.endsWith('.') && !name.endsWith('\\.')) return normalizeName(name);
  return normalizeName(origin === '' ? name : `${name}.${origin}`);
}

interface LogicalLine {
  tokens: string[];
  startsWithSpace: boolean;
  line: number;
}

function* logicalLines(text: string): Generator<LogicalLine> {
  let tokens: string[] = [];
  let depth = 0;
  let startsWithSpace = false;
  let startLine = 1;
  const lines = text.split(/\r?\n/);
  for (let number = 0; number < lines.length; number++) {
    const raw = lines[number]!;
    if (depth === 0) {
      tokens = [];
      startsWithSpace = /^[ \t]/.test(raw);
      startLine = number + 1;
    }
    const pattern = /"(?:[^"\\]|\\.)*"|;.*$|[()]|[^\s()";]+/g;
    for (const match of raw.matchAll(pattern)) {
      const token = match[0];
      if (token.startsWith(';')) break;
      if (token === '(') depth++;
      else if (token === ')') depth = Math.max(0, depth - 1);
      else tokens.push(token);
    }
    if (depth === 0) yield { tokens, startsWithSpace, line: startLine };
  }
  if (depth > 0) throw new Error(`zone file line ${startLine}: unbalanced parenthesis`);
}
