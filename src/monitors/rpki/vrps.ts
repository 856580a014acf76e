import { readFile, stat } from 'node:fs/promises';
import { familyWidth, type Prefix, parsePrefix } from './prefix.ts';

/** A Validated ROA Payload (RFC 6811 §2): this AS may originate this prefix, down to maxLength. */
export interface Vrp {
  prefix: Prefix;
  prefixText: string;
  maxLength: number;
  asn: number;
}

/**
 * The VRPs of a validator's export, indexed per family and prefix length by network value (bigint map keys), so the
 * covering VRPs of a route are found with one lookup per prefix length that occurs in the export (about 25 for IPv4).
 */
export class VrpTable {
  readonly #index: Record<4 | 6, Map<number, Map<bigint, Vrp[]>>> = { 4: new Map(), 6: new Map() };
  readonly #lengths: Record<4 | 6, number[]> = { 4: [], 6: [] };
  readonly size: number;
  /** The export's own generation time, when it says. */
  readonly generated?: string;

  constructor(vrps: Vrp[], generated?: string) {
    for (const vrp of vrps) {
      const { family, length, value } = vrp.prefix;
      let byValue = this.#index[family].get(length);
      if (!byValue) {
        byValue = new Map();
        this.#index[family].set(length, byValue);
      }
      const key = value >> BigInt(familyWidth(family) - length);
      const list = byValue.get(key);
      if (list) list.push(vrp);
      else byValue.set(key, [vrp]);
    }
    for (const family of [4, 6] as const) this.#lengths[family] = [...this.#index[family].keys()].sort((a, b) => a - b);
    this.size = vrps.length;
    if (generated) this.generated = generated;
  }

  /** VRPs whose prefix covers `route` (equal or shorter, containing it). */
  covering(route: Prefix): Vrp[] {
    const found: Vrp[] = [];
    const width = familyWidth(route.family);
    for (const length of this.#lengths[route.family]) {
      if (length > route.length) break;
      const list = this.#index[route.family].get(length)?.get(route.value >> BigInt(width - length));
      if (list) found.push(...list);
    }
    return found;
  }
}

const asNumber = (value: unknown): number | undefined => {
  const n = typeof value === 'number' ? value : Number(String(value ?? '').replace(/^AS/i, ''));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
};

/**
 * rpki-client's and Routinator's JSON export: `{ "metadata": {…}, "roas": [{ "asn": 64500 | "AS64500",
 * "prefix": "192.0.2.0/24", "maxLength": 24, … }] }`. Entries that do not parse are counted, not fatal.
 */
export function parseVrpJson(text: string): { table: VrpTable; skipped: number } {
  const json = JSON.parse(text) as { roas?: unknown[]; metadata?: Record<string, unknown> };
  if (!Array.isArray(json.roas)) throw new Error('no "roas" array: not an rpki-client or Routinator JSON export');
  const vrps: Vrp[] = [];
  let skipped = 0;
  for (const entry of json.roas as Record<string, unknown>[]) {
    const prefix = parsePrefix(String(entry.prefix ?? ''));
    const asn = asNumber(entry.asn);
    const maxLength = Number(entry.maxLength ?? prefix?.length);
    if (!prefix || asn === undefined || !Number.isInteger(maxLength) || maxLength < prefix.length) {
      skipped++;
      continue;
    }
    vrps.push({ prefix, prefixText: String(entry.prefix), maxLength, asn });
  }
  const meta = json.metadata ?? {};
  const generated = meta.generatedTime ?? meta.generated;
  return { table: new VrpTable(vrps, generated === undefined ? undefined : String(generated)), skipped };
}

type Loaded = { table: VrpTable; skipped: number };

/** Parsed exports kept between runs (a daemon checks in batches): a file until it changes, a URL for 10 minutes. */
const cache = new Map<string, { stamp: string; loaded: Promise<Loaded> }>();
const URL_TTL_MS = 10 * 60_000;

/** Reads the export from a file or fetches it from an http(s) URL (a local validator's endpoint). */
export async function loadVrps(source: string, timeoutMs: number): Promise<Loaded> {
  const remote = /^https?:\/\//i.test(source);
  const stamp = remote
    ? String(Math.floor(Date.now() / URL_TTL_MS))
    : await stat(source).then((s) => `${s.mtimeMs}/${s.size}`);
  const cached = cache.get(source);
  if (cached?.stamp === stamp) return cached.loaded;
  const loaded = (async () => {
    if (!remote) return parseVrpJson(await readFile(source, 'utf8'));
    const response = await fetch(source, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${source} answered HTTP ${response.status}`);
    return parseVrpJson(await response.text());
  })();
  cache.set(source, { stamp, loaded });
  loaded.catch(() => cache.delete(source));
  return loaded;
}
