import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { normalizeName } from './names.ts';
import { parseZoneFile } from './zone-file.ts';

/** DS or DNSKEY records for one zone, taken on trust: the top of every chain. */
export interface TrustAnchor {
  zone: string;
  /** DS RDATA (wire). */
  ds: Uint8Array[];
  /** DNSKEY RDATA (wire). */
  dnskeys: Uint8Array[];
}

/**
 * The IANA root zone KSKs (root-anchors.xml; as shipped by Debian's dns-root-data): KSK-2017 (20326) and
 * KSK-2024 (38696), both RSASHA256, SHA-256 digests.
 */
export const IANA_ROOT_ANCHORS_TEXT = `
. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
. IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16
`;

export function parseTrustAnchors(text: string): TrustAnchor[] {
  const byZone = new Map<string, TrustAnchor>();
  for (const record of parseZoneFile(text)) {
    if (record.type !== 'DS' && record.type !== 'DNSKEY') {
      throw new Error(`trust anchor files hold DS or DNSKEY records, not ${record.type} (${record.name || '.'})`);
    }
    const zone = normalizeName(record.name);
    const anchor = byZone.get(zone) ?? { zone, ds: [], dnskeys: [] };
    (record.type === 'DS' ? anchor.ds : anchor.dnskeys).push(record.rdata);
    byZone.set(zone, anchor);
  }
  if (byZone.size === 0) throw new Error('the trust anchor file holds no DS or DNSKEY record');
  return [...byZone.values()];
}

export function builtInTrustAnchors(): TrustAnchor[] {
  return parseTrustAnchors(IANA_ROOT_ANCHORS_TEXT);
}

/** `--trust-anchor FILE`: zone-file DS/DNSKEY records that replace the built-in root anchors. */
export async function loadTrustAnchorFile(path: string): Promise<TrustAnchor[]> {
  return parseTrustAnchors(await readFile(path, 'utf8'));
}

/** A short stable id of an anchor set, so per-run caches never mix chains built from different anchors. */
const anchorSetIds = new WeakMap<readonly TrustAnchor[], string>();

/**
 * A short id of an anchor set (a digest), remembered per array: it prefixes every chain memo key of a run, and a
 * key made of every anchor's bytes would be hashed on each lookup.
 */
export function anchorSetId(anchors: readonly TrustAnchor[]): string {
  let id = anchorSetIds.get(anchors);
  if (id === undefined) {
    id = createHash('sha256').update(anchorSetText(anchors)).digest('base64url').slice(0, 22);
    anchorSetIds.set(anchors, id);
  }
  return id;
}

function anchorSetText(anchors: readonly TrustAnchor[]): string {
  return anchors
    .map(
      (anchor) =>
        `${anchor.zone}:${[...anchor.ds, ...anchor.dnskeys].map((rdata) => Buffer.from(rdata).toString('base64')).join(',')}`,
    )
    .sort()
    .join('|');
}
