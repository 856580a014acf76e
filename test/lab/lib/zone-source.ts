import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/** Signing algorithms a zone may ask for, as dnssec-keygen names them. */
export const algorithms = {
  rsasha1: { keygen: 'RSASHA1', number: 5 },
  nsec3rsasha1: { keygen: 'NSEC3RSASHA1', number: 7 },
  rsasha256: { keygen: 'RSASHA256', number: 8 },
  rsasha512: { keygen: 'RSASHA512', number: 10 },
  ecdsap256sha256: { keygen: 'ECDSAP256SHA256', number: 13 },
  ecdsap384sha384: { keygen: 'ECDSAP384SHA384', number: 14 },
  ed25519: { keygen: 'ED25519', number: 15 },
  ed448: { keygen: 'ED448', number: 16 },
} as const;
export type AlgorithmName = keyof typeof algorithms;

export interface TlsaDirective {
  /** Owner relative to the zone origin, e.g. `_25._tcp.mx1`. */
  owner: string;
  usage: number;
  selector: number;
  matching: number;
  /** `cert:<name>` or `cert:<name>-next` (pre-generated next key) or `ca` (the lab CA). */
  source: string;
}

export interface ZoneDirectives {
  sign: AlgorithmName | 'none';
  bits?: number;
  denial: 'nsec' | 'nsec3';
  nsec3Iterations: number;
  /** Hex salt, or '-' for none. */
  nsec3Salt: string;
  nsec3OptOut: boolean;
  /** Seconds relative to now (negative: in the past). */
  expire?: number;
  inception?: number;
  ds: 'normal' | 'none' | 'wrong';
  dsDigests: number[];
  stripRrsig: { owner: string; type: string }[];
  secondary?: 'stale';
  /** RRSIG expiration of the stale secondary's copy, seconds from now. */
  secondaryExpire: number;
  nsDead: boolean;
  tlsa: TlsaDirective[];
}

export interface ZoneSource {
  /** Zone name without trailing dot, e.g. `mx-good.test`. */
  name: string;
  /** Where it came from, for error messages. */
  origin: string;
  directives: ZoneDirectives;
  /** The zone text as written (directives are comments, so the text is valid zone-file text as is). */
  text: string;
}

export function defaultDirectives(): ZoneDirectives {
  return {
    sign: 'ecdsap256sha256',
    denial: 'nsec',
    nsec3Iterations: 0,
    nsec3Salt: '-',
    nsec3OptOut: false,
    ds: 'normal',
    dsDigests: [2],
    stripRrsig: [],
    secondaryExpire: 20 * 3600,
    nsDead: false,
    tlsa: [],
  };
}

const wholeLineKeys = new Set(['strip-rrsig', 'tlsa']);

/** Parses `; lab: key=value …` comment lines. Unknown keys are errors, so a typo never silently changes a scenario. */
export function parseDirectives(text: string, where: string): ZoneDirectives {
  const d = defaultDirectives();
  for (const [index, line] of text.split('\n').entries()) {
    const match = /^\s*;\s*lab:\s*(.*)$/.exec(line);
    if (!match) continue;
    const rest = (match[1] ?? '').trim();
    const at = `${where}:${index + 1}`;
    const firstKey = rest.split(/[=\s]/)[0] ?? '';
    const tokens = wholeLineKeys.has(firstKey) ? [rest] : rest.split(/\s+/).filter(Boolean);
    for (const token of tokens) applyDirective(d, token, at);
  }
  if (d.nsec3OptOut && d.denial !== 'nsec3') throw new Error(`${where}: nsec3-optout needs denial=nsec3`);
  return d;
}

