import { normalizeName, splitLabels } from './names.ts';
import { base32HexDecode, nsec3Hash } from './nsec3-hash.ts';
import type { Nsec3 } from './rdata/nsec3.ts';
import { typeNumber } from './rr-types.ts';
import { compareBytes } from './wire.ts';

export interface OwnedNsec3 extends Nsec3 {
  owner: string;
  /** The hash from the first owner label. */
  ownerHash: Uint8Array;
}

export type Nsec3Outcome =
  | {
      ok: true;
      proves: 'nxdomain' | 'nodata' | 'no-ds' | 'opt-out' | 'not-a-cut' | 'wildcard';
      /** Opt-out spans or too many iterations: the proof only shows the data is insecure. */
      insecure: boolean;
      records: string[];
    }
  | { ok: false; detail: string };

const NS = typeNumber('NS');
const SOA = typeNumber('SOA');
const DS = typeNumber('DS');
const CNAME = typeNumber('CNAME');

export function ownedNsec3(owner: string, nsec3: Nsec3): OwnedNsec3 | undefined {
  const first = splitLabels(normalizeName(owner))[0];
  const ownerHash = first === undefined ? undefined : base32HexDecode(first);
  if (!ownerHash || ownerHash.length !== nsec3.nextHashed.length) return undefined;
  return { ...nsec3, owner: normalizeName(owner), ownerHash };
}

function covers(record: OwnedNsec3, hash: Uint8Array): boolean {
  const afterOwner = compareBytes(record.ownerHash, hash) < 0;
  const beforeNext = compareBytes(hash, record.nextHashed) < 0;
  const wraps = compareBytes(record.nextHashed, record.ownerHash) <= 0;
  return wraps ? afterOwner || beforeNext : afterOwner && beforeNext;
}

/**
 * NSEC3 denial proofs (RFC 5155 §8), from NSEC3 records already verified as signed by `zone`. Records with an
 * unknown hash algorithm or flags are ignored (§8.1/§8.2). `maxIterations` mirrors validators that treat zones with
 * more iterations as insecure (RFC 9276 §3.2).
 */
export function proveWithNsec3(
  all: readonly OwnedNsec3[],
  qname: string,
  qtype: string,
  zone: string,
  maxIterations: number,
): Nsec3Outcome {
  const records = all.filter((record) => record.hashAlgorithm === 1 && (record.flags & 0xfe) === 0);
  const first = records[0];
  if (!first) return { ok: false, detail: 'no usable NSEC3 record (hash algorithm 1)' };
  const tooCostly = first.iterations > maxIterations;
  const hashes = new Map<string, Uint8Array>();
  const hashOf = (name: string): Uint8Array => {
    let hash = hashes.get(name);
    if (!hash) {
      hash = nsec3Hash(name, first.salt, first.iterations);
      hashes.set(name, hash);
    }
    return hash;
  };
  const matchOf = (name: string) => records.find((record) => compareBytes(record.ownerHash, hashOf(name)) === 0);
  const coverOf = (name: string) => records.find((record) => covers(record, hashOf(name)));
  const name = normalizeName(qname);
  const type = typeNumber(qtype);
  const done = (
    proves: Extract<Nsec3Outcome, { ok: true }>['proves'],
    used: OwnedNsec3[],
    optOut = false,
  ): Nsec3Outcome => ({
    ok: true,
    proves,
    insecure: optOut || tooCostly,
    records: [...new Set(used.map((record) => record.owner))],
  });

  const exact = matchOf(name);
  if (exact) {
    if (type === DS) {
      if (exact.types.has(DS)) return { ok: false, detail: `NSEC3 for ${name} lists DS: the DS exists` };
      if (exact.types.has(SOA) && name !== zone)
        return { ok: false, detail: `the NSEC3 for ${name} is from the child zone` };
      return exact.types.has(NS) && !exact.types.has(SOA) ? done('no-ds', [exact]) : done('not-a-cut', [exact]);
    }
    if (exact.types.has(type)) return { ok: false, detail: `NSEC3 for ${name} lists ${qtype}: the data exists` };
    if (exact.types.has(CNAME)) return { ok: false, detail: `NSEC3 for ${name} lists CNAME` };
    return done('nodata', [exact]);
  }

  // Closest encloser proof (§8.3): the longest existing ancestor, with the next closer name covered.
  const labels = splitLabels(name);
  const zoneLabels = splitLabels(normalizeName(zone)).length;
  for (let count = labels.length - 1; count >= zoneLabels; count--) {
    const encloser = labels.slice(labels.length - count).join('.');
    const encloserMatch = matchOf(encloser);
    if (!encloserMatch) continue;
    if (encloserMatch.types.has(NS) && !encloserMatch.types.has(SOA) && encloser !== zone) {
      return {
        ok: false,
        detail: `the closest encloser ${encloser} is a delegation point: the proof comes from the wrong zone`,
      };
    }
    const nextCloser = labels.slice(labels.length - count - 1).join('.');
    const nextCover = coverOf(nextCloser);
    if (!nextCover) return { ok: false, detail: `no NSEC3 covers the next closer name ${nextCloser}` };
    if (type === DS && nextCover.optOut) return done('opt-out', [encloserMatch, nextCover], true);
    const wildcard = encloser === '' ? '*' : `*.${encloser}`;
    const wildcardMatch = matchOf(wildcard);
    if (wildcardMatch) {
      if (wildcardMatch.types.has(type) || wildcardMatch.types.has(CNAME)) {
        return { ok: false, detail: `the wildcard ${wildcard} exists with ${qtype}: the answer should be synthesised` };
      }
      return done('nodata', [encloserMatch, nextCover, wildcardMatch], nextCover.optOut);
    }
    const wildcardCover = coverOf(wildcard);
    if (!wildcardCover) return { ok: false, detail: `no NSEC3 proves that the wildcard ${wildcard} does not exist` };
    return done('nxdomain', [encloserMatch, nextCover, wildcardCover], nextCover.optOut);
  }
  return { ok: false, detail: `no NSEC3 closest encloser proof for ${name}` };
}

/** A wildcard answer needs the next closer name (one label below the wildcard's parent) covered (§8.8). */
export function proveWildcardWithNsec3(
  all: readonly OwnedNsec3[],
  qname: string,
  rrsigLabels: number,
  maxIterations: number,
): Nsec3Outcome {
  const records = all.filter((record) => record.hashAlgorithm === 1 && (record.flags & 0xfe) === 0);
  const first = records[0];
  if (!first) return { ok: false, detail: 'no usable NSEC3 record for the wildcard proof' };
  const labels = splitLabels(normalizeName(qname));
  const nextCloser = labels.slice(labels.length - rrsigLabels - 1).join('.');
  const hash = nsec3Hash(nextCloser, first.salt, first.iterations);
  const cover = records.find((record) => covers(record, hash));
  if (!cover) return { ok: false, detail: `no NSEC3 covers ${nextCloser}, so the wildcard may not apply` };
  return { ok: true, proves: 'wildcard', insecure: first.iterations > maxIterations, records: [cover.owner] };
}
