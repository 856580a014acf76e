import { readFile } from 'node:fs/promises';
import { enclosing, type Prefix, parsePrefix, prefixKey } from './prefix.ts';

/** A Validated ROA Payload (RFC 6811 §2): this AS may originate this prefix, down to maxLength. */
export interface Vrp {
  prefix: Prefix;
  prefixText: string;
  maxLength: number;
  asn: number;
}

/** The VRPs of a validator's export, indexed by prefix so that covering VRPs are found in ≤ 129 lookups. */
export class VrpTable {
  readonly #byPrefix = new Map<string, Vrp[]>();
  readonly size: number;
  /** The export's own generation time, when it says. */
  readonly generated?: string;

  constructor(vrps: Vrp[], generated?: string) {
    for (const vrp of vrps) {
      const key = prefixKey(vrp.prefix);
      this.#byPrefix.set(key, [...(this.#byPrefix.get(key) ?? []), vrp]);
    }
    this.size = vrps.length;
    if (generated) this.generated = generated;
  }

  /** VRPs whose prefix covers `route` (equal or shorter, containing it). */
  covering(route: Prefix): Vrp[] {
    const ip = { family: route.family, value: route.value };
    return [...enclosing(ip, route.length)].flatMap((p) => this.#byPrefix.get(prefixKey(p)) ?? []);
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

/** Reads the export from a file or fetches it from an http(s) URL (a local validator's endpoint). */
export async function loadVrps(source: string, timeoutMs: number): Promise<{ table: VrpTable; skipped: number }> {
  if (/^https?:\/\//i.test(source)) {
    const response = await fetch(source, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`${source} answered HTTP ${response.status}`);
    return parseVrpJson(await response.text());
  }
  return parseVrpJson(await readFile(source, 'utf8'));
}