function applyDirective(d: ZoneDirectives, token: string, at: string): void {
  const eq = token.indexOf('=');
  const key = eq < 0 ? token : token.slice(0, eq);
  const value = eq < 0 ? '' : token.slice(eq + 1).trim();
  const fail = (why: string): never => {
    throw new Error(`${at}: bad lab directive "${token}": ${why}`);
  };
  switch (key) {
    case 'sign':
      if (value !== 'none' && !(value in algorithms))
        fail(`sign is one of none, ${Object.keys(algorithms).join(', ')}`);
      d.sign = value as ZoneDirectives['sign'];
      return;
    case 'bits':
      d.bits = positiveInt(value) ?? fail('bits is a number, e.g. 1024');
      return;
    case 'denial':
      if (value !== 'nsec' && value !== 'nsec3') fail('denial is nsec or nsec3');
      d.denial = value as 'nsec' | 'nsec3';
      return;
    case 'nsec3-iterations':
      d.nsec3Iterations = nonNegativeInt(value) ?? fail('a number');
      d.denial = 'nsec3';
      return;
    case 'salt':
    case 'nsec3-salt':
      if (!/^([0-9a-fA-F]{2})+$|^-$/.test(value)) fail('salt is hex (even length) or -');
      d.nsec3Salt = value;
      d.denial = 'nsec3';
      return;
    case 'nsec3-optout':
      d.nsec3OptOut = true;
      d.denial = 'nsec3';
      return;
    case 'expire':
      d.expire = relativeSeconds(value) ?? fail('a relative time like -1d, +36h, +90m');
      return;
    case 'inception':
      d.inception = relativeSeconds(value) ?? fail('a relative time like +2d, -10d');
      return;
    case 'ds':
      if (value !== 'none' && value !== 'wrong' && value !== 'normal') fail('ds is none, wrong or normal');
      d.ds = value as ZoneDirectives['ds'];
      return;
    case 'ds-digest': {
      const digests = value.split(',').map((v) => Number(v));
      if (digests.length === 0 || digests.some((n) => ![1, 2, 4].includes(n))) fail('ds-digest is 1, 2, 4 or a list');
      d.dsDigests = digests;
      return;
    }
    case 'strip-rrsig': {
      const [owner, type, extra] = value.split(/\s+/);
      if (!owner || !type || extra) fail('strip-rrsig=<owner> <TYPE>');
      d.stripRrsig.push({ owner: owner as string, type: (type as string).toUpperCase() });
      return;
    }
    case 'secondary':
      if (value !== 'stale') fail('secondary=stale');
      d.secondary = 'stale';
      return;
    case 'secondary-expire':
      d.secondaryExpire = relativeSeconds(value) ?? fail('a relative time like +20h');
      d.secondary = 'stale';
      return;
    case 'ns-dead':
      d.nsDead = true;
      return;
    case 'tlsa': {
      const [owner, usage, selector, matching, source, extra] = value.split(/\s+/);
      const numbers = [usage, selector, matching].map((v) => nonNegativeInt(v ?? ''));
      if (!owner || numbers.some((n) => n === undefined) || !source || extra)
        fail('tlsa=<owner> <usage> <selector> <matching-type> cert:<name>|cert:<name>-next|ca');
      if (source !== 'ca' && !/^cert:[a-z0-9-]+$/.test(source as string)) fail('source is cert:<name> or ca');
      d.tlsa.push({
        owner: owner as string,
        usage: numbers[0] as number,
        selector: numbers[1] as number,
        matching: numbers[2] as number,
        source: source as string,
      });
      return;
    }
    default:
      fail('unknown directive (see test/lab/README.md)');
  }
}

function positiveInt(value: string): number | undefined {
  const n = nonNegativeInt(value);
  return n === undefined || n === 0 ? undefined : n;
}

function nonNegativeInt(value: string): number | undefined {
  return /^\d+$/.test(value) ? Number(value) : undefined;
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `-1d`, `+36h`, `90m`, `3600` → seconds. */
export function relativeSeconds(value: string): number | undefined {
  const match = /^([+-]?)(\d+)([smhdw]?)$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[2]) * (units[match[3] || 's'] ?? 1);
  return match[1] === '-' ? -amount : amount;
}

/** Every `*.zone` under the zones directory (any depth of area folders). The zone name is `<file-name>.test`. */
export function readZoneSources(dir: string): ZoneSource[] {
  const sources: ZoneSource[] = [];
  for (const file of listZoneFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(process.cwd(), file);
    sources.push({
      name: `${basename(file, '.zone')}.test`,
      origin: where,
      text,
      directives: parseDirectives(text, where),
    });
  }
  return sources;
}

function listZoneFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) files.push(...listZoneFiles(path));
    else if (entry.endsWith('.zone')) files.push(path);
  }
  return files;
}
