import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from './exec.ts';

/** One resource record in presentation form, with a fully qualified owner (trailing dot). */
export interface Rr {
  owner: string;
  ttl: number;
  type: string;
  rdata: string;
}

export function fqdn(name: string): string {
  if (name === '' || name === '.') return '.';
  return name.endsWith('.') ? name.toLowerCase() : `${name.toLowerCase()}.`;
}

/** Resolves `@` and relative names against the origin (fully qualified, with trailing dot). */
export function absoluteName(name: string, origin: string): string {
  if (name === '@') return origin;
  if (name.endsWith('.')) return name.toLowerCase();
  return origin === '.' ? `${name.toLowerCase()}.` : `${name.toLowerCase()}.${origin}`;
}

export function formatRr(rr: Rr): string {
  return `${rr.owner}\t${rr.ttl}\tIN\t${rr.type}\t${rr.rdata}`;
}

/** Parses one-RR-per-line text as ldns-read-zone and dnssec-signzone `-O full` print it. */
export function parseRrLines(text: string): Rr[] {
  const rrs: Rr[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith(';')) continue;
    const match = /^(\S+)\s+(\d+)\s+IN\s+(\S+)\s*(.*)$/.exec(line);
    if (!match) throw new Error(`unexpected record line: ${line}`);
    rrs.push({
      owner: (match[1] as string).toLowerCase(),
      ttl: Number(match[2]),
      type: match[3] as string,
      rdata: (match[4] ?? '').trim(),
    });
  }
  return rrs;
}

/**
 * Reads ordinary zone-file text (relative names, `@`, parentheses, `$TTL`, `$ORIGIN`) through ldns-read-zone, a real
 * parser, so the lab can add what is missing and delegate without a zone parser of its own.
 */
export async function canonicalRecords(text: string, origin: string, where: string, workDir: string): Promise<Rr[]> {
  const key = `${origin}\0${text}`;
  const cached = parsed.get(key);
  if (cached) return cached.map((r) => ({ ...r }));
  const records = await parseWithLdns(text, origin, where, workDir);
  parsed.set(key, records);
  return records.map((r) => ({ ...r }));
}

/** Parsed zone texts of this process: a start parses every zone twice (certificate names, then the build). */
const parsed = new Map<string, Rr[]>();

async function parseWithLdns(text: string, origin: string, where: string, workDir: string): Promise<Rr[]> {
  try {
    mkdirSync(workDir, { recursive: true });
    const file = join(workDir, `${origin === '.' ? '_root' : origin}source`);
    writeFileSync(file, `$ORIGIN ${origin}\n$TTL 300\n${text}\n`);
    const { stdout } = await exec('ldns-read-zone', [file]);
    return parseRrLines(stdout);
  } catch (error) {
    throw new Error(`${where}: zone text does not parse: ${(error as Error).message}`);
  }
}
